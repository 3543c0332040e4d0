"""`idiom feedback record` and `idiom feedback export`."""

from __future__ import annotations

from pathlib import Path

import click

REPO = click.Path(path_type=Path, file_okay=False)


@click.group("feedback")
def feedback_group() -> None:
    """What developers did with routed answers: it feeds the router's statistics and candidate examples."""


@feedback_group.command("record")
@click.argument("request_id", type=int)
@click.argument("outcome", type=click.Choice(["accepted", "rejected", "edited"]))
@click.option("--final", "final_file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="A file holding the code the developer kept (for edited or rejected answers).")
@click.option("--repo", type=REPO, default=".", help="The repository.")
def record_command(request_id: int, outcome: str, final_file: Path | None, repo: Path) -> None:
    """Record OUTCOME for logged request REQUEST_ID (the id `idiom generate --json` prints)."""
    from router.feedback import record_feedback

    final = final_file.read_text(encoding="utf-8", errors="replace") if final_file else ""
    record_feedback(repo, request_id, outcome, final)
    click.echo(f"recorded {outcome} for request {request_id}")


@feedback_group.command("export")
@click.argument("repo", type=REPO, default=".")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="Write JSONL here (default: stdout).")
def export_command(repo: Path, out: Path | None) -> None:
    """Rejected and edited answers with what the developer kept, as JSONL rows {kind, path, prompt,
    completion (kept), rejected}: candidate few-shot examples and training pairs, to review first."""
    import json

    from harvest.atomic import atomic_write_text
    from router.feedback import candidates

    rows = [json.dumps(row) for row in candidates(repo)]
    if out:
        atomic_write_text(out, "".join(r + "\n" for r in rows))
        click.echo(f"wrote {len(rows)} candidates to {out}")
    else:
        click.echo("\n".join(rows))
