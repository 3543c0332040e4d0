"""The environment of the bench's own process, replaced for a while: in-process calls of the product then
see the same IDIOM_* settings (IDIOM_HOME above all) as the `idiom` commands the bench ran."""

from __future__ import annotations

import contextlib
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
