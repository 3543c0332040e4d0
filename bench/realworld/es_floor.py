"""The edit similarity an unrelated answer gets against a fim middle: the floor under `edit-similarity`'s
default threshold (issue 18, router/validation/rules.py EDIT_SIMILARITY).

    python bench/realworld/es_floor.py DATASET [DATASET ...]

Each DATASET is a dataset folder (`idiom harvest` writes one under `$IDIOM_HOME/datasets/`). Every fim pair's
middle is compared, by the rule itself, with the middle of another pair drawn from a different file of the same
language and span type (seeded, so runs agree): what a strategy scores when it answers with plausible code of the
right shape that is not the answer. It prints, per dataset, the pairs compared, the median, 95th percentile and
maximum similarity, and the share at or above 0.5 and the threshold.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from harvest.records import FIM_KIND, Pair, read_records
from router.validation.rules import EDIT_SIMILARITY, Output, check

SEED = 18


def floor(dataset: Path) -> list[float]:
    """The similarity of each fim middle in `dataset` to an unrelated one of its language and span type."""
    pairs = [p for p in read_records(dataset / "pairs.jsonl", Pair) if p.kind == FIM_KIND]
    rng = random.Random(SEED)
    scores = []
    for pair in pairs:
        others = [o for o in pairs if (o.language, o.span) == (pair.language, pair.span) and o.path != pair.path]
        if others:
            scores.append(check("edit-similarity", None, Output(rng.choice(others).completion,
                                                                  reference=pair.completion)).score)
    return sorted(scores)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("datasets", nargs="+", type=Path)
    for dataset in parser.parse_args().datasets:
        scores = floor(dataset)
        if not scores:
            print(f"{dataset.name}: no fim pairs to compare")
            continue
        n = len(scores)
        print(f"{dataset.name}: {n} middles; median {scores[n // 2]:.2f}, p95 {scores[int(0.95 * n)]:.2f}, "
              f"max {scores[-1]:.2f}; ≥ 0.5: {sum(s >= 0.5 for s in scores) / n:.1%}, "
              f"≥ {EDIT_SIMILARITY}: {sum(s >= EDIT_SIMILARITY for s in scores) / n:.1%}")


if __name__ == "__main__":
    main()
