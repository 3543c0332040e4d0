"""`idiom harvest --repos FILE`: every listed repository harvested by its own job, side by side (a local
process pool, or Ray tasks with `--ray`), a progress line per repository, then the optional merged dataset.

A repository that fails is a line in the summary and does not stop the others; the command then exits
non-zero. Settings: each repository's own `idiom.toml`, then the flags given here, applied to every one.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harvest.errors import InputError
from harvest.fleet.job import RepoJob, RepoResult, own_home_problem
from harvest.fleet.listing import read_repo_list
from harvest.fleet.merge import MergeSummary, merge_clash, merge_datasets
from harvest.fleet.run import import_ray, run_local, run_ray
from harvest.glob_settings import configured
from harvest.pool import cores
from harvest.progress import progress_bar
from harvest.store import Artifacts, ensure_home, safe_name

RAY_ENV = "RAY_ADDRESS"  # Ray's own variable for the cluster to join


@dataclass
class FleetSummary:
    """Every repository's result in the list's order, and the merged dataset if one was asked for."""

    repositories: list[RepoResult]
    merged: MergeSummary | None = None
    failed: int = 0
    ray: str = ""  # the cluster's address, when the jobs ran there
    seconds: float = 0.0
    skipped_from_merge: list[str] = field(default_factory=list)  # repositories that failed, so are not merged


@dataclass(frozen=True)
class FleetOptions:
    """How `--repos` runs: where URLs are cloned, how many at a time, where, and what to merge."""

    workdir: Path | None = None  # default: the current directory's .idiom/repos/
    repo_jobs: int = 0  # 0: the machine's cores
    ray: str = ""  # a Ray cluster's address ("" : `RAY_ADDRESS`, else the local pool)
    merge: str = ""  # the merged dataset's name ("" for none)
    clone_filter: str = ""  # `git clone --filter=` for URLs
    full: bool = False  # `--full`: no repository reuses its last harvest


def harvest_repos(listing: Path, flags: dict[str, Any], options: FleetOptions, build: bool = True,
                  progress: bool = True) -> FleetSummary:
    """Harvest every repository `listing` names with the command-line `flags`; see the module docstring."""
    started = time.perf_counter()
    if problem := own_home_problem():
        raise InputError(problem)
    if options.merge and not build:
        raise InputError("--merge merges the repositories' datasets: drop --no-dataset")
    sources = read_repo_list(listing)
    here = Path.cwd()
    if options.merge and (clash := merge_clash(Artifacts(here).datasets / safe_name(options.merge),
                                               [Artifacts(Path(s.path)).datasets / s.label for s in sources if s.path])):
        raise InputError(clash)  # known before anything runs for a listed folder; merge_datasets checks again
    merge_threshold = configured(here, flags).near_duplicate_jaccard if options.merge else 0.0
    address = options.ray or os.environ.get(RAY_ENV, "")
    if address:
        import_ray()  # says how to install it before anything is cloned
    workdir = options.workdir or Artifacts(here).clones
    if any(s.url for s in sources):
        if not options.workdir:
            ensure_home(here)  # created with its .gitignore, so the clones stay out of the team's `git status`
        workdir.mkdir(parents=True, exist_ok=True)
    side_by_side = options.repo_jobs or cores()
    if not address and flags.get("jobs") is None:  # the cores shared out, not each repository taking them all
        flags = {**flags, "jobs": max(1, cores() // side_by_side)}
    jobs = [RepoJob(s, str(workdir.resolve()), options.clone_filter, flags, build, options.full) for s in sources]
    results: dict[str, RepoResult] = {}
    with progress_bar(progress) as bar:
        overall = bar.add_task("repositories", total=len(jobs))
        lines = {job.source.label: bar.add_task(f"  {job.source.label}", total=1) for job in jobs}
        finished = run_ray(jobs, address) if address else run_local(jobs, side_by_side)
        for job, result in finished:
            results[job.source.label] = result
            note = f"ok, {result.counts.get('commits', 0)} commits" if result.status == "ok" else "failed"
            bar.update(lines[job.source.label], completed=1, description=f"  {job.source.label}: {note}")
            bar.advance(overall)
    ordered = [results[job.source.label] for job in jobs]
    summary = FleetSummary(ordered, failed=sum(r.status != "ok" for r in ordered), ray=address)
    if options.merge:
        merged = [(r.repository, Path(r.dataset)) for r in ordered if r.status == "ok" and r.dataset]
        summary.skipped_from_merge = [r.repository for r in ordered if r.status != "ok"]
        if merged:
            summary.merged = merge_datasets(here, safe_name(options.merge), merged, merge_threshold)
    summary.seconds = round(time.perf_counter() - started, 2)
    return summary
