"""Conventions exported for Copilot, AGENTS.md and Continue."""

from __future__ import annotations

import yaml

from harvest.conventions.export import EXPORT_PATHS, EXPORTS
from harvest.conventions.rules import Rule

RULES = [
    Rule("specs-use-it", "not-regex", r"^\s*test\(", "Write test cases with `it(`, never `test(`", support=219,
         followed=212, confidence=0.968, source="test-style", severity="info"),
    Rule("no-hex", "not-regex", "#", "Take colours from theme tokens", support=340, followed=340, confidence=1.0,
         source="forbidden"),
    Rule("maybe", "not-contains", "x", "A reviewer's wish", status="candidate", source="review"),
]


def test_every_format_states_the_proposed_rules_with_evidence() -> None:
    assert set(EXPORTS) == set(EXPORT_PATHS)
    for name, render in EXPORTS.items():
        text = render(RULES, "acme-web")
        assert render.__doc__
        # The tier is stated: a rule below 97% is a habit; a rule without a severity (hand-written) is a rule.
        assert "Write test cases with `it(`, never `test(` (habit, not enforced: 212 of 219 follow it)" in text, name
        assert "Take colours from theme tokens (rule: 340 of 340 follow it)" in text, name
        assert "## Tests" in text and "## Patterns this team avoids" in text
        assert "A reviewer's wish" not in text and "acme-web" in text


def test_continue_rules_have_front_matter() -> None:
    text = EXPORTS["continue"](RULES, "acme-web")
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["alwaysApply"] is True and "acme-web" in front["name"]


def test_no_rules_still_says_something() -> None:
    assert "No conventions" in EXPORTS["agents"]([], "acme-web")
