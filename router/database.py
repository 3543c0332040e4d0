"""`.idiom/idiom.db`: the SQLite database of validation runs and their results, and the request log
(every routed request: strategy, reason, attempts, tokens, cost, latency, outcome, and its scrubbed
instruction and completion) with the developer's feedback on it. Schema changes are numbered
migrations applied on open."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path

from harvest.store import Artifacts, ensure_home
from router.errors import RouterError

MIGRATIONS = (
    """CREATE TABLE runs (
        id TEXT PRIMARY KEY, started_at TEXT NOT NULL, suite TEXT NOT NULL, suite_sha256 TEXT NOT NULL,
        strategies TEXT NOT NULL, offline_model INTEGER NOT NULL DEFAULT 0)""",
    """CREATE TABLE results (
        run_id TEXT NOT NULL REFERENCES runs(id), strategy TEXT NOT NULL, case_id TEXT NOT NULL,
        kind TEXT NOT NULL, language TEXT NOT NULL, passed INTEGER NOT NULL, reasons TEXT NOT NULL,
        model TEXT NOT NULL, model_version TEXT NOT NULL, input_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL, cost_usd REAL, latency_s REAL NOT NULL, error TEXT NOT NULL,
        PRIMARY KEY (run_id, strategy, case_id))""",
    """CREATE TABLE requests (
        id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, kind TEXT NOT NULL, language TEXT NOT NULL,
        path TEXT NOT NULL, strategy TEXT NOT NULL, reason TEXT NOT NULL, attempts TEXT NOT NULL,
        input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, cost_usd REAL, latency_s REAL NOT NULL,
        outcome TEXT NOT NULL)""",
    "ALTER TABLE requests ADD COLUMN instruction TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE requests ADD COLUMN completion TEXT NOT NULL DEFAULT ''",
    """CREATE TABLE feedback (
        id INTEGER PRIMARY KEY AUTOINCREMENT, request_id INTEGER NOT NULL REFERENCES requests(id),
        at TEXT NOT NULL, outcome TEXT NOT NULL, final_text TEXT NOT NULL)""",
    "CREATE INDEX requests_by_strategy ON requests (strategy, id)",  # the router reads recent costs per request
)


def connect(repo: Path) -> sqlite3.Connection:
    """This thread's connection to the repository's database, migrated to the current schema.

    Opened once per thread and file: the language server touches the database several times per
    completion, and opening it (with the WAL's files) was most of the request log's cost.
    """
    ensure_home(repo)  # the database's folder, with its .gitignore
    path = Artifacts(repo).db
    opened: OrderedDict[Path, tuple[int, sqlite3.Connection]] = _per_thread.__dict__.setdefault("opened",
                                                                                                OrderedDict())
    try:
        inode = os.stat(path).st_ino
    except FileNotFoundError:
        inode = -1
    known = opened.pop(path, None)
    if known and known[0] == inode:
        opened[path] = known
        return known[1]
    if known:  # the file was replaced under us
        known[1].close()
    connection = _open(path)
    opened[path] = (os.stat(path).st_ino, connection)
    while len(opened) > OPEN_PER_THREAD:
        opened.popitem(last=False)[1][1].close()
    return connection


def _open(path: Path) -> sqlite3.Connection:
    try:
        return _migrated(path)
    except sqlite3.DatabaseError as exc:
        raise RouterError(f"{path} is not a usable Idiomatic database ({exc}); move it aside and run `idiom "
                          "validate` again (it holds validation results, the request log and feedback)") from None


def _migrated(path: Path) -> sqlite3.Connection:
    # The language server logs requests from several threads at once: WAL lets readers and one writer
    # proceed together, and the timeout waits out another writer instead of failing. In WAL mode
    # synchronous=NORMAL syncs at checkpoints, not on every commit: a crash of the process loses
    # nothing, a power cut may lose the last few log entries.
    connection = sqlite3.connect(path, timeout=30)
    connection.row_factory = sqlite3.Row
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    for number, statement in enumerate(MIGRATIONS[version:], version + 1):
        with connection:
            connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {number}")
    return connection


OPEN_PER_THREAD = 4  # databases a thread keeps open (tests switch between many)
_per_thread = threading.local()


@contextlib.contextmanager
def database(repo: Path) -> Iterator[sqlite3.Connection]:
    """The database for one transaction: committed on success, rolled back on error."""
    connection = connect(repo)
    with connection:
        yield connection


def latest_results(db: sqlite3.Connection, strategy: str) -> tuple[bool, list[sqlite3.Row]]:
    """The results of `strategy`'s latest validation run (case_id, passed, cost_usd, latency_s, kind), and
    whether that run was answered by a local model; (False, []) when it never ran."""
    run = db.execute("SELECT r.id, r.offline_model FROM runs r JOIN results x ON x.run_id = r.id "
                     "WHERE x.strategy = ? ORDER BY r.id DESC LIMIT 1", (strategy,)).fetchone()
    if run is None:
        return False, []
    rows = db.execute("SELECT case_id, passed, cost_usd, latency_s, kind FROM results WHERE run_id = ? "
                      "AND strategy = ?", (run[0], strategy)).fetchall()
    return bool(run[1]), rows
