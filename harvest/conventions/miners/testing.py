"""Test style: `it(` or `test(` in JS/TS specs, `.spec.` or `.test.` file names, pytest asserts or unittest."""

from __future__ import annotations

import re

from harvest.config import HarvestConfig
from harvest.conventions.mine import Corpus
from harvest.conventions.miners.base import folder_globs
from harvest.conventions.rules import Rule

JS = frozenset({"javascript", "typescript", "tsx"})
CALLS = {"it": re.compile(r"^\s*it(?:\.\w+)*\(", re.MULTILINE), "test": re.compile(r"^\s*test(?:\.\w+)*\(", re.MULTILINE)}
FORBID = {"it": r"^\s*test(?:\.\w+)*\(", "test": r"^\s*it(?:\.\w+)*\("}
SPEC_NAME = re.compile(r"\.(spec|test)\.[cm]?[jt]sx?$")


def testing_style(corpus: Corpus, _config: HarvestConfig) -> list[Rule]:
    """Which test call and which test file naming the team uses, and pytest over unittest."""
    specs = [f for f in corpus.files if f.kind == "test" and f.language in JS]
    rules = []
    uses = {call: [f.path for f in specs if pattern.search(f.text)] for call, pattern in CALLS.items()}
    if uses["it"] or uses["test"]:
        call = max(uses, key=lambda c: len(uses[c]))
        other = "test" if call == "it" else "it"
        rules.append(Rule(f"specs-use-{call}-not-{other}", "not-regex", FORBID[call],
                          f"Write test cases with `{call}(`, never `{other}(`", folder_globs(uses[call] + uses[other]),
                          source="test-style"))
    names = [m.group(1) for f in specs if (m := SPEC_NAME.search(f.path))]
    if names:
        style = max(("spec", "test"), key=names.count)
        other = "test" if style == "spec" else "spec"
        sources = [f.path for f in corpus.files if f.kind in ("source", "test") and f.language in JS]
        rules.append(Rule(f"test-files-named-{style}", "not-filename", rf"\.{other}\.[cm]?[jt]sx?$",
                          f"Name test files `*.{style}.ts(x)`, not `*.{other}.ts(x)`", folder_globs(sources),
                          source="test-style"))
    pytest_files = [f.path for f in corpus.files if f.kind == "test" and f.language == "python"
                    and f.path.rsplit("/", 1)[-1].startswith("test_")]
    if pytest_files:
        rules.append(Rule("pytest-plain-asserts", "not-regex", r"\bself\.assert\w+\(|\(unittest\.TestCase\)",
                          "Write pytest tests with plain `assert`, not unittest's `self.assert…` methods",
                          folder_globs(pytest_files), source="test-style"))
    return rules
