"""`idiom roi`: write the ROI report and print where it is."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command("roi")
@click.argument("repo", type=click.Path(path_type=Path, file_okay=False), default=".")
@click.option("--json", "as_json", is_flag=True, help="Print the report's data as JSON.")
def roi_command(repo: Path, as_json: bool) -> None:
    """Compare the strategies' cost, pass rate and value at the team's volume ([roi] assumptions): a
    self-contained HTML report with charts, Markdown and JSON under .idiom/reports/."""
    from router.config import load_roi_config
    from router.reports.report import write_report

    paths = write_report(repo, load_roi_config(repo))
    if as_json:
        click.echo(paths["json"].read_text(encoding="utf-8"))
        return
    data = json.loads(paths["json"].read_text(encoding="utf-8"))
    click.echo(data["recommendation"])
    if data["offline_model"]:
        click.echo("(from a local model: with the tiny offline model these figures check the pipeline, not a model)")
    click.echo(f"report: {paths['html']} (also {paths['md'].name}, {paths['json'].name})")
