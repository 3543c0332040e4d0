"""Command line of the harvester: `idiom harvest REPO` and `idiom scrub PATH...`.

Also runs alone as `python -m harvest`. Errors the harvester raises on purpose print as one line
and exit 1; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import click

from harvest.config import load_harvest_config
from harvest.errors import HarvestError
from harvest.scrub.command import scrub_command


class FriendlyGroup(click.Group):
    """A click group that shows the project's own errors as one line on stderr, exit code 1."""

    handled: tuple[type[Exception], ...] = (HarvestError,)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except self.handled as exc:
            raise click.ClickException(str(exc)) from None


@click.group(cls=FriendlyGroup)
def cli() -> None:
    """Mine a team's git repository into scrubbed records."""


@cli.command("harvest", short_help="Mine a repository into scrubbed records: files, history, PRs, reviews.")
@click.argument("repo", type=click.Path(path_type=Path), default=".")
@click.option("--name", default="", help="Name of the harvest under .idiom/harvest/ (default: the repo folder).")
@click.option("--ref", "refs", multiple=True, help="Ref whose history to mine (repeatable; default: the default branch).")
@click.option("--all-refs", is_flag=True, default=None, help="Mine the history of every branch, tag and pull ref.")
@click.option("--since", help="Only commits after this date (e.g. 2024-01-01 or '6 months ago').")
@click.option("--max-commits", type=int, help="Mine at most this many commits, newest first (0 = all).")
@click.option("--prs", "prs_file", type=click.Path(path_type=Path, dir_okay=False),
              help="PR/review export: a JSON array of GitHub /pulls objects with 'reviews' and 'comments'.")
@click.option("--max-file-bytes", type=int, help="Skip files larger than this (default 1 MiB).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
def harvest_command(repo: Path, name: str, refs: tuple[str, ...], all_refs: bool | None, since: str | None,
                    max_commits: int | None, prs_file: Path | None, max_file_bytes: int | None, as_json: bool) -> None:
    """Mine REPO: files at HEAD, commits with diffs, PRs and reviews; scrub secrets; write .idiom/harvest/NAME/.

    Settings come from REPO/idiom.toml [harvest], then IDIOM_HARVEST_* variables, then these flags.
    """
    from harvest.pipeline import harvest

    config = load_harvest_config(repo)
    flags = {"refs": refs or None, "all_refs": all_refs, "since": since, "max_commits": max_commits,
             "prs_file": str(prs_file) if prs_file else None, "max_file_bytes": max_file_bytes}
    config = dataclasses.replace(config, **{k: v for k, v in flags.items() if v is not None})
    summary = harvest(repo, config, name=name, progress=not as_json)
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(summary), indent=2))
    else:
        _print_summary(summary)


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
    console = Console()
    console.print(table)
    console.print(f"wrote {data['output']} in {data['seconds']} s")


cli.add_command(scrub_command)
