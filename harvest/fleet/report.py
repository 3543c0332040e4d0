"""The summary of `idiom harvest --repos`: a table with a row per repository, or the same as `--json`."""

from __future__ import annotations

import dataclasses
import json
import sys

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from harvest.fleet.command import FleetSummary


def fleet_json(summary: FleetSummary) -> str:
    """Per repository: status, error, seconds, counts, peak memory; then the merged dataset."""
    return json.dumps(dataclasses.asdict(summary), indent=2)


def print_fleet(summary: FleetSummary) -> None:
    """The table on stdout; a failure that was a bug gets its traceback on stderr after it."""
    table = Table(title=f"{len(summary.repositories)} repositories" + (f" on Ray at {summary.ray}" if summary.ray else ""))
    for column in ("repository", "status", "seconds", "commits", "files", "pairs", "peak MB"):
        table.add_column(column, justify="left" if column in ("repository", "status") else "right")
    for result in summary.repositories:
        counts = result.counts
        status = "ok" if result.status == "ok" else f"[red]failed[/red]: {escape(result.error)}"
        table.add_row(escape(result.repository), status, f"{result.seconds:.1f}", str(counts.get("commits", "")),
                      str(counts.get("files", "")), str(counts.get("pairs", "")), f"{result.peak_memory_mb:.0f}")
    console = Console()
    console.print(table)
    if summary.merged:
        merged = summary.merged
        console.print(f"merged {len(merged.repositories)} datasets into {escape(merged.output)}: "
                      + ", ".join(f"{split} {merged.pairs.get(split, 0)}" for split in ("train", "eval", "test"))
                      + f" pairs ({merged.dropped_across} dropped for repeating another repository's held-out pair)")
    if summary.skipped_from_merge:
        console.print(f"not merged (failed): {', '.join(summary.skipped_from_merge)}")
    console.print(f"{len(summary.repositories) - summary.failed} harvested, {summary.failed} failed "
                  f"in {summary.seconds} s")
    for result in summary.repositories:
        if result.bug:
            print(f"{result.repository}: {result.bug}", file=sys.stderr)
