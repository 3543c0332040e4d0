"""Whole-history harvest of a real repository against `git log -p` on the same refs, same run.

    python bench/history_bench.py [--repo PATH_OR_GIT_URL] [--runs 3]

The repository is cloned into bench/.work/ (never committed). Without --repo the script looks for
the snapshot the `fetch` tool brings (`fastapi/sqlmodel`) and skips, saying so, when there is none.
Prints the floor (git alone), the in-process harvest, the whole `idiom harvest` command, and ratios.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_SNAPSHOT = ROOT.parent / ".mirror" / "fastapi+sqlmodel" / "repo"


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repo", default=str(DEFAULT_SNAPSHOT))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    source = Path(args.repo)
    if not source.exists():
        print(f"history bench skipped: no repository at {source}; pass --repo PATH (a clone of ~1-2k commits)")
        return 0
    work = ROOT / "bench" / ".work" / source.parent.name.replace("+", "-")
    if not work.exists():
        work.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "clone", "-q", str(source), str(work)], check=True)

    import git

    from harvest.config import HarvestConfig
    from harvest.mining.history import log_command
    from harvest.mining.pipeline import mine

    repo = git.Repo(work)
    config = HarvestConfig()
    revisions = ["HEAD"]
    floor_cmd = log_command(repo, revisions, config)
    plain_cmd = ["git", "-C", str(work), "log", "-p", "HEAD"]
    commits = int(repo.git.rev_list("--count", "HEAD"))
    size = len(subprocess.run(floor_cmd, capture_output=True, check=True).stdout)
    home = Path(tempfile.mkdtemp(prefix="idiom-bench-"))
    os.environ["IDIOM_HOME"] = str(home)
    idiom = [sys.executable, "-m", "server", "harvest", str(work), "--no-dataset", "--json"]
    env = {**os.environ, "IDIOM_HOME": str(home)}

    results: dict[str, list[float]] = {"floor": [], "plain": [], "inproc": [], "command": []}
    mine(work, config, progress=False)  # warm caches and bytecode; first runs are not measured
    for _ in range(args.runs):
        results["floor"].append(timed(lambda: subprocess.run(floor_cmd, stdout=subprocess.DEVNULL, check=True)))
        results["plain"].append(timed(lambda: subprocess.run(plain_cmd, stdout=subprocess.DEVNULL, check=True)))
        results["inproc"].append(timed(lambda: mine(work, config, progress=False)))
        results["command"].append(timed(lambda: subprocess.run(idiom, stdout=subprocess.DEVNULL, env=env, check=True)))
    best = {k: min(v) for k, v in results.items()}
    print(f"repository: {source.parent.name} ({commits} commits, {size / 1e6:.1f} MB of patches), best of {args.runs}")
    print(f"  git log -p (plain, merges without diff)        {best['plain']:.2f} s")
    print(f"  floor: git log -p --diff-merges=first-parent  {best['floor']:.2f} s")
    print(f"  harvest in-process (HEAD files + history)     {best['inproc']:.2f} s   ratio {best['inproc'] / best['floor']:.2f}x")
    print(f"  `idiom harvest` command (with startup)        {best['command']:.2f} s   ratio {best['command'] / best['floor']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
