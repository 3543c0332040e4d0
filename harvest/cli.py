"""Command line of the harvester: `idiom harvest REPO` and `idiom scrub PATH...`.

Also runs alone as `python -m harvest`. Errors the harvester raises on purpose print as one line
and exit 1, and so does an `OSError` naming a file (a path given, permissions, a full disk: the world's
doing, harvest/io_errors.py); anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from harvest.config import HarvestConfig
from harvest.conventions.command import conventions_group, lint_command
from harvest.dataset.command import dataset_group
from harvest.errors import IdiomError
from harvest.glob_settings import configured
from harvest.io_errors import describe
from harvest.options import setting_type
from harvest.scrub.command import scrub_command
from harvest.trust_command import trust_command


class FriendlyGroup(click.Group):
    """A click group that shows the project's own errors, and files it could not use, as one line on
    stderr, exit code 1."""

    handled: tuple[type[Exception], ...] = (IdiomError,)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except self.handled as exc:
            raise click.ClickException(str(exc)) from None
        except OSError as exc:
            if exc.filename is None:  # not about a file (a socket, a bug): keep the traceback
                raise
            raise click.ClickException(describe(exc)) from None


@click.group(cls=FriendlyGroup)
def cli() -> None:
    """Mine a team's git repository into scrubbed records, code units, pairs, conventions and datasets."""


def dataset_options(command: Callable[..., None]) -> Callable[..., None]:
    """The flags shared by `idiom harvest` and `idiom dataset build`."""
    command = click.option("--jobs", type=setting_type(HarvestConfig, "jobs"),
                           help="Processes for parsing, scrubbing, tree-sitter and MinHash sketches (default: the cores; 1 = no "
                                "worker processes). The output is the same whatever the count.")(command)
    command = click.option("--exclude-files", "exclude_files", multiple=True, metavar="PATH|GLOB",
                           help="Leave these files out of every output, e.g. to hold them out for evaluation "
                                "(repeatable; comma-separated lists allowed).",
                           callback=lambda _ctx, _param, value: tuple(
                               part.strip() for item in value for part in item.split(",") if part.strip()))(command)
    return click.option("--split", type=click.Choice(["file", "temporal"]),
                        help="file: train/eval/test grouped by file (default); temporal: the newest changes "
                             "form the test split.")(command)


def fleet_options(command: Callable[..., None]) -> Callable[..., None]:
    """The flags of `idiom harvest --repos` (harvest/fleet/)."""
    for option in reversed((
        click.option("--repos", "repos_file", type=click.Path(path_type=Path, exists=True, dir_okay=False),
                     help="Harvest every repository this file lists (a local path or git URL per line) instead of REPO."),
        click.option("--repo-jobs", type=click.IntRange(min=1),
                     help="With --repos: repositories harvested at once (default: the machine's cores)."),
        click.option("--workdir", type=click.Path(path_type=Path, file_okay=False),
                     help="With --repos: where listed URLs are cloned (default: .idiom/repos/ here)."),
        click.option("--clone-filter", metavar="SPEC",
                     help="With --repos: clone URLs partially, e.g. blob:limit=1m (git clone --filter)."),
        click.option("--merge", metavar="NAME",
                     help="With --repos: also write .idiom/datasets/NAME/ here, all the datasets merged."),
        click.option("--ray", metavar="ADDRESS",
                     help="With --repos: run the repositories as Ray tasks on this cluster (default: $RAY_ADDRESS)."),
    )):
        command = option(command)
    return command


# What other packages do after a harvest, given the repository and the harvest's folder; each returns a line to
# print ("" for none). The composition root (server/cli.py) adds the router's: accepted completions against the
# new commits. The harvest itself knows nothing of them.
AFTER_HARVEST: list[Callable[[Path, Path], str]] = []


@cli.command("harvest", short_help="Mine a repository into scrubbed records, then build its dataset.")
@click.argument("repo", type=click.Path(path_type=Path), required=False)
@click.option("--name", default="", help="Name of the harvest and dataset under .idiom/ (default: the repo folder).")
@click.option("--ref", "refs", multiple=True, help="Ref whose history to mine (repeatable; default: the default branch).")
@click.option("--all-refs", is_flag=True, default=None, help="Mine the history of every branch, tag and pull ref.")
@click.option("--since", help="Only commits after this date (e.g. 2024-01-01 or '6 months ago').")
@click.option("--max-commits", type=setting_type(HarvestConfig, "max_commits"),
              help="Mine at most this many commits, newest first (0 = all).")
@click.option("--prs", "prs_file", type=click.Path(path_type=Path, dir_okay=False),
              help="PR/review export: a JSON array of GitHub /pulls objects with 'reviews' and 'comments'.")
@click.option("--max-file-bytes", type=setting_type(HarvestConfig, "max_file_bytes"),
              help="Skip files larger than this (default 1 MiB).")
@dataset_options
@click.option("--no-dataset", is_flag=True, help="Stop after mining: skip units, pairs, conventions and datasets.")
@click.option("--full", is_flag=True,
              help="Redo everything: reuse neither the last harvest's commits and files nor the build's cache.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
@fleet_options
def harvest_command(repo: Path | None, name: str, refs: tuple[str, ...], all_refs: bool | None, since: str | None,
                    max_commits: int | None, prs_file: Path | None, max_file_bytes: int | None,
                    split: str | None, exclude_files: tuple[str, ...], jobs: int | None, no_dataset: bool,
                    full: bool, as_json: bool, **fleet: Any) -> None:
    """Mine REPO and build its dataset.

    First half: files at HEAD, commits with diffs, PRs and reviews, with every secret scrubbed, into
    .idiom/harvest/NAME/. Second half (skip with --no-dataset; run alone with `idiom dataset build`): code
    units, prompt/completion pairs, mined conventions and train/eval/test datasets in .idiom/datasets/NAME/.

    A second harvest parses and scrubs only the commits and files that are new since the last one and
    reuses the rest; the artifacts are those a full harvest writes. A rewritten history (force-push,
    rebase), other settings or another idiomatic version make it a full harvest, saying why.

    Settings come from REPO/idiom.toml [harvest], then IDIOM_HARVEST_* variables, then these flags.

    With --repos FILE, every repository FILE lists (a local path or a git URL per line) is harvested so,
    side by side, each into its own .idiom/ (see "Many repositories" in docs/harvest.md).
    """
    from harvest.dataset.report import print_dataset
    from harvest.mining.pipeline import harvest

    if fleet["repos_file"]:
        _harvest_repos(repo, name, refs, prs_file, fleet, not no_dataset, full, as_json, all_refs=all_refs,
                       since=since, max_commits=max_commits, max_file_bytes=max_file_bytes, split=split,
                       exclude_files=exclude_files or None, jobs=jobs)
        return
    if given := [f"--{option.replace('_', '-')}" for option, value in fleet.items() if value]:
        raise click.UsageError(f"{', '.join(given)} go with --repos FILE")
    repo = repo or Path(".")
    config = _configure(repo, refs=refs or None, all_refs=all_refs, since=since, max_commits=max_commits,
                        prs_file=str(prs_file) if prs_file else None, max_file_bytes=max_file_bytes,
                        split=split, exclude_files=exclude_files or None, jobs=jobs)
    summary, dataset = harvest(repo, config, name=name, build=not no_dataset, progress=not as_json, full=full)
    said = [line for hook in AFTER_HARVEST if (line := hook(repo, Path(summary.output)))]
    if as_json:
        data = dataclasses.asdict(summary)
        if dataset:
            data["dataset"] = dataclasses.asdict(dataset)
        click.echo(json.dumps(data, indent=2))
        return
    _print_summary(summary)
    if dataset:
        print_dataset(dataset)
    for line in said:
        click.echo(line)


@dataset_group.command("build")
@click.argument("repo", type=click.Path(path_type=Path, file_okay=False), default=".")
@click.option("--name", default="",
              help="Which harvest under .idiom/harvest/ (default: the only one, else the indexed one).")
@dataset_options
@click.option("--no-cache", is_flag=True,
              help="Recompute everything instead of reusing the last build's units, graph facts, fim spans, "
                   "MinHash signatures and token counts (.idiom/cache/NAME/, refreshed either way).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
def dataset_build_command(repo: Path, name: str, split: str | None, exclude_files: tuple[str, ...],
                          jobs: int | None, no_cache: bool, as_json: bool) -> None:
    """Build .idiom/datasets/NAME/ from an existing harvest: units, pairs, conventions, datasets.

    The second half of `idiom harvest`, alone: re-run it after changing [harvest] settings such as the
    split, the quality limits or format_command without mining the history again.
    """
    from harvest.dataset.build import build_dataset
    from harvest.dataset.report import print_dataset
    from harvest.store import Artifacts

    config = _configure(repo, split=split, exclude_files=exclude_files or None, jobs=jobs)
    summary = build_dataset(Artifacts(repo).harvest(name), config, progress=not as_json, no_cache=no_cache)
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(summary), indent=2))
    else:
        print_dataset(summary)


def _harvest_repos(repo: Path | None, name: str, refs: tuple[str, ...], prs_file: Path | None, fleet: dict[str, Any],
                   build: bool, full: bool, as_json: bool, **flags: object) -> None:
    """`idiom harvest --repos FILE`: exit status 1 when any repository failed."""
    from harvest.fleet.command import FleetOptions, harvest_repos
    from harvest.fleet.report import fleet_json, print_fleet

    alone = [flag for flag, value in (("REPO", repo), ("--name", name), ("--ref", refs), ("--prs", prs_file)) if value]
    if alone:
        raise click.UsageError(f"{', '.join(alone)} name one repository: drop them with --repos "
                               "(each listed repository uses its own folder name and default branch)")
    options = FleetOptions(fleet["workdir"], fleet["repo_jobs"] or 0, fleet["ray"] or "", fleet["merge"] or "",
                           fleet["clone_filter"] or "", full)
    summary = harvest_repos(fleet["repos_file"], flags, options, build=build, progress=not as_json)
    if as_json:
        click.echo(fleet_json(summary))
    else:
        print_fleet(summary)
    if summary.failed:
        raise SystemExit(1)


def _configure(repo: Path, **flags: object) -> HarvestConfig:
    """`[harvest]` for REPO with the flags that were given applied last, its globs checked."""
    return configured(repo, flags)


def _print_summary(summary: object) -> None:
    from rich.console import Console
    from rich.table import Table

    data = dataclasses.asdict(summary)
    table = Table(title=f"harvest {data['name']} @ {data['head'][:12]}", show_header=False)
    for key, value in data["counts"].items():
        table.add_row(key.replace("_", " "), str(value))
    table.add_row("excluded by reason", ", ".join(f"{k} {v}" for k, v in data["excluded"].items()) or "none")
    scrub = data["scrub"]
    table.add_row("secrets scrubbed", f"{scrub['secrets']} ({scrub['secrets_only_in_history']} only in history)")
    table.add_row("pii scrubbed", str(scrub["total"] - scrub["secrets"]))
    if data["shallow"]:
        table.add_row("warning", "shallow clone: history stops at the shallow boundary")
    reuse = data["reuse"]
    console = Console()
    console.print(table)
    console.print(f"full harvest: {reuse['full']}" if "full" in reuse else
                  f"re-harvest: {reuse['new_commits']} new commits mined, {reuse['reused_commits']} reused; "
                  f"{reuse['rescrubbed_files']} files at HEAD scrubbed again, the others reused")
    console.print(f"wrote {data['output']} in {data['seconds']} s")


cli.add_command(scrub_command)
cli.add_command(dataset_group)
cli.add_command(lint_command)
cli.add_command(conventions_group)
cli.add_command(trust_command)
