"""The whole harvest (mine + units, pairs, conventions, datasets) on real repositories, same run as a baseline.

    python bench/dataset_bench.py [--repo artsy+palette] [--repo fastapi+sqlmodel]

Repositories are the snapshots the `fetch` tool brings (../.mirror/<owner>+<name>/repo), cloned into
bench/.work/ and never committed; a missing one is skipped, saying so. For each it prints the wall time
of `idiom harvest` against `git log -p` on the same ref (a ratio), pairs per kind, the share each filter
removed, the conventions found, the `idiom lint` false-flag rate on the repository's own files, and the
catch rate on convention breaks written by hand below (each injected into a real file, linted, undone).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
MIRRORS = ROOT.parent / ".mirror"


@dataclass(frozen=True)
class Break:
    """A convention break: append `text` to (or create) `path`, expecting lint to flag it."""

    what: str
    path: str
    text: str
    create: bool = False


# Breaks of conventions each team visibly keeps (read off its code by hand, not from the miner's output).
BREAKS = {
    "artsy+palette": [
        Break("test( in a Jest file", "packages/palette/src/elements/Button/Button.test.tsx",
              '\ntest("injected", () => {})\n'),
        Break("a test file named .spec.tsx", "packages/palette/src/elements/Button/Injected.spec.tsx",
              'import { Button } from "./Button"\n\nit("renders", () => {})\n', create=True),
        Break("react imported under another name", "packages/palette/src/elements/Button/Injected1.tsx",
              'import R from "react"\n\nexport const Injected1 = () => <R.Fragment />\n', create=True),
        Break("styled-components imported under another name", "packages/palette/src/elements/Button/Injected2.tsx",
              'import sc from "styled-components"\n\nexport const Injected2 = sc.div``\n', create=True),
        Break("a hex colour in styled code", "packages/palette/src/elements/Button/Button.tsx",
              "\nexport const InjectedBox = styled.div`\n  color: #ff0000;\n`\n"),
        Break("console.log in source", "packages/palette/src/elements/Button/Button.tsx",
              '\nconsole.log("injected")\n'),
        Break("@ts-ignore", "packages/palette/src/elements/Button/Button.tsx",
              '\n// @ts-ignore\nconst injectedIgnore: number = "x"\n'),
        Break("a .then( chain", "packages/palette/src/elements/Button/Button.tsx",
              '\nexport const injectedLoad = () => fetch("/x").then((r) => r.json())\n'),
        Break("var", "packages/palette/src/elements/Button/Button.tsx", "\nvar injectedVar = 1\n"),
        Break("a snake_case function", "packages/palette/src/elements/Button/Button.tsx",
              "\nexport function injected_helper() {\n  return 1\n}\n"),
        Break("a snake_case file in utils/", "packages/palette/src/utils/injected_helper.ts",
              "export const injectedHelper = () => 1\n", create=True),
    ],
    "fastapi+sqlmodel": [
        Break("unittest asserts in a test", "tests/test_main.py",
              "\n\nclass TestInjected(unittest.TestCase):\n    def test_x(self):\n        self.assertEqual(1, 1)\n"),
        Break("a camelCase function", "sqlmodel/main.py", "\n\ndef injectedHelper():\n    return 1\n"),
        Break("a lowercase class", "sqlmodel/main.py", "\n\nclass injected_thing:\n    pass\n"),
        Break("a camelCase method", "sqlmodel/main.py",
              "\n\nclass InjectedThing:\n    def doThing(self):\n        return 1\n"),
        Break("a bare except", "sqlmodel/main.py",
              "\n\ndef injected_guard():\n    try:\n        return 1\n    except:\n        return 0\n"),
        Break("a star import", "sqlmodel/main.py", "\nfrom os.path import *\n"),
        Break("# type: ignore", "sqlmodel/main.py", '\ninjected_value: int = "x"  # type: ignore\n'),
        Break("print( in library code", "sqlmodel/main.py", '\nprint("injected")\n'),
        Break("a tutorial test folder without __init__.py", "tests/test_tutorial/test_injected/test_tutorial001.py",
              "def test_x():\n    assert True\n", create=True),
        Break("a commit subject without the team's emoji", "COMMIT_MSG", "fixed stuff\n"),
    ],
}


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def clone_snapshot(name: str) -> Path | None:
    """bench/.work/<name> cloned from the fetched snapshot (once); None, saying so, when it was not fetched."""
    source = MIRRORS / name / "repo"
    if not source.exists():
        print(f"{name}: skipped, no snapshot at {source} (bring it with the fetch tool)")
        return None
    work = ROOT / "bench" / ".work" / name.split("+", 1)[1]
    if not work.exists():
        subprocess.run(["git", "clone", "-q", str(source), str(work)], check=True)
    return work


def bench(name: str) -> None:
    work = clone_snapshot(name)
    if work is None:
        return

    import git

    from harvest.config import load_harvest_config
    from harvest.conventions.lint import lint_commit_message, lint_files
    from harvest.conventions.store import load_conventions
    from harvest.dataset.build import build_dataset
    from harvest.mining.history import log_command
    from harvest.mining.pipeline import mine
    from harvest.records import Pair, Rejection, read_records

    os.environ["IDIOM_HOME"] = tempfile.mkdtemp(prefix="idiom-dataset-bench-")
    config = load_harvest_config(work)
    floor_cmd = log_command(git.Repo(work), ["HEAD"], config)
    floor, _ = timed(lambda: subprocess.run(floor_cmd, stdout=subprocess.DEVNULL, check=True))
    mined_s, summary = timed(lambda: mine(work, config, progress=False))
    built_s, dataset = timed(lambda: build_dataset(Path(summary.output), config, progress=False))
    total = mined_s + built_s
    out = Path(dataset.output)
    kept = list(read_records(out / "pairs.jsonl", Pair))
    rejected = list(read_records(out / "rejected.jsonl", Rejection))
    built = Counter(p.kind for p in kept) + Counter(r.kind for r in rejected)
    print(f"\n## {name}: {summary.counts['commits']} commits, {summary.counts['files']} files at HEAD")
    print(f"whole harvest {total:.1f} s (mine {mined_s:.1f} s + dataset {built_s:.1f} s); "
          f"`git log -p` alone {floor:.1f} s; ratio {total / floor:.1f}x")
    print("pairs built -> kept per kind: " + ", ".join(f"{k} {built[k]}->{sum(1 for p in kept if p.kind == k)}"
                                                     for k in sorted(built)))
    all_built = sum(built.values())
    reasons = Counter(f"{r.stage}/{r.reason}" for r in rejected)
    print("removed by each filter (share of built pairs): "
          + ", ".join(f"{k} {n / all_built:.1%}" for k, n in reasons.most_common()))
    splits = Counter(p.split for p in kept)
    print(f"splits: train {splits['train']}, eval {splits['eval']}, test {splits['test']}")
    rules = load_conventions(out / "conventions.yaml")
    proposed = [r for r in rules if r.status == "proposed"]
    print(f"conventions: {len(proposed)} proposed, {len(rules) - len(proposed)} candidates")
    for rule in proposed[:12]:
        print(f"  - {rule.id}: {rule.message} ({rule.followed}/{rule.support})")

    tracked = [p for p in git.Repo(work).git.ls_files().splitlines() if (work / p).is_file()]
    strict = {v.path for v in lint_files(work, tracked, rules, config, strict=True)}
    flagged = {v.path for v in lint_files(work, tracked, rules, config)}
    print(f"lint on the repository's own files: {len(flagged)} of {len(tracked)} files flagged "
          f"({len(flagged) / len(tracked):.1%}); --strict, counting the exceptions recorded at mining: "
          f"{len(strict)} ({len(strict) / len(tracked):.1%})")
    caught = 0
    for item in BREAKS.get(name, []):
        found = _caught(work, item, rules, config, lint_files, lint_commit_message)
        caught += found
        print(f"  {'caught' if found else 'MISSED'}: {item.what}")
    if BREAKS.get(name):
        print(f"injected breaks caught: {caught} of {len(BREAKS[name])} ({caught / len(BREAKS[name]):.0%})")


def _caught(work: Path, item: Break, rules, config, lint_files, lint_commit_message) -> bool:
    """Whether lint reports something new in the file once the break is injected (the file is restored)."""
    if item.path == "COMMIT_MSG":
        return bool(lint_commit_message(item.text, rules))
    target = work / item.path
    before = [] if item.create else lint_files(work, [item.path], rules, config)
    original = None if item.create else target.read_text(encoding="utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(item.text if item.create else original + item.text, encoding="utf-8")
    try:
        after = lint_files(work, [item.path], rules, config)
    finally:
        if item.create:
            target.unlink()
            if target.parent != work and not any(target.parent.iterdir()):
                target.parent.rmdir()
        else:
            target.write_text(original, encoding="utf-8")
    return len(after) > len(before)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repo", action="append", help="a snapshot name under ../.mirror (owner+name)")
    args = parser.parse_args()
    for name in args.repo or list(BREAKS):
        bench(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
