"""Dedup's MinHash sketches (harvest/dataset/dedup.py `hash_values`) against datasketch's own, with its default
SHA-1 hash of every 5-gram, on the completions of a built dataset: time for the same texts, in one process, and
how far each one's estimated Jaccard similarity lies from the true one on pairs of a text and an edited copy.

    .venv/bin/python bench/minhash_bench.py PAIRS_JSONL [--texts 20000] [--pairs 3000] [--seed 5] [--json]

PAIRS_JSONL is a dataset's `pairs.jsonl` (`idiom harvest` writes one under `.idiom/datasets/<name>/`). A copy
has between one word and a fifth of its words replaced by common short tokens; texts under 20 words are
skipped. Both sketches use the same permutations ("affine32"), so they differ only in the 5-grams' hash.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/: its secrets/ folder would shadow the standard library module numpy imports

from harvest.dataset.dedup import (
    NUM_PERM,
    hash_values,
    normalize,
    permutations,
    shingles,
)

REPLACEMENTS = ("x", "self", "return", "None", "(", ")")


def sha1_values(text: str) -> Any:
    """datasketch's MinHash of the text's 5-grams with its default hash (SHA-1), the permutations dedup uses."""
    from datasketch import MinHash

    sketch = MinHash(num_perm=NUM_PERM, permutations=permutations(), scheme="affine32")
    sketch.update_batch([s.encode("utf-8", "surrogatepass") for s in shingles(text)])
    return sketch.hashvalues


def seconds(sketch: Callable[[str], Any], texts: list[str]) -> float:
    started = time.perf_counter()
    for text in texts:
        sketch(text)
    return time.perf_counter() - started


def edited_pairs(texts: list[str], count: int, rng: random.Random) -> list[tuple[str, str]]:
    """Up to `count` (text, a copy with some words replaced) pairs."""
    found = []
    for _ in range(count):
        words = rng.choice(texts).split(" ")
        if len(words) < 20:
            continue
        copy = words[:]
        for _ in range(rng.randint(1, max(1, len(words) // 5))):
            copy[rng.randrange(len(copy))] = rng.choice(REPLACEMENTS)
        found.append((" ".join(words), " ".join(copy)))
    return found


def errors(sketch: Callable[[str], Any], pairs: list[tuple[str, str]]) -> Any:
    """The estimated minus the true Jaccard similarity of each pair's 5-gram sets."""
    found = []
    for first, second in pairs:
        a, b = shingles(first), shingles(second)
        found.append(float((sketch(first) == sketch(second)).mean()) - len(a & b) / len(a | b))
    return np.array(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pairs_file", type=Path, metavar="PAIRS_JSONL")
    parser.add_argument("--texts", type=int, default=20000, help="completions timed")
    parser.add_argument("--pairs", type=int, default=3000, help="edited copies drawn for the estimator's error")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    with args.pairs_file.open("rb") as lines:
        texts = [normalize(orjson.loads(line)["completion"]) for line in lines][:args.texts]
    sha1_values("warm up")  # datasketch's import (scipy's too) and the permutations, outside the timing
    timed = {"token hash": seconds(hash_values, texts), "sha1": seconds(sha1_values, texts)}
    pairs = edited_pairs(texts, args.pairs, random.Random(args.seed))
    error = {"token hash": errors(hash_values, pairs), "sha1": errors(sha1_values, pairs)}
    difference = error["token hash"] - error["sha1"]
    figures = {
        "texts": len(texts), "pairs": len(pairs), "seconds": {k: round(v, 3) for k, v in timed.items()},
        "error": {k: {"mean": round(float(v.mean()), 4), "mean_absolute": round(float(np.abs(v).mean()), 4),
                      "sd": round(float(v.std()), 4)} for k, v in error.items()},
        "paired_difference": {"mean": round(float(difference.mean()), 4),
                              "standard_error": round(float(difference.std() / len(difference) ** 0.5), 4)},
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"{len(texts)} texts: token hash {timed['token hash']:.2f} s, SHA-1 {timed['sha1']:.2f} s")
    for name, found in figures["error"].items():
        print(f"{name:>10}: mean error {found['mean']:+.4f}, mean absolute {found['mean_absolute']:.4f}, "
              f"sd {found['sd']:.4f} ({len(pairs)} pairs)")
    paired = figures["paired_difference"]
    print(f"paired difference {paired['mean']:+.4f} ± {paired['standard_error']:.4f}")


if __name__ == "__main__":
    main()
