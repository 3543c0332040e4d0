"""`idiom lint` and `idiom conventions show|mine|export`: the conventions on the command line."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import click

from harvest.conventions.export import EXPORTS
from harvest.errors import InputError


@click.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--conventions", "conventions_file", type=click.Path(path_type=Path, dir_okay=False),
              help="A conventions.yaml to use (default: the one mined for this repository).")
@click.option("--name", default="", help="Which dataset's conventions, when the repository has several.")
@click.option("--commit-message", "commit_message", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Also check a commit message file; as a git hook: `idiom lint --commit-message \"$1\"` in "
                   ".git/hooks/commit-msg.")
@click.option("--strict", is_flag=True, help="Also report the lines recorded as exceptions when the rules were mined, "
                                            "and fail on information too.")
@click.option("--json", "as_json", is_flag=True, help="Print violations as a JSON list on stdout.")
def lint_command(paths: tuple[Path, ...], conventions_file: Path | None, name: str, commit_message: Path | None,
                 strict: bool, as_json: bool) -> None:
    """Check files (folders: their tracked files) against the conventions mined from the repository.

    Prints `path:line: rule message (evidence)` per violation, `path:line: info: rule message (evidence)`
    for a rule below the warning tier; exit 1 when there is a warning (with --strict, any violation).
    Only proposed rules run; candidates from review comments are shown by `idiom conventions show --all`.
    Lines a rule lists as exceptions (they broke it before it was mined) are not reported unless --strict.
    """
    from harvest.conventions.lint import (
        expand,
        lint_commit_message,
        lint_files,
        repo_root,
    )
    from harvest.conventions.store import load_conventions
    from harvest.store import Artifacts

    if not paths and not commit_message:
        raise InputError("nothing to lint: give files or folders, or --commit-message FILE")
    root = repo_root(paths[0] if paths else Path.cwd())
    rules = load_conventions(conventions_file or Artifacts(root).conventions(name))
    violations = lint_files(root, expand(root, paths), rules, _config(root), strict) if paths else []
    if commit_message:
        violations += lint_commit_message(commit_message.read_text(encoding="utf-8", errors="replace"), rules)
    warnings = [v for v in violations if v.severity == "warning"]
    if as_json:
        click.echo(json.dumps([dataclasses.asdict(v) for v in violations], indent=2))
    else:
        for v in violations:
            marker = "" if v.severity == "warning" else f"{v.severity}: "
            click.echo(f"{v.path}:{v.line}: {marker}{v.rule} {v.message} ({v.evidence})")
        click.echo(_summary(warnings, len(violations) - len(warnings)), err=True)
    if warnings or (strict and violations):
        raise SystemExit(1)


def _summary(warnings: list, infos: int) -> str:
    """"2 violation(s) in 1 file(s); 3 info": what lint found, warnings first."""
    found = f"{len(warnings)} violation(s) in {len({v.path for v in warnings})} file(s)" if warnings else "no violations"
    return found + (f"; {infos} info" if infos else "")


@click.group("conventions")
def conventions_group() -> None:
    """Show, mine and export the team's conventions."""


@conventions_group.command("show")
@click.argument("repo", type=click.Path(path_type=Path, file_okay=False), default=".")
@click.option("--name", default="", help="Which dataset, when the repository has several.")
@click.option("--all", "show_all", is_flag=True, help="Include candidates (rules stated in review, not borne out).")
@click.option("--json", "as_json", is_flag=True, help="Print the rules as JSON on stdout.")
def show_command(repo: Path, name: str, show_all: bool, as_json: bool) -> None:
    """List the mined conventions with their support and confidence."""
    from rich.console import Console
    from rich.table import Table

    from harvest.conventions.lint import repo_root
    from harvest.conventions.rules import severity_of
    from harvest.conventions.store import load_conventions
    from harvest.store import Artifacts

    rules = [r for r in load_conventions(Artifacts(repo_root(repo)).conventions(name))
             if show_all or r.status == "proposed"]
    if as_json:
        click.echo(json.dumps([{**dataclasses.asdict(r), "severity": severity_of(r)} for r in rules], indent=2))
        return
    table = Table(title=f"{len(rules)} conventions")
    for column in ("id", "convention", "followed", "confidence", "severity", "source", "status"):
        table.add_column(column)
    for r in rules:
        table.add_row(r.id, r.message, f"{r.followed}/{r.support}", f"{r.confidence:.0%}", severity_of(r), r.source,
                      r.status)
    Console().print(table)


@conventions_group.command("mine")
@click.argument("repo", type=click.Path(path_type=Path, file_okay=False), default=".")
@click.option("--name", default="",
              help="Which harvest under .idiom/harvest/ (default: the only one, else the indexed one).")
def mine_command(repo: Path, name: str) -> None:
    """Mine conventions alone from an existing harvest into .idiom/datasets/NAME/conventions.yaml."""
    from harvest.dataset.build import mine_only
    from harvest.store import Artifacts

    click.echo(f"wrote {mine_only(Artifacts(repo).harvest(name), _config(repo))}")


@conventions_group.command("export")
@click.argument("repo", type=click.Path(path_type=Path, file_okay=False), default=".")
@click.option("--format", "formats", type=click.Choice([*EXPORTS, "all"]), multiple=True,
              help="Which files (repeat for several; default all): copilot: .github/copilot-instructions.md and "
                   ".github/instructions/*.instructions.md; cursor: .cursor/rules/*.mdc; windsurf: "
                   ".windsurf/rules/*.md; agents: AGENTS.md; claude: CLAUDE.md; continue: .continue/rules/idiom.md "
                   "(Continue is no longer maintained upstream).")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False),
              help="Folder to write into at the tools' paths; `--out .` writes into the repository "
                   "(default: the dataset's exports/ folder).")
@click.option("--name", default="", help="Which dataset, when the repository has several.")
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 when the files in the folder differ from what the conventions would "
                   "write (missing, different or stale), one line per file: for CI.")
@click.option("--json", "as_json", is_flag=True, help="Print the files written (or, with --check, drifted) as JSON.")
def export_command(repo: Path, formats: tuple[str, ...], out: Path | None, name: str, check: bool,
                   as_json: bool) -> None:
    """Write the conventions as rules files for GitHub Copilot, Cursor, Windsurf, Claude Code, AGENTS.md and
    Continue, scoped by path where the format allows; with --check, report the files that drifted."""
    from harvest.conventions.export import Provenance, exported
    from harvest.conventions.lint import repo_root
    from harvest.conventions.rulefiles import drift, write_files
    from harvest.conventions.store import load_conventions
    from harvest.store import Artifacts

    root = repo_root(repo)
    source = Artifacts(root).conventions(name)
    chosen = tuple(EXPORTS) if not formats or "all" in formats else tuple(dict.fromkeys(formats))
    files = exported(load_conventions(source), Provenance(root.name, source.parent.name), chosen)
    target = out or source.parent / "exports"
    if check:
        drifted = drift(target, files)
        if as_json:
            click.echo(json.dumps({"folder": str(target), "checked": len(files),
                                   "drifted": [dataclasses.asdict(d) for d in drifted]}, indent=2))
        else:
            for d in drifted:
                click.echo(f"{target / d.path}: {d.state}")
            click.echo(f"{len(drifted)} of {len(files)} file(s) drifted from the conventions" if drifted else
                       f"{len(files)} file(s) match the conventions", err=True)
        if drifted:
            raise SystemExit(1)
        return
    written, removed = write_files(target, files)
    if as_json:
        click.echo(json.dumps({"written": [str(p) for p in written], "removed": [str(p) for p in removed]}, indent=2))
        return
    for path in written:
        click.echo(f"wrote {path}")
    for path in removed:
        click.echo(f"removed {path} (its scope is gone from the conventions)")


def _config(repo: Path):
    from harvest.config import load_harvest_config
    from harvest.glob_settings import check_globs

    return check_globs(repo, load_harvest_config(repo))
