"""conventions.yaml round-trips, and every malformed shape is named with its fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvest.conventions.rules import Rule
from harvest.conventions.store import load_conventions, write_conventions
from harvest.errors import InputError

RULES = [
    Rule("specs-use-it-not-test", "not-regex", r"^\s*test\(", "Write test cases with `it(`", ("src/**/*.spec.tsx",),
         support=219, followed=212, confidence=0.968, evidence=('PR #3 review by @ana: "use it("',),
         exceptions=("src/a.spec.tsx:3",), source="test-style", severity="info"),
    Rule("no-default-export", "not-regex", r"^export\s+default\b", "Named exports", ("*.tsx",), exclude=("pages/",),
         kinds=("source", "example"), support=40, followed=40, confidence=1.0, severity="warning"),
    Rule("layout", "path-layout", "{dir}.tsx,index.ts", "Each folder has them", ("src/components/*/",),
         status="candidate"),
]


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "conventions.yaml"
    write_conventions(path, RULES, "acme", "abc123")
    assert load_conventions(path) == RULES
    text = path.read_text()
    assert text.startswith("# Conventions mined by Idiomatic") and "unit_kind" not in text


@pytest.mark.parametrize(("content", "message"), [
    ("rules: [\n", "not valid YAML"),
    ("- just a list\n", "expected a mapping with a `rules:` list"),
    ("rules:\n  - 3\n", "rule 1 must be a mapping"),
    ("rules:\n  - {id: a, type: regex, value: x, message: m, colour: red}\n", "unknown field(s) colour"),
    ("rules:\n  - {id: a, type: regex, message: m}\n", "missing value"),
    ("rules:\n  - {id: a, type: regex, value: x, message: m, paths: src}\n", "paths must be a list of strings"),
    ("rules:\n  - {id: a, type: regex, value: x, message: m, support: many}\n", "support must be int"),
    ("rules:\n  - {id: a, type: vibes, value: x, message: m}\n", "unknown type 'vibes'"),
    ("rules:\n  - {id: a, type: regex, value: '(', message: m}\n", "invalid regex"),
    ("rules:\n  - {id: a, type: regex, value: x, message: m, severity: error}\n", "severity must be warning or info"),
    ("rules:\n  - {id: a, type: regex, value: x, message: m, kinds: [tests]}\n", "unknown kind(s) tests in kinds"),
    ("rules:\n  - {id: a, type: regex, value: x, message: m, exclude: ['[z-a]']}\n", "does not compile"),
    ("rules:\n  - {id: a, type: package-imports, value: dotted, message: m}\n", "package-imports takes relative or"),
])
def test_malformed_files_name_the_rule_and_the_fix(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "conventions.yaml"
    path.write_text(content)
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_conventions(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="run `idiom harvest`"):
        load_conventions(tmp_path / "nope.yaml")
