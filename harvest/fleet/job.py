"""One repository's job in `idiom harvest --repos`: clone or update it when it is a URL, then the same
`harvest()` as `idiom harvest REPO`, with its own `idiom.toml` read as for one harvest (harvest/trust.py
decides what of it counts) and the list's flags applied over it.

A job runs in its own process (a pool worker or a Ray task, one job each, so the peak memory it reports is
its own) and never raises: whatever stops it becomes a failed result with one line saying why, and the
other repositories go on.
"""

from __future__ import annotations

import os
import resource
import subprocess
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harvest.errors import IdiomError, InputError, RepoError
from harvest.fleet.listing import RepoSource
from harvest.glob_settings import configured
from harvest.io_errors import describe
from harvest.store import HOME_ENV

# A clone must never wait for a password on a terminal nobody watches.
GIT_ENV = {"GIT_TERMINAL_PROMPT": "0"}


@dataclass(frozen=True)
class RepoJob:
    """What a worker needs, all of it picklable and every path absolute (a Ray node sees the same paths)."""

    source: RepoSource
    workdir: str  # where URLs are cloned, one folder per label
    clone_filter: str  # `git clone --filter=` for URLs ("" for a full clone)
    flags: dict[str, Any]  # the settings given on the command line, applied over each repository's own
    build: bool  # build the dataset after mining
    full: bool = False  # mine everything again instead of reusing the last harvest


@dataclass
class RepoResult:
    """How one repository's job ended; `--json` prints these."""

    repository: str  # the label
    source: str  # its line in the list
    status: str  # ok or failed
    error: str = ""  # one line, for a failed job
    bug: str = ""  # the traceback, when the failure was not one the harvest raises on purpose
    seconds: float = 0.0
    peak_memory_mb: float = 0.0  # the job's own process (a fresh one per job)
    repo: str = ""  # the repository harvested (the clone, for a URL)
    harvest: str = ""  # .idiom/harvest/<name>/
    dataset: str = ""  # .idiom/datasets/<name>/ ("" with --no-dataset)
    counts: dict[str, int] = field(default_factory=dict)


def own_home_problem() -> str:
    """Why repositories cannot be harvested side by side here ("" when they can): one IDIOM_HOME would make
    every job write to one artifact root, and all but one stop at its writer lock."""
    if os.environ.get(HOME_ENV):
        return (f"{HOME_ENV} is set, so every repository would write to one artifact root; unset it for "
                "--repos (each repository keeps its own .idiom/)")
    return ""


def run_job(job: RepoJob) -> RepoResult:
    """Harvest one repository; a failure is a result, never an exception."""
    # the heavy part, imported in the worker
    from harvest.mining.pipeline import harvest

    started = time.perf_counter()
    result = RepoResult(job.source.label, job.source.text, "failed")
    try:
        if problem := own_home_problem():
            raise InputError(problem)
        repo = checkout(job)
        result.repo = str(repo)
        summary, dataset = harvest(repo, configured(repo, job.flags), build=job.build, progress=False,
                                   full=job.full)
        result.harvest = summary.output
        result.counts = dict(summary.counts)
        if dataset:
            result.dataset = dataset.output
            result.counts["pairs"] = sum(n for by_split in dataset.pairs.values() for n in by_split.values())
            result.counts |= {f"pairs_{split}": sum(by_split.get(split, 0) for by_split in dataset.pairs.values())
                              for split in ("train", "eval", "test")}
        result.status = "ok"
    except IdiomError as exc:
        result.error = str(exc)
    except OSError as exc:
        result.error = describe(exc) if exc.filename else f"{type(exc).__name__}: {exc}"
    except Exception as exc:  # noqa: BLE001 - a bug: this repository fails with its traceback, the others go on
        result.error = f"{type(exc).__name__}: {exc}".splitlines()[0]
        result.bug = traceback.format_exc()
    result.seconds = round(time.perf_counter() - started, 2)
    result.peak_memory_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux
    return result


def checkout(job: RepoJob) -> Path:
    """The repository to harvest: the listed folder, or the URL's clone under the workdir (cloned the first
    time, brought up to date with its remote's default branch after that)."""
    source = job.source
    if source.path:
        return Path(source.path)
    dest = Path(job.workdir) / source.label
    if not (dest / ".git").exists():
        dest.parent.mkdir(parents=True, exist_ok=True)
        _git(["clone", "--quiet", *([f"--filter={job.clone_filter}"] if job.clone_filter else []), "--",
              source.url, str(dest)], f"cloning {source.url}")
        return dest
    origin = _git(["-C", str(dest), "remote", "get-url", "origin"], f"reading {dest}'s remote").strip()
    if origin != source.url:
        raise InputError(f"{dest} is a clone of {origin}, not {source.url}; move it away or choose another --workdir")
    # The clone is ours (under the workdir): it follows its remote, force-pushes included.
    _git(["-C", str(dest), "fetch", "--quiet", "origin"], f"fetching {source.url}")
    _git(["-C", str(dest), "reset", "--quiet", "--hard", "@{upstream}"], f"updating {dest}")
    return dest


def _git(args: list[str], doing: str) -> str:
    done = subprocess.run(["git", *args], capture_output=True, text=True, check=False, env=os.environ | GIT_ENV)
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        raise RepoError(f"{doing} failed: {lines[-1] if lines else f'git exited {done.returncode}'}")
    return done.stdout
