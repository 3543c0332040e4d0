"""Leak-free splits: no file in two splits, deterministic, temporal, held-out files, decontamination."""

from __future__ import annotations

import random

import pytest

from harvest.config import HarvestConfig
from harvest.errors import ConfigError
from harvest.split import SPLITTERS, decontaminate, exclude_files, split_pairs
from tests.harvest.pairs_helpers import FUNCTION, pair


def _synthetic(seed: int = 7) -> list:
    rng = random.Random(seed)
    pairs = [pair(f"def f{n}():\n    return {n}\n" * 3, path=f"src/m{n % 60}.py", id=f"unit-{n}",
                  date=f"2025-{1 + n % 12:02d}-01") for n in range(240)]
    for n in range(60):
        touched = tuple(sorted({f"src/m{rng.randrange(60)}.py" for _ in range(rng.randrange(1, 3))}))
        pairs.append(pair(f"+change {n}\n" * 5, kind="commit", path=touched[0], files=touched, id=f"commit-{n}",
                          date=f"2025-06-{1 + n % 28:02d}"))
    return pairs


@pytest.mark.parametrize("mode", list(SPLITTERS))
def test_no_file_feeds_two_splits_and_shares_are_near_target(mode: str) -> None:
    out = split_pairs(_synthetic(), HarvestConfig(split=mode))
    seen: dict[str, str] = {}
    for p in out:
        for f in p.files:
            assert seen.setdefault(f, p.split) == p.split, f"{f} in {seen[f]} and {p.split}"
    counts = {s: sum(1 for p in out if p.split == s) for s in ("train", "eval", "test")}
    for held in ("eval", "test"):  # 10% of 300 = 30 each; a component may overshoot to 1.5 x quota + 1
        assert 15 <= counts[held] <= 46, counts


@pytest.mark.parametrize("mode", list(SPLITTERS))
def test_splits_are_deterministic_whatever_the_input_order(mode: str) -> None:
    pairs, config = _synthetic(), HarvestConfig(split=mode)
    first = {p.id: p.split for p in split_pairs(pairs, config)}
    assert {p.id: p.split for p in split_pairs(pairs, config)} == first
    shuffled = pairs[:]
    random.Random(1).shuffle(shuffled)
    assert {p.id: p.split for p in split_pairs(shuffled, config)} == first
    assert [p.id for p in split_pairs(shuffled, config)] == [p.id for p in shuffled]


def test_splitters_are_documented_and_covered() -> None:
    assert all(splitter.__doc__ for splitter in SPLITTERS.values())
    assert set(SPLITTERS) == {"file", "temporal"}  # both exercised by the parametrized tests above


def test_tiny_datasets_stay_in_train_unless_a_share_asks_for_a_pair() -> None:
    pairs = [pair(path=f"m{n}.py", id=f"p{n}") for n in range(5)]
    assert {p.split for p in split_pairs(pairs, HarvestConfig())} == {"train"}
    out = split_pairs(pairs, HarvestConfig(test_share=0.2))
    assert sorted(p.split for p in out) == ["test", "train", "train", "train", "train"]


def test_one_giant_component_lands_in_train() -> None:
    files = tuple(f"src/m{n}.py" for n in range(30))
    pairs = [pair(path=f, id=f) for f in files]
    pairs.append(pair(kind="commit", path=files[0], files=files, id="release"))
    assert {p.split for p in split_pairs(pairs, HarvestConfig())} == {"train"}


def test_temporal_split_puts_the_newest_work_in_test() -> None:
    pairs = [pair(f"def f{n}(): return {n}\n" * 4, path=f"m{n}.py", id=f"p{n}", date=f"2025-01-{n + 1:02d}")
             for n in range(20)]
    out = {p.id: p.split for p in split_pairs(pairs, HarvestConfig(split="temporal", eval_share=0.1, test_share=0.1))}
    assert [out[f"p{n}"] for n in (19, 18, 17, 16)] == ["test", "test", "eval", "eval"]
    assert all(out[f"p{n}"] == "train" for n in range(16))


def test_temporal_split_counts_undated_pairs_as_oldest() -> None:
    pairs = [pair(f"def f{n}(): return {n}\n" * 4, path=f"m{n}.py", id=f"p{n}", date="2025-01-02T10:00:00+00:00")
             for n in range(9)] + [pair(path="undated.py", id="undated")]
    out = {p.id: p.split for p in split_pairs(pairs, HarvestConfig(split="temporal", eval_share=0.1, test_share=0.1))}
    assert out["undated"] == "train"


def test_unknown_split_mode_lists_the_valid_ones() -> None:
    with pytest.raises(ConfigError, match="file, temporal"):
        split_pairs([pair()], HarvestConfig(split="random"))


def test_held_out_files_leave_every_pair_that_touches_them() -> None:
    pairs = [pair(path="src/a.py", id="a"), pair(path="src/b.py", id="b"),
             pair(kind="commit", path="src/c.py", files=("src/c.py", "tests/test_b.py"), id="c")]
    kept, rejected = exclude_files(pairs, ["src/a.py", "tests/*.py"])
    assert [p.id for p in kept] == ["b"]
    assert [(r.id, r.stage, r.reason, r.detail) for r in rejected] == [
        ("a", "exclude", "held-out", "src/a.py"), ("c", "exclude", "held-out", "tests/test_b.py")]


def test_train_pairs_repeating_a_test_completion_are_removed() -> None:
    held = pair(FUNCTION, path="a.py", id="held", split="test")
    copy = pair(FUNCTION.replace("round(subtotal, 2)", "round(subtotal, 3)"), path="b.py", id="copy", split="train")
    unrelated = pair("class Other:\n    value = 1\n    other = 2\n", path="c.py", id="other", split="train")
    kept, rejected = decontaminate([held, copy, unrelated], 0.7)
    assert [p.id for p in kept] == ["held", "other"]
    assert [(r.id, r.stage, r.reason, r.detail) for r in rejected] == [
        ("copy", "decontaminate", "contaminates-eval", "held")]


def test_eval_pairs_repeating_test_ones_and_train_pairs_repeating_eval_ones_are_removed() -> None:
    held = pair(FUNCTION, path="a.py", id="held", split="test")
    spaced = pair(FUNCTION.replace("    ", "\t"), path="b.py", id="spaced", split="eval")
    other = "def ship(order):\n    carrier = pick_carrier(order.weight)\n    return carrier.book(order.address)\n"
    kept_eval = pair(other, path="c.py", id="eval", split="eval")
    copy = pair(other.replace("(order", "( order"), path="d.py", id="copy", split="train")
    kept, rejected = decontaminate([copy, spaced, held, kept_eval], 0.7)
    assert [p.id for p in kept] == ["held", "eval"]
    assert [(r.id, r.reason, r.detail) for r in rejected] == [("spaced", "contaminates-test", "held"),
                                                              ("copy", "contaminates-eval", "eval")]
