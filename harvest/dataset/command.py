"""`idiom dataset …`: the click group for datasets; `validate` lives here, `build` is added by harvest/cli.py."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import click

from harvest.errors import InputError

DEFAULT_MODEL = "gpt-4o-mini-2024-07-18"


@click.group("dataset")
def dataset_group() -> None:
    """Build, check and describe fine-tuning datasets."""


@dataset_group.command("validate")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--model", default=DEFAULT_MODEL, show_default=True,
              help="Fine-tunable OpenAI model whose limits and price to use.")
@click.option("--max-tokens", type=click.IntRange(min=1),
              help="Flag examples longer than this (default: the model's limit).")
@click.option("--epochs", type=click.IntRange(min=1), default=3, show_default=True,
              help="Epochs the cost estimate assumes.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON on stdout.")
def validate_command(path: Path, model: str, max_tokens: int | None, epochs: int, as_json: bool) -> None:
    """Check PATH (a JSONL file or a dataset folder) against OpenAI's fine-tuning format rules.

    Reports examples, estimated tokens (≈: OpenAI's tokenizer files cannot be downloaded here, so counts
    are estimates), examples over the token limit, and the estimated training cost. Exit 1 on any error,
    with one line on stderr that counts them.
    """
    from harvest.dataset.validate import validate_path

    report = validate_path(path, model, max_tokens, epochs)
    if as_json:
        click.echo(json.dumps({**dataclasses.asdict(report), "ok": report.ok}, indent=2))
    else:
        _print(report, path)
    errors = [line for f in report.files for line in f.errors]
    if errors:
        raise InputError(f"{path} is not a valid fine-tuning dataset: {len(errors)} error(s), the first: {errors[0]}")


def _print(report: object, root: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=f"validate for {report.model}")
    for column in ("file", "format", "examples", "tokens ≈", "max ≈", "over limit", "errors", "warnings"):
        table.add_column(column, justify="left" if column in ("file", "format") else "right")
    for f in report.files:
        shown = Path(f.path).relative_to(root).as_posix() if root.is_dir() else Path(f.path).name
        table.add_row(shown, f.format, str(f.examples), f"{f.tokens:,}", f"{f.max_tokens:,}", str(f.over_limit),
                      str(len(f.errors)), str(len(f.warnings)))
    console.print(table)
    for f in report.files:
        for line in f.errors:
            console.print(f"[red]error[/red] {line}", highlight=False)
        for line in f.warnings[:20]:
            console.print(f"[yellow]warning[/yellow] {line}", highlight=False)
    console.print(f"training tokens ≈ {report.train_tokens:,} × {report.epochs} epochs = {report.billed_tokens:,} "
                  f"billed ≈ ${report.cost_usd:.2f} (prices as of {report.price_as_of}; check current pricing)")
    if report.ok:
        console.print("[green]valid[/green]")
