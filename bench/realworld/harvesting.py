"""Run the product on one clone the way a user does: `idiom harvest`, then `idiom index`, as subprocesses.

Everything goes to a temporary IDIOM_HOME; the held-out files are given to the harvest through the user
config (`[harvest] exclude_files` in IDIOM_CONFIG_DIR/config.toml), which takes a list of any length and
leaves the clone untouched. The harvest's wall time is measured against `git log -p` on the same ref in
the same run (`--diff-merges=first-parent`, the stream the harvester reads). Its peak memory is the
command's own high-water mark (`VmHWM`, read by the command's process as it exits): `ru_maxrss` of a
child (`RUSAGE_CHILDREN`, `os.wait4`) would not do, since Linux carries the parent's resident set at
`fork` into the child's maximum across `exec`, so every child of a grown runner would report the runner.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.realworld.catalog import MatrixError


@dataclass(frozen=True)
class Workspace:
    """Where one repository's run keeps its artifacts and settings."""

    home: Path  # IDIOM_HOME
    config_dir: Path  # IDIOM_CONFIG_DIR, holding the held-out list

    def environment(self, model: str = "hash") -> dict[str, str]:
        """The environment of every product command of the run: no inherited IDIOM_* setting, offline."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("IDIOM_")}
        env.update(IDIOM_HOME=str(self.home), IDIOM_CONFIG_DIR=str(self.config_dir), HF_HUB_OFFLINE="1",
                   TRANSFORMERS_OFFLINE="1")
        if model == "hash":
            env["IDIOM_INDEX_EMBEDDING_MODEL"] = "hash"
        return env


@dataclass(frozen=True)
class Harvested:
    """What the harvest of one clone produced, and what it cost."""

    harvest_dir: Path  # files.jsonl, manifest.json, …
    dataset_dir: Path  # units.jsonl, pairs.jsonl, conventions.yaml, …
    seconds: float
    floor_seconds: float | None  # `git log -p` on the same ref (None when git cannot read the whole history)
    peak_mb: float
    summary: dict[str, Any]


def prepare(folder: Path, held_out: list[str]) -> Workspace:
    """A fresh IDIOM_HOME and a user config that holds `held_out` out of every output."""
    workspace = Workspace(folder / "home", folder / "config")
    workspace.config_dir.mkdir(parents=True, exist_ok=True)
    listed = ",\n  ".join(json.dumps(_literal(p)) for p in held_out)
    (workspace.config_dir / "config.toml").write_text(f"[harvest]\nexclude_files = [\n  {listed}\n]\n", encoding="utf-8")
    return workspace


def _literal(path: str) -> str:
    """`path` as a glob that matches only itself (`[id].tsx` would be a character class)."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in path)


def harvest(clone: Path, workspace: Workspace) -> Harvested:
    """`idiom harvest CLONE --json` in a child process, timed, its peak memory read; `git log -p` timed first."""
    floor = _git_log_seconds(clone)
    started = time.perf_counter()
    output, peak_kb = _run(["harvest", str(clone), "--json"], workspace.environment(), "idiom harvest")
    seconds = time.perf_counter() - started
    summary = json.loads(output)
    dataset = summary.get("dataset") or {}
    return Harvested(Path(summary["output"]), Path(dataset.get("output", "")), seconds, floor, peak_kb / 1024, summary)


def index(clone: Path, workspace: Workspace, model: str) -> dict[str, Any]:
    """`idiom index CLONE --json` (the hash embedding unless `model` is minilm)."""
    output, _ = _run(["index", str(clone), "--json"], workspace.environment(model), "idiom index")
    return json.loads(output)


def _git_log_seconds(clone: Path) -> float | None:
    started = time.perf_counter()
    done = subprocess.run(["git", "log", "-p", "--diff-merges=first-parent", "HEAD"], cwd=clone,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started if done.returncode == 0 else None


# `idiom ARGS…` in this interpreter, writing its peak resident set (VmHWM, kB; or its git children's, when
# larger) to the file named by the variable when it exits.
COMMAND = """
import atexit, os, re, resource, sys
def peak():
    found = re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read())
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # git, when it outgrows the command
    open(os.environ["IDIOM_MATRIX_PEAK_FILE"], "w").write(str(max(int(found.group(1)) if found else 0, children)))
atexit.register(peak)
sys.argv[0] = "idiom"
from server.cli import main
main()
"""


def _run(arguments: list[str], env: dict[str, str], what: str) -> tuple[str, int]:
    """`idiom ARGUMENTS…` in a child: its stdout and its peak resident set in KiB; a failure is a MatrixError
    with its last line."""
    with tempfile.TemporaryDirectory() as scratch:
        peak_file = Path(scratch) / "peak"
        with (Path(scratch) / "out").open("w+b") as out, (Path(scratch) / "err").open("w+b") as err:
            done = subprocess.run([sys.executable, "-c", COMMAND, *arguments], env={**env, "IDIOM_MATRIX_PEAK_FILE":
                                  str(peak_file)}, stdout=out, stderr=err, check=False)
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
        peak = int(peak_file.read_text() or 0) if peak_file.exists() else 0
    if done.returncode != 0:
        detail = (stderr.strip().splitlines() or ["no output"])[-1]
        raise MatrixError(f"{what} failed (exit {done.returncode}): {detail}")
    return stdout, peak
