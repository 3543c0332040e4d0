"""The `idiom` command's entry point (also `python -m server`): the CLI, started without the cyclic
garbage collector's passes over its own imports."""

from __future__ import annotations

import gc


def main() -> None:
    """Import the CLI with the collector paused, then run it.

    Importing the CLI allocates objects (modules, classes, functions) that live as long as the process; the
    collector's full passes over them while they pile up find nothing to free (two of them, 75 ms of every
    start, measured under `idiom serve`). Frozen afterwards, the command's own collections skip them too.
    """
    gc.disable()
    from server.cli import main as run_cli

    gc.freeze()
    gc.enable()
    run_cli()
