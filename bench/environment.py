"""The bench's own process while it measures: its environment replaced for a while (in-process calls of the
product then see the same IDIOM_* settings, IDIOM_HOME above all, as the `idiom` commands the bench ran), and
its garbage collector paused while it loads a server with many clients."""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator


@contextlib.contextmanager
def replaced_environment(values: dict[str, str]) -> Iterator[None]:
    """`os.environ` is exactly `values` inside the block, and what it was after it."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def paused_collector() -> Iterator[None]:
    """No garbage collection in this process inside the block, where its clients load a server. A full
    collection paused every client at once, and each request in flight counted the pause as the server's time:
    a run's slowest requests came in bursts of consecutive ones (bench/api_bench.py, 5 Dec). What the clients
    leave for the collector is freed after the block."""
    gc.collect()
    gc.freeze()  # what exists now is never garbage during the load
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.unfreeze()
