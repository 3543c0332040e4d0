"""What is known of each strategy for a kind of request: its latest validation results, plus the
developers' feedback on its answers (accepted counts as a pass, by the share of it retained: router/feedback.py),
and its mean cost per call.

The router asks on every request, and each answer takes several queries (the feedback since the settled part,
router/feedback.py; each strategy's latest run; recent costs), so a reading is kept for FRESH_S seconds:
feedback and retained code count within FRESH_S (a team server takes feedback many times a second), and so does
another process's validation run; a validation run in this process counts at once."""

from __future__ import annotations

from pathlib import Path
from time import monotonic

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection

from router.database import database, database_url, latest_results
from router.feedback import feedback_counts
from router.policy import Measured
from router.storage.location import exists, repository_key
from router.storage.schema import requests

RECENT_COSTS = 200  # logged answers whose mean cost stands in for a strategy with no validation costs
FRESH_S = 1.0  # how old a reading of the statistics a request routes by may be

# (database, repository, kind, strategies) → (when read, the reading)
_readings: dict[tuple[str, str, str, tuple[str, ...]], tuple[float, list[Measured]]] = {}


def measured(repo: Path, kind: str, strategies: list[str]) -> list[Measured]:
    """Each strategy's latest validation results for `kind` (all kinds when the suite has none of it),
    plus the developers' feedback on its answers (as read at most FRESH_S ago: see above)."""
    if not exists(repo):
        return []
    repository = repository_key(repo)
    key = (database_url(repo), repository, kind, tuple(strategies))
    now = monotonic()
    held = _readings.get(key)
    if held is not None and now - held[0] < FRESH_S:
        return list(held[1])
    found = _measure(repo, repository, kind, strategies)
    _readings[key] = (now, found)
    return list(found)


def forget_readings() -> None:
    """Read the statistics again at the next request: this process has just stored a validation run."""
    _readings.clear()


def _measure(repo: Path, repository: str, kind: str, strategies: list[str]) -> list[Measured]:
    found = []
    with database(repo) as db:
        used = feedback_counts(db, repository, kind)
        for name in strategies:
            _, rows = latest_results(db, repository, name)
            chosen = [r for r in rows if r["kind"] == kind] or rows
            accepted, answered = used.get(name, (0, 0))
            if not (chosen or answered):
                continue
            costs = [r["cost_usd"] for r in chosen if r["cost_usd"] is not None]
            mean_cost = sum(costs) / len(costs) if costs else _recent_mean_cost(db, repository, name)
            found.append(Measured(name, sum(r["passed"] for r in chosen) + accepted, len(chosen) + answered,
                                  mean_cost or 0.0))
    return found


_RECENT = (select(requests.c.cost_usd)
           .where(requests.c.repository == bindparam("repository"), requests.c.strategy == bindparam("strategy"),
                  requests.c.cost_usd.is_not(None))
           .order_by(requests.c.id.desc()).limit(RECENT_COSTS).subquery())
RECENT_MEAN_COST = select(func.avg(_RECENT.c.cost_usd))  # built once: asked on every request


def _recent_mean_cost(db: Connection, repository: str, strategy: str) -> float | None:
    """The mean cost of `strategy`'s last RECENT_COSTS logged answers in `repository` that have one."""
    return db.execute(RECENT_MEAN_COST, {"repository": repository, "strategy": strategy}).scalar()
