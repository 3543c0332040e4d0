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
    shares = {s: sum(1 for p in out if p.split == s) / len(out) for s in ("train", "eval", "test")}
    assert shares["train"] > 0.6 and shares["test"] > 0.03 and shares["eval"] > 0.03


def test_file_split_is_deterministic_whatever_the_input_order() -> None:
    pairs = _synthetic()
    first = {p.id: p.split for p in split_pairs(pairs, HarvestConfig())}
    shuffled = pairs[:]
    random.Random(1).shuffle(shuffled)
    assert {p.id: p.split for p in split_pairs(shuffled, HarvestConfig())} == first


def test_temporal_split_puts_the_newest_work_in_test() -> None:
    pairs = [pair(f"def f{n}(): return {n}\n" * 4, path=f"m{n}.py", id=f"p{n}", date=f"2025-01-{n + 1:02d}")
             for n in range(20)]
    out = {p.id: p.split for p in split_pairs(pairs, HarvestConfig(split="temporal", eval_share=0.1, test_share=0.1))}
    assert [out[f"p{n}"] for n in (19, 18, 17, 16)] == ["test", "test", "eval", "eval"]
    assert all(out[f"p{n}"] == "train" for n in range(16))


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
    assert [(r.id, r.stage, r.detail) for r in rejected] == [("copy", "decontaminate", "held")]
