"""A saved file read in place: the index's unit texts (router/strategies/rag/index.py `UnitTexts`) and the
code graph's facts (harvest/graph/graph.py `LazyFacts`) are read a few records at a time, by offset, from
files of tens of megabytes; mapped, the pages never asked for are never read."""

from __future__ import annotations

import mmap
import os
from pathlib import Path


def mapped(path: Path) -> bytes | mmap.mmap:
    """The bytes of `path`, mapped read-only (an empty file, which cannot be mapped, as b"")."""
    with path.open("rb") as file:
        if not os.fstat(file.fileno()).st_size:
            return b""
        return mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
