"""Incremental re-harvest (issue 19): a harvest after `--new` commits against a full harvest of the same
state, same run, and a check that both wrote the same artifacts.

    python bench/reharvest_bench.py [--repo PATH] [--commits 100000] [--new 10] [--no-dataset] [--json]

The repository is prepared as bench/scale_bench.py prepares it (a clone of --repo under bench/.work/scale/,
or the synthetic one). Its checkout is moved back `--new` first-parent commits and harvested in full, then
moved to its tip again and measured twice in fresh processes: `idiom harvest --full` (the baseline) and
`idiom harvest` (the re-harvest, which reuses the first), each with its wall time, peak memory (wait4) and
the seconds its summary gives for mining, for the dataset build and for each of their stages. The tip is
restored however the run ends (Ctrl-C or SIGTERM included).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.pop(0)  # not bench/: its secrets/ folder would shadow the stdlib module numpy imports
sys.path.append(str(Path(__file__).resolve().parents[1]))

from bench.scale_bench import _prepare


def measure(argv: list[str], env: dict[str, str]) -> dict:
    """Run `idiom harvest … --json` in a fresh process, in an empty folder (see scale_bench.measure: from the
    project's folder, `python -m` would run this tree's code whatever PYTHONPATH says): wall and stage seconds,
    peak RSS, what it reused."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="idiom-reharvest-cwd-") as empty:
        process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=empty)
        stdout, stderr = process.stdout.read(), process.stderr.read()
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{' '.join(argv[3:])} failed: {stderr.decode(errors='replace').strip()[-2000:]}")
    summary = json.loads(stdout)
    build = summary.get("dataset") or {}
    stages = {f"{part}: {stage['name']}": stage["seconds"]
              for part, laps in (("mining", summary.get("stages", [])), ("build", build.get("stages", [])))
              for stage in laps}
    return {"seconds": round(seconds, 1), "peak_mb": round(usage.ru_maxrss / 1024), "load": os.getloadavg()[0],
            "mining": summary["seconds"], "build": build.get("seconds", 0.0), "reuse": summary["reuse"],
            "stages": stages}


def artifacts(home: Path) -> dict[str, bytes]:
    """Every file under `home`'s harvest/ and datasets/, manifests without their timings and `home`'s path."""
    found = {}
    for top in (home / "harvest", home / "datasets"):
        for path in sorted(p for p in top.rglob("*") if p.is_file()):
            data = path.read_bytes()
            if path.name == "manifest.json":
                manifest = json.loads(data)
                manifest.pop("seconds", None)
                manifest.get("inputs", {}).pop("harvest_manifest_sha256", None)  # a hash of a manifest with timings
                data = json.dumps(manifest, sort_keys=True).replace(str(home), "<home>").encode()
            found[str(path.relative_to(home))] = data
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repo", default="", help="measure this repository instead of a synthetic one")
    parser.add_argument("--commits", type=int, default=100_000, help="the synthetic repository's length")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--new", type=int, default=10, help="first-parent commits new since the first harvest")
    parser.add_argument("--no-dataset", action="store_true", help="mining alone, without the dataset build")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so `finally` puts the clone back at its tip
    work = _prepare(args)
    tip = subprocess.run(["git", "-C", str(work), "rev-parse", "HEAD"], capture_output=True, text=True,
                         check=True).stdout.strip()
    homes = Path(tempfile.mkdtemp(prefix="idiom-reharvest-"))
    idiom = [sys.executable, "-m", "server", "harvest", str(work), "--json", *(["--no-dataset"] if args.no_dataset else [])]
    try:
        subprocess.run(["git", "-C", str(work), "reset", "-q", "--hard", f"{tip}~{args.new}"], check=True)
        again = {**os.environ, "IDIOM_HOME": str(homes / "again"), "HF_HUB_OFFLINE": "1"}
        first = measure(idiom, again)
        subprocess.run(["git", "-C", str(work), "reset", "-q", "--hard", tip], check=True)
        full = measure([*idiom, "--full"], {**again, "IDIOM_HOME": str(homes / "full")})
        reharvest = measure(idiom, again)
        same = artifacts(homes / "again") == artifacts(homes / "full")
    finally:
        subprocess.run(["git", "-C", str(work), "reset", "-q", "--hard", tip], check=False)
        shutil.rmtree(homes, ignore_errors=True)
    figures = {"repository": work.name, "new": args.new, "dataset": not args.no_dataset, "identical": same,
               "first": first, "full": full, "reharvest": reharvest}
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"{work.name}: {args.new} new first-parent commits ({reharvest['reuse']}), "
              f"{'mining alone' if args.no_dataset else 'whole harvest'}; artifacts "
              f"{'identical' if same else 'DIFFERENT'}")
        for name, run in (("first, at the older tip", first), ("full harvest", full), ("re-harvest", reharvest)):
            print(f"  {name:<24}{run['seconds']:>8.1f} s (mining {run['mining']:.1f} s, build {run['build']:.1f} s)"
                  f"{run['peak_mb']:>7} MB  load {run['load']:.1f}")
        print(f"  re-harvest / full: {reharvest['seconds'] / full['seconds']:.0%} (mining "
              f"{reharvest['mining'] / full['mining']:.0%}"
              + (f", build {reharvest['build'] / full['build']:.0%})" if full["build"] else ")"))
        print("  seconds per stage, full / re-harvest:")
        for stage, seconds in full["stages"].items():
            print(f"    {stage:<40}{seconds:>8.1f}{reharvest['stages'].get(stage, 0.0):>8.1f}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
