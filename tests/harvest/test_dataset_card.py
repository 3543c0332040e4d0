"""DATASET.md: the coverage per kind, the kinds the split cannot validate and why, and what the split cost."""

from __future__ import annotations

from harvest.config import HarvestConfig
from harvest.dataset.card import DatasetFacts, render_card
from harvest.dataset.split import split_pairs, uncovered_kinds
from tests.harvest.pairs_helpers import pair


def _facts(pairs: list, rejected: list, mode: str = "file") -> DatasetFacts:
    table: dict[str, dict[str, int]] = {}
    for p in pairs:
        row = table.setdefault(p.kind, dict.fromkeys(("train", "eval", "test"), 0))
        row[p.split] += 1
    reasons: dict[str, dict[str, int]] = {}
    for r in rejected:
        reasons.setdefault(r.stage, {}).setdefault(r.reason, 0)
        reasons[r.stage][r.reason] += 1
    return DatasetFacts("team", "a" * 40, "2025-01-01", "idiomatic test", dict(sorted(table.items())), reasons,
                        {"function": 1}, [], mode, {}, [], {}, uncovered_kinds(pairs, HarvestConfig(split=mode)))


def test_the_card_shows_each_kinds_share_and_the_kinds_it_cannot_validate() -> None:
    functions = [pair(f"def f{n}(): return {n}\n" * 4, path=f"src/f{n}.py", id=f"f{n}") for n in range(100)]
    classes = [pair(f"class C{n}: pass\n" * 4, kind="class", path=f"src/c{n}.py", id=f"c{n}") for n in range(3)]
    release = pair("+release\n" * 5, kind="commit", path="src/f0.py", files=tuple(p.path for p in functions),
                   id="release", date="2025-01-01")
    kept, rejected = split_pairs(functions + classes + [release], HarvestConfig())
    card = render_card(_facts(kept, rejected))
    assert "| kind | train | eval | test | held out |" in card and "| function | 80 | 10 | 10 | 20% |" in card
    assert "### Kinds the split cannot validate" in card
    assert "| class | only 3 pairs, under the 20 a kind needs to be held out |" in card
    assert "1 of 1 (100%) were dropped rather than reveal a file of another split" in card
    assert "in the order of a seeded hash" in card


def test_a_card_whose_kinds_are_all_covered_says_so() -> None:
    functions = [pair(f"def f{n}(): return {n}\n" * 4, path=f"src/f{n}.py", id=f"f{n}", date=f"2025-01-{1 + n % 28:02d}")
                 for n in range(40)]
    kept, rejected = split_pairs(functions, HarvestConfig(split="temporal"))
    card = render_card(_facts(kept, rejected, "temporal"))
    assert "Every kind with at least 20 pairs is covered." in card and "cannot validate" not in card
    assert "newest first" in card and "were dropped" not in card
