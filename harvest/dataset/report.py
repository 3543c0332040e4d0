"""Printing what a dataset build produced: units, pairs per kind and split, what was dropped, top conventions."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from harvest.dataset.build import DatasetSummary

TOP_CONVENTIONS = 8


def print_dataset(summary: DatasetSummary) -> None:
    """Tables for people: counts by kind and split, drops by reason, the strongest conventions."""
    console = Console()
    units = ", ".join(f"{kind} {n}" for kind, n in summary.units.items()) or "none"
    console.print(f"[bold]units[/bold] {sum(summary.units.values())}: {units}")
    if summary.graph:
        graph = summary.graph
        console.print(f"[bold]code graph[/bold] {graph['files']} files, {graph['definitions']} definitions; imports: "
                      f"{graph['imports_in_repo']} resolved to repository files, {graph['imports_elsewhere']} "
                      "third-party or unresolved")
    pairs = Table(title=f"pairs of {summary.name}")
    for column in ("kind", "train", "eval", "test"):
        pairs.add_column(column, justify="left" if column == "kind" else "right")
    totals = dict.fromkeys(("train", "eval", "test"), 0)
    for kind, splits in summary.pairs.items():
        pairs.add_row(kind, *(str(splits.get(s, 0)) for s in totals))
        for split in totals:
            totals[split] += splits.get(split, 0)
    pairs.add_row("[bold]all[/bold]", *(f"[bold]{n}[/bold]" for n in totals.values()))
    console.print(pairs)
    if summary.fim_spans:
        spans = ", ".join(f"{span} {row['psm']}/{row['spm']}" for span, row in summary.fim_spans.items())
        languages = ", ".join(f"{language} " + "/".join(str(n) for n in row.values())
                              for language, row in summary.fim_languages.items())
        console.print(f"[bold]fim[/bold] by span (PSM/SPM): {spans}; by language (train/eval/test): {languages}")
    dropped = "; ".join(f"{stage}: " + ", ".join(f"{reason} {n}" for reason, n in reasons.items())
                        for stage, reasons in summary.rejected.items())
    console.print(f"[bold]dropped[/bold] {dropped or 'nothing'}")
    if summary.formatted.get("formatted") or summary.formatted.get("failed"):
        console.print(f"[bold]formatted[/bold] {summary.formatted}")
    proposed = [c for c in summary.conventions if c["status"] == "proposed"]
    table = Table(title=f"top conventions ({len(proposed)} proposed, "
                        f"{len(summary.conventions) - len(proposed)} candidates)")
    for column in ("rule", "convention", "evidence"):
        table.add_column(column)
    for rule in proposed[:TOP_CONVENTIONS]:
        table.add_row(rule["id"], rule["message"],
                      f"{rule['followed']}/{rule['support']} ({rule['confidence']:.0%})")
    console.print(table)
    console.print(f"wrote {summary.output} in {summary.seconds} s")
