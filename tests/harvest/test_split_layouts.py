"""The split on real repositories of two layouts, end to end: a Python package with its tests in a mirrored
`tests/` tree and a React app with each test beside its component, both with a release commit that touches
every file. Every kind with 20 pairs is held out, no file feeds two splits, and the release commit that
would have glued them is what the split drops."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from harvest.records import Pair, Rejection, read_records
from server.cli import idiom

WORDS = ("order", "price", "cart", "user", "token", "stock", "label", "route", "query", "cache", "queue", "event",
         "batch", "retry", "limit", "audit", "quota", "grade", "score", "slot")


def _name(rng: random.Random) -> str:
    return "_".join(rng.sample(WORDS, 2))


def _python(repo, modules: int) -> None:
    rng = random.Random(1)
    for i in range(modules):
        a, b, c = (f"{_name(rng)}_{i}" for _ in range(3))
        repo.write(f"shop/mod_{i}.py", (
            f'"""Module {i}."""\n\n\ndef {a}(items, factor={i + 2}):\n    picked = [x for x in items if x % {i + 3}]\n'
            f"    return sum(picked) * factor - len(items)\n\n\ndef {b}(name, *, strict=False):\n"
            f"    parts = name.split('{WORDS[i % len(WORDS)]}')\n    if strict and not parts:\n"
            f"        raise ValueError(name)\n    return '-'.join(reversed(parts))\n\n\nclass {c.title().replace('_', '')}:\n"
            f"    def __init__(self, size={i}):\n        self.size = size\n        self.seen = {{}}\n\n"
            f"    def add(self, key):\n        self.seen[key] = self.seen.get(key, {i}) + 1\n        return self.seen[key]\n"))
        repo.write(f"tests/test_mod_{i}.py", (
            f"from shop.mod_{i} import {a}, {b}\n\n\ndef test_{a}():\n    assert {a}([{i}, {i + 1}, {i + 5}]) >= -3\n\n\n"
            f"def test_{b}():\n    assert {b}('a{WORDS[i % len(WORDS)]}b') == 'b-a'\n"))


def _react(repo, components: int) -> None:
    rng = random.Random(2)
    for i in range(components):
        name = "".join(w.title() for w in rng.sample(WORDS, 2)) + str(i)
        hook = f"use{name}"
        repo.write(f"src/components/{name}/{name}.tsx", (
            f"import {{ useState }} from 'react';\n\nexport function {hook}(start = {i}) {{\n"
            f"  const [value, setValue] = useState(start * {i + 2});\n  return {{ value, bump: () => setValue(value + {i + 1}) }};\n}}\n\n"
            f"export const {name} = ({{ label }}: {{ label: string }}) => {{\n  const {{ value, bump }} = {hook}();\n"
            f"  return <button data-{WORDS[i % len(WORDS)]}={{value}} onClick={{bump}}>{{label}} {i}</button>;\n}};\n"))
        repo.write(f"src/components/{name}/{name}.test.tsx", (
            f"import {{ render }} from '@testing-library/react';\nimport {{ {name} }} from './{name}';\n\n"
            f"describe('{name}', () => {{\n  it('shows its {WORDS[i % len(WORDS)]} label', () => {{\n"
            f"    expect(render(<{name} label=\"{WORDS[(i + 3) % len(WORDS)]} {i}\" />).container).toBeTruthy();\n  }});\n}});\n"))


def _history(repo, write) -> None:
    """The files, a few ordinary commits, then a release that touches every file."""
    write(repo)
    repo.commit("Scaffold the project")
    for n, path in enumerate(sorted(p for p in repo.path.rglob("*.*") if ".git" not in p.parts)[:8]):
        path.write_text(path.read_text() + f"\n// note {n}\n" if path.suffix == ".tsx" else path.read_text() + f"\n# note {n}\n")
        repo.commit(f"Explain step {n} of the flow")
    for path in sorted(p for p in repo.path.rglob("*.*") if ".git" not in p.parts):
        header = "// Licensed under the MIT licence.\n" if path.suffix == ".tsx" else "# Licensed under the MIT licence.\n"
        path.write_text(header + path.read_text())
    repo.commit("Release 1.0: add the licence header everywhere")


@pytest.mark.slow
@pytest.mark.parametrize(("layout", "write", "kinds"), [
    ("python-mirrored-tests", lambda repo: _python(repo, 30), ("function", "class", "test")),
    ("react-tests-beside", lambda repo: _react(repo, 25), ("component", "hook", "test")),
])
def test_every_kind_with_20_pairs_is_held_out_and_no_file_feeds_two_splits(make_repo, layout, write, kinds) -> None:
    repo = make_repo(layout)
    _history(repo, write)
    runner = CliRunner()
    harvested = runner.invoke(idiom, ["harvest", str(repo.path), "--json"])
    assert harvested.exit_code == 0, harvested.output
    dataset = Path(json.loads(harvested.output)["dataset"]["output"])
    pairs = list(read_records(dataset / "pairs.jsonl", Pair))
    table: dict[str, Counter] = {}
    owner: dict[str, str] = {}
    for p in pairs:
        table.setdefault(p.kind, Counter())[p.split] += 1
        for f in p.files:
            assert owner.setdefault(f, p.split) == p.split, f"{f} feeds {owner[f]} and {p.split}"
    for kind in kinds:
        total = sum(table[kind].values())
        assert total >= 20 and table[kind]["test"] >= 5, (kind, table[kind])
        assert 0.08 <= (table[kind]["test"] + table[kind]["eval"]) / total <= 0.25, (kind, table[kind])
    dropped = [r for r in read_records(dataset / "rejected.jsonl", Rejection) if r.stage == "split"]
    # The release (its commit-message pair at least; its diff may be too long to keep) would leak held-out files.
    assert dropped and {r.kind for r in dropped} <= {"commit", "commit-message"}
    card = (dataset / "DATASET.md").read_text()
    assert "| held out |" in card and "were dropped rather than reveal a file of another split" in card
    uncovered = card.split("### Kinds the split cannot validate")[1] if "cannot validate" in card else ""
    assert not any(f"| {kind} |" in uncovered for kind in kinds)
    made = runner.invoke(idiom, ["suite", "generate", str(repo.path)])
    assert made.exit_code == 0, made.output
    assert all(kind in made.output for kind in kinds)
