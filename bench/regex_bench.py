"""Conventions on RE2 against Python's re: lint time on real repositories, and a hostile pattern.

    python bench/regex_bench.py [--repo artsy+palette] [--repo fastapi+sqlmodel] [--runs 5]

Each repository (a `fetch` snapshot under ../.mirror, cloned into bench/.work/ as dataset_bench.py does)
is harvested once into a temporary IDIOM_HOME; then `lint_files` runs over every tracked file with its
own mined conventions, alternately on RE2 (what the product uses) and on Python's re (the baseline), in
the same process; the medians and their ratio are printed. Last, the catastrophic pattern
`^(\\w+\\s?)+$` on a line of n word characters and a `!`: Python's re for growing n, RE2 on 100,000.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.dataset_bench import clone_snapshot


def python_re(pattern: str, multiline: bool = True) -> re.Pattern[str]:
    return re.compile(pattern, re.MULTILINE if multiline else 0)


def lint_times(name: str, runs: int) -> None:
    import git

    from harvest.config import load_harvest_config
    from harvest.conventions import checks
    from harvest.conventions.lint import lint_files
    from harvest.conventions.store import load_conventions
    from harvest.dataset.build import build_dataset
    from harvest.mining.pipeline import mine
    from harvest.patterns import linear

    work = clone_snapshot(name)
    if work is None:
        return
    os.environ["IDIOM_HOME"] = tempfile.mkdtemp(prefix="idiom-regex-bench-")
    config = load_harvest_config(work)
    summary = mine(work, config, progress=False)
    rules = load_conventions(Path(build_dataset(Path(summary.output), config, progress=False).output)
                             / "conventions.yaml")
    tracked = [p for p in git.Repo(work).git.ls_files().splitlines() if (work / p).is_file()]
    timings: dict[str, list[float]] = {"re2": [], "re": []}
    found: dict[str, int] = {}
    for _ in range(runs):
        for engine, compile_ in (("re2", linear), ("re", python_re)):
            checks.linear = compile_
            started = time.perf_counter()
            found[engine] = len(lint_files(work, tracked, rules, config, strict=True))
            timings[engine].append(time.perf_counter() - started)
    checks.linear = linear
    regexes = sum(1 for r in rules if r.type.removeprefix("not-") in ("regex", "filename", "naming", "unit-regex"))
    re2_s, re_s = (statistics.median(timings[e]) for e in ("re2", "re"))
    print(f"{name}: {len(tracked)} files, {len(rules)} rules ({regexes} regex-based); lint --strict median of "
          f"{runs}: RE2 {re2_s * 1000:.0f} ms, re {re_s * 1000:.0f} ms (ratio {re2_s / re_s:.2f}x); "
          f"violations RE2 {found['re2']} / re {found['re']}")


def hostile() -> None:
    from harvest.patterns import linear

    pattern = r"^(\w+\s?)+$"
    for n in (16, 18, 20, 22, 24):
        started = time.perf_counter()
        re.search(pattern, "a" * n + "!", re.MULTILINE)
        print(f"re:  n={n:>6}: {(time.perf_counter() - started) * 1000:9.1f} ms")
    for n in (24, 100_000):
        started = time.perf_counter()
        linear(pattern).search("a" * n + "!")
        print(f"RE2: n={n:>6}: {(time.perf_counter() - started) * 1000:9.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repo", action="append", help="a snapshot name under ../.mirror (owner+name)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for name in args.repo or ["artsy+palette", "fastapi+sqlmodel"]:
        lint_times(name, args.runs)
    hostile()
    return 0


if __name__ == "__main__":
    sys.exit(main())
