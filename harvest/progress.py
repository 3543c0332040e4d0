"""Progress display for long harvest stages: rich bars on stderr (count, rate, elapsed and remaining time),
silent when stderr is not a terminal."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class RateColumn(ProgressColumn):
    """Items a second, once rich has measured some (blank before)."""

    def render(self, task: Task) -> Text:
        return Text(f"{task.speed:,.0f}/s" if task.speed else "", style="progress.data.speed")


def columns() -> tuple[ProgressColumn, ...]:
    """What a bar shows: the stage, the bar, done of total, items a second, time spent and time left."""
    return (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), RateColumn(), TimeElapsedColumn(),
            TimeRemainingColumn())


@contextmanager
def progress_bar(enabled: bool) -> Iterator[Progress]:
    """A rich progress display on stderr; disabled when `enabled` is false or stderr is not a terminal."""
    console = Console(stderr=True)
    with Progress(*columns(), console=console, transient=True,
                  disable=not (enabled and console.is_terminal)) as bar:
        yield bar
