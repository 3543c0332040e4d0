"""Incremental re-harvest (issue 19): a harvest after `--new` commits against a full harvest of the same
state, same run, and a check that both wrote the same artifacts.

    python bench/reharvest_bench.py [--repo PATH] [--commits 100000] [--new 10] [--no-dataset] [--json]

The repository is prepared as bench/scale_bench.py prepares it (a clone of --repo under bench/.work/scale/,
or the synthetic one). Its checkout is moved back `--new` first-parent commits and harvested in full, then
moved to its tip again and measured twice in fresh processes: `idiom harvest` (the re-harvest, which
reuses the first) and `idiom harvest --full` (the baseline). The tip is restored however the run ends.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

sys.path.pop(0)  # not bench/: its secrets/ folder would shadow the stdlib module numpy imports
sys.path.append(str(Path(__file__).resolve().parents[1]))

from bench.scale_bench import _prepare, measure


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
    work = _prepare(args)
    tip = subprocess.run(["git", "-C", str(work), "rev-parse", "HEAD"], capture_output=True, text=True,
                         check=True).stdout.strip()
    homes = Path(tempfile.mkdtemp(prefix="idiom-reharvest-"))
    idiom = [sys.executable, "-m", "server", "harvest", str(work), "--json", *(["--no-dataset"] if args.no_dataset else [])]
    try:
        subprocess.run(["git", "-C", str(work), "reset", "-q", "--hard", f"{tip}~{args.new}"], check=True)
        again = {**os.environ, "IDIOM_HOME": str(homes / "again"), "HF_HUB_OFFLINE": "1"}
        first = measure(f"harvest at tip~{args.new}", idiom, again)
        subprocess.run(["git", "-C", str(work), "reset", "-q", "--hard", tip], check=True)
        full_env = {**again, "IDIOM_HOME": str(homes / "full")}
        full = measure("full harvest", [*idiom, "--full"], full_env)
        reharvest = measure("re-harvest", idiom, again, full.seconds)
        same = artifacts(homes / "again") == artifacts(homes / "full")
    finally:
        subprocess.run(["git", "-C", str(work), "reset", "-q", "--hard", tip], check=False)
        shutil.rmtree(homes, ignore_errors=True)
    figures = {"repository": work.name, "new": args.new, "dataset": not args.no_dataset, "identical": same,
               "first": asdict(first), "full": asdict(full), "reharvest": asdict(reharvest)}
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"{work.name}: {args.new} new first-parent commits, {'mining alone' if args.no_dataset else 'whole harvest'}"
              f"\n  full harvest {full.seconds:.1f} s ({full.peak_mb:.0f} MB), re-harvest {reharvest.seconds:.1f} s "
              f"({reharvest.peak_mb:.0f} MB): {reharvest.ratio:.0%} of the full time; artifacts "
              f"{'identical' if same else 'DIFFERENT'}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
