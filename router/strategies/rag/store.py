"""Where the index lives: an embedded Chroma under `.idiom/index/`, or a Chroma server (`[index] url`).

The same code talks to both; collections are always opened with an explicit embedding function, so
chromadb never falls back to its default (which downloads a model). `idiom index` builds the embedded
store in a staging folder and swaps it in (router/strategies/rag/index.py); chromadb keeps one open
system per path in the process, so a reader opening a newer build than the one cached for its path
gets a fresh system, never the previous build's files.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import sqlite3
import struct
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from router.config import IndexConfig
from router.errors import IndexStoreError

if TYPE_CHECKING:  # chromadb is imported when a store is opened, not when the CLI or a reader starts
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

LOG = logging.getLogger(__name__)
SQLITE = "chroma.sqlite3"

_opened_builds: dict[str, str] = {}  # embedded store path → the index build its cached system was opened on
_opened_guard = threading.Lock()
_importing = threading.Lock()  # see _chromadb


def damaged(folder: Path, what: str) -> IndexStoreError:
    """The one-line error for an index that cannot be read: what is broken, how to rebuild it."""
    return IndexStoreError(f"the index at {folder} is damaged ({what}); rebuild it with `idiom index --rebuild`")


def client(config: IndexConfig, folder: Path, build: str | None = None) -> ClientAPI:
    """A Chroma client: HttpClient for `config.url`, else a PersistentClient in `folder/chroma`.

    `build` (a reader's: the index manifest's build id) makes sure the embedded store is opened afresh
    when the index was rebuilt since this process last opened it.
    """
    chromadb = _chromadb()
    settings = chromadb.Settings(anonymized_telemetry=False)
    if not config.url:
        path = str(folder / "chroma")
        if build is not None:
            _forget_stale(path, build)
        try:
            return chromadb.PersistentClient(path=path, settings=settings)
        except BaseException:
            _forget(path)  # chromadb caches a system before starting it: one that failed to start would stick
            raise
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


def _chromadb() -> ModuleType:
    """chromadb, with the embedding functions it is to know (embeddings.py), imported here and nowhere else:
    two threads importing it at once deadlock in its modules' import cycle (Python detects it and one import
    fails), and a store may open on its own thread (`LazyCollection`) while another re-indexes."""
    with _importing:
        import chromadb

        import router.strategies.rag.embeddings  # noqa: F401 - registers them with chromadb
    return chromadb


def collection_of(store: ClientAPI, name: str, model: str, create: bool = False) -> Collection:
    """The collection `name` in `store`, embedding with the function `model` stands for: never chromadb's
    default, which downloads a model. `create` makes it (for cosine distance) when it is not there."""
    # Imported by `client` already, under its lock.
    from router.strategies.rag.embeddings import embedding_function

    embed = embedding_function(model)
    if create:
        return store.get_or_create_collection(name, embedding_function=embed, metadata={"hnsw:space": "cosine"})
    return store.get_collection(name, embedding_function=embed)


class LazyCollection:
    """A collection opened on a thread of its own the first time it is asked for, so the asker goes on without
    it: a reader that needs Chroma only now and then (a wide search of a large index) does not make its first
    answer wait for chromadb's import and the store's opening. A failure is logged once and kept."""

    def __init__(self, open_collection: Callable[[], Collection]) -> None:
        self._open = open_collection
        self._guard = threading.Lock()
        self._thread: threading.Thread | None = None
        self._collection: Collection | None = None
        self._error: Exception | None = None

    def ready(self) -> Collection | None:
        """The collection if it is open; else None, and it is opening (or could not be opened)."""
        if self._thread is None:
            with self._guard:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="idiom-chroma-open", daemon=True)
                    self._thread.start()
        return self._collection

    def wait(self) -> Collection:
        """The collection, opened now if need be; what stopped it from opening is raised."""
        self.ready()
        assert self._thread is not None
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._collection is not None
        return self._collection

    def _run(self) -> None:
        try:
            self._collection = self._open()
        except Exception as exc:  # noqa: BLE001 - kept for `wait`; on this thread it would only be printed
            self._error = exc
            LOG.warning("%s (searching the index's own vectors instead)", str(exc).splitlines()[0] if str(exc)
                        else type(exc).__name__)


def _forget_stale(path: str, build: str) -> None:
    """Drop chromadb's cached system for `path` when it was opened on another build of the index.

    chromadb exposes only `clear_system_cache`, which drops every path's system, a writer's staging
    included; so this one entry is removed from its cache (`SharedSystemClient`) by hand. The old
    system is not stopped: a reader still holding it finishes on the files it opened.
    """
    with _opened_guard:
        if _opened_builds.get(path, build) != build:
            _forget(path)
        _opened_builds[path] = build


def _forget(path: str) -> None:
    from chromadb.api.shared_system_client import SharedSystemClient

    with SharedSystemClient._refcount_lock:
        SharedSystemClient._identifier_to_system.pop(path, None)
        SharedSystemClient._identifier_to_refcount.pop(path, None)


HNSW_HEADER = struct.Struct("<iQQQ")  # format version, level-0 offset, capacity, element count (hnswlib's order)
ELEMENT_BYTES = struct.Struct("<Q")  # next in the header: the bytes of one element of `data_level0.bin`


def zero_unused_slots(chroma: Path) -> None:
    """Zero what hnswlib wrote from memory it never initialised.

    Each HNSW segment's `length.bin`, and its `data_level0.bin` while the segment holds fewer elements than its
    capacity (below Chroma's first HNSW flush: none), are written at the index's whole capacity from buffers that
    are allocated and never zeroed, so the slots past the element count hold whatever this process's heap held
    before: document texts, paths, a key from an unscrubbed file the same process read (chroma-core/chroma#7688,
    open; found here by tests/harvest/test_planted_secrets.py, `length.bin` first, then `data_level0.bin`).
    hnswlib never reads those slots, so zeros change nothing but what the files give away. A header in a layout
    other than the one known here is left alone.
    """
    for header in chroma.glob("*/header.bin"):
        data = header.read_bytes()
        if len(data) < HNSW_HEADER.size + ELEMENT_BYTES.size:
            continue
        version, _, capacity, count = HNSW_HEADER.unpack_from(data)
        (element,) = ELEMENT_BYTES.unpack_from(data, HNSW_HEADER.size)
        if version != 1 or count > capacity:
            continue
        for name, slot in (("length.bin", 4), ("data_level0.bin", element)):
            _zero_past(header.with_name(name), capacity, count, slot)


def _zero_past(path: Path, capacity: int, count: int, slot: int) -> None:
    """Zero the slots of `path` past the first `count`, when it was written with all `capacity` slots of `slot`
    bytes (a file written only up to its count has nothing past it)."""
    if count == capacity or not slot or not path.is_file() or path.stat().st_size != capacity * slot:
        return
    with path.open("r+b") as out:
        out.seek(count * slot)
        out.write(bytes((capacity - count) * slot))


def copy_local(source: Path, target: Path) -> None:
    """Copy the embedded store in `source` (if there is one) to `target`; its SQLite database through
    SQLite's backup API, since readers in other processes may hold it open (and opening it writes to it)."""
    if not (source / SQLITE).is_file():
        return
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(f"{SQLITE}*"))
    try:
        with contextlib.closing(sqlite3.connect(f"{(source / SQLITE).resolve().as_uri()}?mode=ro", uri=True)) as old, \
                contextlib.closing(sqlite3.connect(target / SQLITE)) as new:
            old.backup(new)
    except sqlite3.DatabaseError as exc:
        raise damaged(source.parent, f"its Chroma database cannot be read: {exc}") from None


@contextlib.contextmanager
def chroma_errors(folder: Path) -> Iterator[None]:
    """Turn chromadb's errors about unreadable stored data into the one-line "damaged" error."""
    _chromadb()
    from chromadb.errors import ChromaError

    try:
        yield
    except ChromaError as exc:
        raise damaged(folder, f"Chroma: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
