"""The door to the database every caller uses: validation runs and their results, and the request log
(every routed request: strategy, reason, attempts, tokens, cost, latency, outcome, and its scrubbed
instruction and completion) with the developers' feedback on it.

Where it lives: `[team] database_url` (a team's PostgreSQL, from the user's own config or the
environment), else `.idiom/idiom.db` in the repository's artifact folder. The tables are
router/storage/schema.py; engines and migrations router/storage/engines.py. Functions that only read or
write take a `Connection`, so a server holding its own engine uses them as the editor's path does."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, RowMapping, bindparam, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from harvest.store import Artifacts, ensure_home
from router.config import load_team_config
from router.errors import RouterError
from router.storage.engines import engine_for, shown, sqlite_url
from router.storage.location import served_url
from router.storage.schema import results, runs


def database_url(repo: Path) -> str:
    """The URL of `repo`'s database: a team server's, else the team's when one is configured, else its
    `.idiom/idiom.db`."""
    return served_url(repo) or load_team_config().database_url or sqlite_url(Artifacts(repo).db)


def engine(repo: Path) -> Engine:
    """The engine of `repo`'s database, made (and migrated) on first use."""
    team = served_url(repo) or load_team_config().database_url
    if not team:
        ensure_home(repo)  # the database's folder, with its .gitignore
    return engine_for(team or sqlite_url(Artifacts(repo).db))


@contextlib.contextmanager
def database(repo: Path) -> Iterator[Connection]:
    """`repo`'s database for one transaction: committed on success, rolled back on error. A database that
    fails under it (a team's server gone, a SQLite file locked past the timeout) is a RouterError."""
    try:
        with engine(repo).begin() as connection:
            yield connection
    except OperationalError as exc:
        reason = str(exc.orig or exc).strip().splitlines()[0]
        raise RouterError(f"the database {shown(database_url(repo))} failed ({reason}); check that it is up and "
                          "not held by another program, then try again") from None


# Built once: the router asks these on every request, and building a statement costs more than running it.
LATEST_RUN = (select(runs.c.id, runs.c.offline_model).join(results, results.c.run_id == runs.c.id)
              .where(runs.c.repository == bindparam("repository"), results.c.strategy == bindparam("strategy"))
              .order_by(runs.c.id.desc()).limit(1))
RUN_RESULTS = (select(results.c.case_id, results.c.passed, results.c.cost_usd, results.c.latency_s, results.c.kind)
               .where(results.c.run_id == bindparam("run_id"), results.c.strategy == bindparam("strategy")))


def latest_results(db: Connection, repository: str, strategy: str) -> tuple[bool, list[RowMapping]]:
    """The results of `strategy`'s latest validation run of `repository` (case_id, passed, cost_usd,
    latency_s, kind), and whether that run was answered by a local model; (False, []) when it never ran."""
    run = db.execute(LATEST_RUN, {"repository": repository, "strategy": strategy}).first()
    if run is None:
        return False, []
    rows = db.execute(RUN_RESULTS, {"run_id": run.id, "strategy": strategy})
    return bool(run.offline_model), list(rows.mappings())
