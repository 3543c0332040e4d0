"""One SQLAlchemy engine per database URL, migrated to the newest schema when it is first opened.

SQLite (a file per repository, `.idiom/idiom.db`) or PostgreSQL (`postgresql+psycopg://…`, a team's). The
language server logs requests from several threads: an engine is made once per process and URL and
pools its connections, so a request pays a checkout, not an open. A database already at the newest
revision is recognised by one query, without loading Alembic.
"""

from __future__ import annotations

import functools
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.engine import URL, Connection
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from harvest.errors import ConfigError
from router.errors import RouterError
from router.storage.schema import HEAD

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

SQLITE_BUSY_TIMEOUT_S = 30  # a writer waits out another writer this long instead of failing
OPEN_ENGINES = 8  # databases one process keeps open (tests and a team server switch between several)
MIGRATION_LOCK = 0x1D10_0001  # PostgreSQL advisory lock: one process migrates at a time
MIGRATIONS = "router.storage:migrations"  # the Alembic scripts, found in the installed package

_engines: OrderedDict[str, tuple[Path | None, int, Engine]] = OrderedDict()
_lock = threading.Lock()


@functools.lru_cache(maxsize=256)
def sqlite_url(path: Path) -> str:
    """The URL of the SQLite database file `path`."""
    return URL.create("sqlite", database=str(path)).render_as_string()


def engine_for(url: str) -> Engine:
    """The engine for `url`, opened and migrated on first use in this process (and again when its SQLite
    file was replaced under it); a database that cannot be opened or migrated is a RouterError."""
    with _lock:
        known = _engines.pop(url, None)
        if known and known[1] == _identity(known[0]):
            _engines[url] = known
            return known[2]
        if known:  # the file was replaced (a test's fresh home, a restored backup): its pool points at the old one
            known[2].dispose()
        path, made = _open(url)
        _engines[url] = (path, _identity(path), made)
        while len(_engines) > OPEN_ENGINES:
            _engines.popitem(last=False)[1][2].dispose()
        return made


def _identity(path: Path | None) -> int:
    if path is None:
        return 0
    try:
        return os.stat(path).st_ino
    except FileNotFoundError:
        return -1


def _open(url: str) -> tuple[Path | None, Engine]:
    try:
        parsed = make_url(url)
    except ArgumentError:
        parsed = None
    if parsed is None or parsed.get_backend_name() not in ("sqlite", "postgresql"):  # the message hides a password
        raise ConfigError(f"{shown(url)} is not a database Idiomatic can use: [team] database_url takes "
                          "postgresql+psycopg://USER:PASSWORD@HOST:PORT/DATABASE (or is empty for .idiom/idiom.db)")
    if parsed.drivername == "postgresql":  # SQLAlchemy's default driver for it is psycopg2, which is not installed
        parsed = parsed.set(drivername="postgresql+psycopg")
    path = Path(parsed.database) if parsed.get_backend_name() == "sqlite" and parsed.database else None
    if path is not None:
        made = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False})
        event.listen(made, "connect", _sqlite_settings)
    else:
        made = create_engine(parsed, pool_pre_ping=True)  # a team server outlives database restarts
    try:
        migrate(made)
    except SQLAlchemyError as exc:
        made.dispose()
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        if path is not None:
            raise RouterError(f"{path} is not a usable Idiomatic database ({reason}); move it aside and run "
                              "`idiom validate` again (it holds validation results, the request log and "
                              "feedback)") from None
        raise RouterError(f"cannot use the team database {shown(url)} ({reason}); check [team] database_url in "
                          "your config.toml (or IDIOM_TEAM_DATABASE_URL) and that the server is up") from None
    return path, made


def shown(url: str) -> str:
    """`url` with its password masked, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "the database URL"


def _sqlite_settings(connection: Any, _record: Any) -> None:
    # WAL lets readers and one writer proceed together. In WAL mode synchronous=NORMAL syncs at
    # checkpoints, not on every commit: a crash of the process loses nothing, a power cut may lose the
    # last few log entries.
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")


def revision(connection: Connection) -> str:
    """The schema revision the database is at ("" before the first)."""
    if not inspect(connection).has_table("alembic_version"):
        return ""
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar() or ""


def migrate(engine: Engine) -> None:
    """Bring the database to the newest schema, keeping every row; several processes may open it at once."""
    with engine.connect() as connection:
        if revision(connection) == HEAD:
            return
        connection.rollback()
        if engine.dialect.name == "sqlite":  # the write lock first, so a second opener waits, then finds it done
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        from alembic import command

        config = alembic_config()
        config.attributes["connection"] = connection  # migrations/env.py runs on it, inside the lock
        command.upgrade(config, "head")
        connection.commit()


def alembic_config() -> AlembicConfig:
    """Alembic's configuration for the shipped migrations, without an alembic.ini (for `command.revision`
    too: see docs/team.md#migrations-run-on-open)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    config.set_main_option("path_separator", "os")
    return config
