"""`idiom scrub PATH...`: scan files for secrets without git, print where they are (never what they
are), optionally write scrubbed copies, or score the scrubber on labelled cases (`--cases`).

Exit code 1 when any secret is found, so the command works as a pre-commit or CI gate. `--mode precise`
(the default here) flags likely credentials; `--mode strict` is what the harvester applies to everything
it writes and sends.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from harvest.errors import InputError
from harvest.scrub.allowlist import Allowlist, load_allowlist
from harvest.scrub.engine import scrub
from harvest.scrub.evaluate import NOT_CREDENTIALS, evaluate, is_flagged, load_cases
from harvest.scrub.profile import PROFILES, Profile, profile_named

MAX_BYTES = 1024 * 1024
_BINARY_PROBE = 8192
_PROGRESS_MIN_FILES = 20


@dataclass(frozen=True)
class Target:
    """A file to scan: where it is, its path for `.idiomignore`, where its scrubbed copy goes."""

    file: Path
    relative: str
    mirror: str
    allowlist: Allowlist


def _targets(paths: tuple[Path, ...], write_to: Path | None) -> Iterator[Target]:
    """Every file under `paths` (recursively, .git/ and the output directory excluded), in sorted order.

    One PATH is mirrored straight into --write-to; several each get a subdirectory named after them.
    """
    for path in paths:
        if not path.exists():
            raise InputError(f"{path}: no such file or directory; pass existing files or directories to scan")
    skip = write_to.resolve() if write_to else None
    cwd_allowlist: Allowlist | None = None
    for path in paths:
        prefix = "" if len(paths) == 1 else f"{path.resolve().name}/"
        if path.is_file():
            cwd_allowlist = cwd_allowlist or load_allowlist(Path.cwd())
            relative = Path(os.path.relpath(path.resolve(), Path.cwd())).as_posix()
            yield Target(path, relative, path.name, cwd_allowlist)
            continue
        allowlist = load_allowlist(path)
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if d != ".git" and (skip is None or Path(root, d).resolve() != skip))
            for name in sorted(files):
                file = Path(root, name)
                relative = file.relative_to(path).as_posix()
                yield Target(file, relative, prefix + relative, allowlist)


def _read(target: Target) -> tuple[str | None, str]:
    """(text, "") or (None, reason to skip)."""
    try:
        size = target.file.stat().st_size
        if size > MAX_BYTES:
            return None, f"larger than 1 MiB ({size} bytes)"
        data = target.file.read_bytes()
    except OSError as exc:
        return None, f"unreadable: {exc.strerror}"
    if b"\0" in data[:_BINARY_PROBE]:
        return None, "binary"
    return data.decode("utf-8", errors="replace"), ""


def _write_atomic(dest: Path, text: str) -> None:
    """Write via a temporary file in the target directory, then rename: no half-written copies."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _progress(total: int) -> AbstractContextManager[Any]:
    """A rich progress bar on stderr for long scans at a terminal; otherwise a context yielding None."""
    if total <= _PROGRESS_MIN_FILES or not sys.stderr.isatty():
        return nullcontext(None)
    from rich.console import Console
    from rich.progress import Progress

    return Progress(console=Console(stderr=True), transient=True)


def _scan(paths: tuple[Path, ...], write_to: Path | None, as_json: bool, profile: Profile) -> int:
    """Scan, report and mirror; returns the number of secret findings."""
    targets = list(_targets(paths, write_to))
    findings: list[dict[str, Any]] = []
    scanned = binary = 0
    with _progress(len(targets)) as progress:
        task = progress.add_task("scrubbing", total=len(targets)) if progress else None
        for target in targets:
            text, reason = _read(target)
            if progress:
                progress.advance(task)
            if text is None:
                binary += reason == "binary"
                if reason != "binary":
                    click.echo(f"note: skipped {target.file} ({reason})", err=True)
                continue
            scanned += 1
            result = scrub(text, target.allowlist, path=target.relative, profile=profile)
            shown = str(target.file)
            findings.extend({"path": shown, "line": f.line, "rule": f.rule, "kind": f.kind} for f in result.findings)
            if write_to is not None:
                _write_atomic(write_to / target.mirror, result.text)
    if binary:
        click.echo(f"note: skipped {binary} binary file(s) (NUL byte in the first 8 KiB)", err=True)
    secrets = sum(1 for f in findings if f["kind"] == "secret")
    if as_json:
        click.echo(json.dumps({"mode": profile.name, "findings": findings, "files_scanned": scanned, "secrets": secrets},
                              indent=2))
    else:
        for f in findings:
            click.echo(f"{f['path']}:{f['line']}: {f['rule']}" + ("" if f["kind"] == "secret" else f" ({f['kind']})"))
        pii = len(findings) - secrets
        click.echo(f"{secrets} secret(s), {pii} personal-data finding(s) in {scanned} file(s) scanned ({profile.name} mode)")
    return secrets


def _report_cases(cases_file: Path, as_json: bool, profile: Profile) -> None:
    """Print recall and false-positive rate per source for a labelled JSONL file."""
    scores = evaluate(load_cases(cases_file), lambda case: is_flagged(case, profile=profile))
    if as_json:
        payload = {
            source: {
                "positives": s.positives, "caught": s.caught, "recall": round(s.recall, 4),
                "negatives": s.negatives, "false_positives": s.false_positives, "fp_rate": round(s.fp_rate, 4),
                "excluded": s.excluded, "missed_ids": s.missed_ids, "false_positive_ids": s.false_positive_ids,
            }
            for source, s in scores.items()
        }
        click.echo(json.dumps({"mode": profile.name, "sources": payload, "excluded_rules": sorted(NOT_CREDENTIALS)},
                              indent=2))
        return
    for source, s in scores.items():
        click.echo(
            f"{source}: recall {s.recall:.1%} ({s.caught}/{s.positives}), "
            f"false positives {s.fp_rate:.1%} ({s.false_positives}/{s.negatives})"
            + (f", {s.excluded} excluded (not credentials: {', '.join(sorted(NOT_CREDENTIALS))})" if s.excluded else "")
        )


@click.command("scrub")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document instead of lines.")
@click.option("--write-to", type=click.Path(path_type=Path, file_okay=False),
              help="Write scrubbed copies here, mirroring the input tree (one subdirectory per PATH when several).")
@click.option("--cases", "cases_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Score the scrubber on labelled cases (JSONL: id, source, label, text) instead of scanning.")
@click.option("--mode", type=click.Choice(list(PROFILES)), default="precise", show_default=True,
              help="precise: flag likely credentials (a pre-commit gate). strict: also any literal in a credential "
                   "context, long random tokens and lines marked 'pragma: allowlist secret', as the harvester "
                   "scrubs what it writes.")
def scrub_command(paths: tuple[Path, ...], as_json: bool, write_to: Path | None, cases_file: Path | None,
                  mode: str) -> None:
    """Find secrets in PATH... (files or directories); print path:line: rule, never the value.

    Exits 1 when a secret is found. Personal data (e-mail addresses) is listed but does not fail.
    `.idiomignore` in a scanned directory (or the current one, for files) allowlists paths and values.
    """
    profile = profile_named(mode)
    if cases_file is not None:
        if paths or write_to:
            raise InputError("--cases scores labelled cases; pass it without PATH or --write-to")
        _report_cases(cases_file, as_json, profile)
        return
    if not paths:
        raise InputError("nothing to scan: pass one or more files or directories, or --cases FILE.jsonl")
    if _scan(paths, write_to, as_json, profile):
        click.get_current_context().exit(1)
