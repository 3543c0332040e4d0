"""The RE2 gates: the provider gate's loosened patterns and the other detectors' declared gates match
wherever the Python patterns do, so gating never changes what `scrub` finds, and they let through only
rules whose shape occurs in the text."""

from __future__ import annotations

import re

import pytest
import re2

from harvest.scrub import PRECISE, STRICT, scrub
from harvest.scrub.detectors import detectors, scanner
from harvest.scrub.multiscan import loosen, provider_gate, shape_gate
from harvest.scrub.rulefile import load_rules, provider_detectors
from tests.harvest.test_scrub_detectors import CASES

POSITIVES = [(r.id, text) for r in load_rules() for text in r.positive]
PROVIDERS = provider_detectors()
PROVIDER_GATE = provider_gate(PROVIDERS)
SHAPE_GATE = shape_gate(detectors().values())


@pytest.mark.parametrize(
    ("pattern", "loose"),
    [
        (r"hf_(?P<b>(?=[A-Za-z0-9]{0,33}[A-Z])[A-Za-z0-9]{34})", r"hf_(?P<b>[A-Za-z0-9]{16,})"),
        (r":AA(?P<b>[\w-]{33})(?![\w-])", r":AA(?P<b>[0-9A-Za-z_\x{80}-\x{10FFFF}-]{16,})"),
        (r"-us\d{1,2}", r"-us[0-9\x{80}-\x{10FFFF}]{1,2}"),
        (r"sumo[\w.]{0,20}?id", r"sumo[0-9A-Za-z_\x{80}-\x{10FFFF}.]{0,}?id"),
        (r"a\{2\}[]{}]", r"a\{2\}[]{}]"),
    ],
)
def test_loosen_drops_lookarounds_caps_long_counts_and_widens_classes(pattern: str, loose: str) -> None:
    assert loosen(pattern) == loose


def test_loosen_refuses_a_class_it_cannot_widen() -> None:
    with pytest.raises(ValueError, match=r"negated class \\W"):
        loosen(r"x\W")


def test_every_provider_pattern_loosens_to_a_superset_on_unicode_text() -> None:
    """Python's \\w and \\d are Unicode-wide: a token with non-ASCII letters still passes the gate."""
    for detector in PROVIDERS:
        for pattern in detector.patterns:
            re2.compile(loosen(pattern.pattern))
    text = "tg 123456789:AA" + "é" * 33
    assert re.search(r":AA(?P<b>[\w-]{33})(?![\w-])", text)
    assert "telegram-bot-token" in PROVIDER_GATE.candidates(text.encode())


@pytest.mark.parametrize(("rule_id", "text"), POSITIVES)
def test_gate_lets_every_positive_example_through(rule_id: str, text: str) -> None:
    assert rule_id in PROVIDER_GATE.candidates(text.encode())


def test_gate_holds_back_rules_woken_by_a_keyword_alone() -> None:
    text = "at the gh meeting, os.path and the api- key-value pairs were |kept|"
    assert PROVIDER_GATE.candidates(text.encode()) == set()
    assert scanner().gated == {d.name for d in PROVIDERS} | SHAPE_GATE.owners


def test_detectors_declaring_a_gate_are_the_two_woken_by_almost_any_text() -> None:
    assert SHAPE_GATE.owners == {"random-token", "high-entropy"}


@pytest.mark.parametrize(("name", "text"), [(n, t) for n, (pos, _) in CASES.items() if n in SHAPE_GATE.owners for t in pos])
def test_a_declared_gate_lets_every_case_its_detector_finds_through(name: str, text: str) -> None:
    assert name in SHAPE_GATE.candidates(text.encode())


def test_a_declared_gate_holds_back_texts_without_a_long_token() -> None:
    text = "x = compute(a, b)  # a short_name: value, and another_name=other_value\n"
    assert SHAPE_GATE.candidates(text.encode()) == set()


def test_the_remembered_choice_keeps_the_modes_apart() -> None:
    """`Scanner.runnable` remembers what it chose per combination of matches, and per mode: the same text
    scrubbed in turn keeps strict mode's `random-token` out of precise mode and in strict mode."""
    text = CASES["random-token"][0][1]
    for _ in range(2):
        assert "random-token" not in {f.rule for f in scrub(text, profile=PRECISE).findings}
        assert "random-token" in {f.rule for f in scrub(text, profile=STRICT).findings}
