"""The provider rule file: every rule finds its positive examples (under its own id) and leaves its
negatives alone, and a malformed file fails with one error naming the rule and the field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harvest.scrub import PRECISE, detectors, scrub
from harvest.scrub.rulefile import (
    RULE_FILE,
    RuleFileError,
    compile_rule,
    load_rules,
    parse_rules,
)

RULES = load_rules()
DETECTORS = detectors()
POSITIVES = [(r.id, text) for r in RULES for text in r.positive]
NEGATIVES = [(r.id, text) for r in RULES for text in r.negative]


def test_rule_file_is_complete_and_registered() -> None:
    assert len(RULES) == len({r.id for r in RULES})
    for rule in RULES:
        assert DETECTORS[rule.id].doc == rule.description
        assert rule.source.startswith("https://"), rule.id
        assert rule.positive and rule.negative, f"{rule.id} needs positive and negative examples"


@pytest.mark.parametrize(("rule_id", "text"), POSITIVES)
def test_positive_example_is_found_by_its_rule(rule_id: str, text: str) -> None:
    """The rule wakes on its keywords and wins the span in `scrub`, which replaces it with its placeholder."""
    assert any(k in text.lower() for k in DETECTORS[rule_id].keywords), f"{rule_id}: no keyword in its example"
    result = scrub(text, path="app.py")
    assert rule_id in {f.rule for f in result.findings}
    assert DETECTORS[rule_id].placeholder in result.text


@pytest.mark.parametrize(("rule_id", "text"), NEGATIVES)
def test_negative_example_is_left_alone_by_its_rule(rule_id: str, text: str) -> None:
    assert not list(DETECTORS[rule_id].spans(text, text.lower(), "app.py")), f"{rule_id} fired on a look-alike"


def test_the_rule_file_holds_no_finding_of_its_own() -> None:
    """Every example line carries the pragma, so `idiom scrub` (precise) does not report the fixtures."""
    assert scrub(RULE_FILE.read_text(), path=str(RULE_FILE), profile=PRECISE).findings == ()


GOOD = """
rules:
  - id: acme-key
    description: Acme keys
    keywords: [acme_]
    pattern: 'acme_(?P<b>[a-z0-9]{20})'
    source: https://docs.acme.test/keys
    examples: {positive: ['acme_k3j5h2l8q9w0e7r6t5y4'], negative: []}
"""


def test_a_minimal_rule_compiles_with_defaults() -> None:
    (rule,) = parse_rules(GOOD)
    assert (rule.check, rule.boundary, rule.placeholder, rule.lowered) == ("token", "-", "<SECRET:acme-key>", False)


def test_random_body_check_wants_a_random_body() -> None:
    """`random-body` is `token` plus a body that reads as random: a prefix that also starts names stays quiet."""
    (rule,) = parse_rules(GOOD.replace("    keywords:", "    check: random-body\n    keywords:"))
    detector = compile_rule(rule)

    def found(text: str) -> bool:
        return bool(list(detector.spans(text, text.lower(), "app.py")))

    assert found("key = acme_k3j5h2l8q9w0e7r6t5y4")  # pragma: allowlist secret
    assert not found("acme_configurationdefault")  # 20 letters, but words
    assert not found("acme_xxxxxxxxxxxxxxxxxxxx")  # pragma: allowlist secret


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("pattern: 'acme_(?P<b>[a-z0-9]{20})'", "pattern: 'acme_(?P<b>[a-z'", "rule 'acme-key': field 'pattern' does not compile"),
        ("    source: https://docs.acme.test/keys\n", "", "rule 'acme-key': field 'source' is missing"),
        ("keywords: [acme_]", "keywords: [ACME_]", "rule 'acme-key': field 'keywords' must be lower-case"),
        ("id: acme-key", "id: Acme_Key", "rule 'Acme_Key': field 'id' must be kebab-case"),
        ("    keywords:", "    check: nope\n    keywords:", "rule 'acme-key': field 'check' names no check"),
        ("    keywords:", "    colour: red\n    keywords:", "rule 'acme-key': field 'colour' is unknown"),
        ("source: https://docs.acme.test/keys", "source: a blog", "field 'source' must be the https URL"),
        ("    keywords:", "    check: random\n    keywords:", "field 'min_length' is required by check 'random'"),
        ("examples: {positive:", "examples: {maybe: [], positive:", "field 'examples' must be a mapping"),
    ],
)
def test_malformed_rule_names_rule_and_field(old: str, new: str, message: str) -> None:
    assert old in GOOD
    with pytest.raises(RuleFileError, match=re.escape(message)):
        parse_rules(GOOD.replace(old, new), "rules.yaml")


def test_duplicate_ids_bad_yaml_and_missing_file(tmp_path: Path) -> None:
    entry = GOOD.split("rules:\n", 1)[1]
    with pytest.raises(RuleFileError, match="rule 'acme-key': field 'id' is used by an earlier rule"):
        parse_rules("rules:\n" + entry + entry)
    with pytest.raises(RuleFileError, match="line 1 is not valid YAML"):
        parse_rules("rules: [")
    with pytest.raises(RuleFileError, match="must be a mapping with a 'rules' list"):
        parse_rules("- id: x")
    with pytest.raises(RuleFileError, match="cannot read provider rules"):
        load_rules(tmp_path / "missing.yaml")
