"""Where the index lives: an embedded Chroma under `.idiom/index/`, or a Chroma server (`[index] url`).

The same code talks to both; collections are always opened with an explicit embedding function, so
chromadb never falls back to its default (which downloads a model).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from router.config import IndexConfig
from router.errors import IndexStoreError


def client(config: IndexConfig, folder: Path) -> Any:
    """A Chroma client: HttpClient for `config.url`, else a PersistentClient in `folder/chroma`."""
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)
    if not config.url:
        return chromadb.PersistentClient(path=str(folder / "chroma"), settings=settings)
    parsed = urlparse(config.url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise IndexStoreError(f"[index] url = {config.url!r} is not an http(s)://host:port address")
    try:
        remote = chromadb.HttpClient(host=parsed.hostname, port=parsed.port or 8000, ssl=parsed.scheme == "https",
                                     settings=settings)
        remote.heartbeat()
    except Exception as exc:  # chromadb raises several transport errors; all mean "cannot reach it"
        raise IndexStoreError(f"cannot reach the Chroma server at {config.url} ({type(exc).__name__}); "
                              "start it (`chroma run --path DIR`) or clear [index] url") from None
    return remote


@contextlib.contextmanager
def writer_lock(folder: Path) -> Iterator[None]:
    """Hold the index's writer lock; a second writer fails at once instead of corrupting it."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexStoreError(f"{folder} is being indexed by another process (pid in {folder / '.lock'}); "
                                  "wait for it to finish") from None
        handle.write(str(os.getpid()))
        handle.flush()
        yield
