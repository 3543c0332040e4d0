"""Whole-history harvest of a real repository against `git log -p` on the same refs, same run.

    python bench/history_bench.py [--repo PATH_OR_GIT_URL] [--runs 3] [--jobs 1,2]

The repository is cloned into bench/.work/ (never committed). Without --repo the script looks for
the snapshot the `fetch` tool brings (`fastapi/sqlmodel`) and skips, saying so, when there is none.
Prints the floor (git alone) and, for each job count, mining alone in-process, the whole harvest
(mining and the dataset build) in-process and the `idiom harvest --no-dataset` command, with ratios to
the floor and the load average at the time (other processes on the machine skew every figure).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/: its `secrets` package would shadow the module numpy imports
DEFAULT_SNAPSHOT = ROOT.parent / ".mirror" / "fastapi+sqlmodel" / "repo"


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def cpu_seconds() -> float:
    """User + system time of this process and of its finished children (git, the pool's workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repo", default=str(DEFAULT_SNAPSHOT))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", default="1", help="comma-separated job counts to compare, e.g. 1,2")
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
    from harvest.mining.pipeline import harvest, mine

    repo = git.Repo(work)
    config = HarvestConfig()
    jobs = [int(j) for j in args.jobs.split(",")]
    revisions = ["HEAD"]
    floor_cmd = log_command(repo, revisions, config)
    plain_cmd = ["git", "-C", str(work), "log", "-p", "HEAD"]
    commits = int(repo.git.rev_list("--count", "HEAD"))
    size = len(subprocess.run(floor_cmd, capture_output=True, check=True).stdout)
    home = Path(tempfile.mkdtemp(prefix="idiom-bench-"))
    os.environ["IDIOM_HOME"] = str(home)
    env = {**os.environ, "IDIOM_HOME": str(home)}

    def command(j: int) -> list[str]:
        return [sys.executable, "-m", "server", "harvest", str(work), "--no-dataset", "--json", "--jobs", str(j)]

    results: dict[str, list[tuple[float, float, float]]] = {}  # what -> (seconds, CPU seconds, load) per run

    def measure(what: str, fn) -> None:
        cpu = cpu_seconds()
        seconds = timed(fn)
        results.setdefault(what, []).append((seconds, cpu_seconds() - cpu, os.getloadavg()[0]))

    harvest(work, replace(config, jobs=jobs[0]), progress=False)  # warm caches and bytecode; not measured
    for _ in range(args.runs):
        measure("floor", lambda: subprocess.run(floor_cmd, stdout=subprocess.DEVNULL, check=True))
        measure("plain", lambda: subprocess.run(plain_cmd, stdout=subprocess.DEVNULL, check=True))
        for j in jobs:
            measure(f"mine {j}", lambda j=j: mine(work, replace(config, jobs=j), progress=False))
            measure(f"harvest {j}", lambda j=j: harvest(work, replace(config, jobs=j), progress=False))
            measure(f"command {j}", lambda j=j: subprocess.run(command(j), stdout=subprocess.DEVNULL, env=env,
                                                                check=True))
    best = {k: min(v) for k, v in results.items()}
    floor = best["floor"][0]
    print(f"repository: {source.parent.name} ({commits} commits, {size / 1e6:.1f} MB of patches), best of "
          f"{args.runs}, {os.cpu_count()} cores; cpu = CPU seconds of every process involved (load-independent, "
          "unlike the wall time); load = 1-minute load average during the best run")
    for what, label in (("plain", "git log -p (plain, merges without diff)"),
                        ("floor", "floor: git log -p --diff-merges=first-parent")):
        seconds, cpu, load = best[what]
        print(f"  {label:54} {seconds:6.2f} s   {'':13}   cpu {cpu:6.2f} s   load {load:.1f}")
    for j in jobs:
        for what, label in ((f"mine {j}", "mining in-process (HEAD files + history)"),
                            (f"harvest {j}", "whole harvest in-process (+ dataset build)"),
                            (f"command {j}", "`idiom harvest --no-dataset` (with startup)")):
            seconds, cpu, load = best[what]
            print(f"  --jobs {j}: {label:44} {seconds:6.2f} s   ratio {seconds / floor:5.2f}x   cpu {cpu:6.2f} s   "
                  f"load {load:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
