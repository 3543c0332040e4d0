"""The strategy contract: what the router, `idiom generate`, validation and the editor call to answer a
request, whichever way the answer is made.

A strategy is a record of small functions, not a class to subclass:
- `missing(artifacts)` says why it cannot run in this repository yet ("" when it can), cheaply;
- `stamp(artifacts, config, index)` names the version of everything `load` reads (file identities and
  the settings it depends on), cheaply enough to compute on every request;
- `load(artifacts, config, index)` does the expensive part once (open the index, read the pairs, find
  the model) and returns a `Loaded`: the `Answer` that completes requests from what it loaded and, for a
  strategy with work a request can start before its turn comes (rag's retrieval and its prompt), that step.
- `refresh(artifacts, index, progress)`, for a strategy with artifacts of its own to keep up to date
  with the dataset (rag's index), brings them up to date and says what it did.
`router/strategies/loaded.py` holds loaded strategies and loads one again only when its stamp changes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path

from harvest.store import Artifacts
from router.config import IndexConfig, RouterConfig
from router.contracts import Completion, CompletionRequest

Answer = Callable[[CompletionRequest, RouterConfig], Completion]
Ahead = Callable[[CompletionRequest, RouterConfig], None]
Refresh = Callable[[Artifacts, IndexConfig, Callable[[int], None]], dict[str, float]]


@dataclass(frozen=True)
class Loaded:
    """A strategy loaded: how it answers, and what a request may start before a worker is free to answer it (the
    language server starts it on the edit before the request and as the request arrives; started work is only
    ever picked up by the answer, never required by it)."""

    answer: Answer
    ahead: Ahead | None = None


@dataclass(frozen=True)
class Strategy:
    """One way of answering a request; its name, summary and place are its line in registry.py."""

    missing: Callable[[Artifacts], str]
    stamp: Callable[[Artifacts, RouterConfig, IndexConfig], Hashable]
    load: Callable[[Artifacts, RouterConfig, IndexConfig], Loaded]
    refresh: Refresh | None = None


def file_stamp(path: Path) -> tuple[int, int, int]:
    """The identity of the file at `path` as it is now ((0, 0, 0) when absent). Artifacts are replaced by
    renaming a finished copy over the old one, so a new version always has a new inode or mtime."""
    try:
        found = os.stat(path)
    except OSError:
        return (0, 0, 0)
    return (found.st_ino, found.st_mtime_ns, found.st_size)
