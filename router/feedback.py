"""Learning from use: what developers did with routed answers.

`accepted`, `rejected` or `edited` (with the text they kept) is recorded against a logged request.
Per (kind, strategy), accepted answers count as passes and the others as failures, added to the
validation results the policy reads (a Beta posterior with a uniform prior, summarised by its counts). An
accepted answer the editor followed counts by the share of its characters retained at its latest
checkpoint (router/retention.py): accepted and then deleted is no pass.
Rejected and edited answers, with what the developer kept, become candidate examples and training
pairs that a person reviews (`idiom feedback export`). All text is scrubbed before it is stored.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Iterator
from pathlib import Path
from time import monotonic
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Engine,
    Float,
    Row,
    bindparam,
    case,
    cast,
    func,
    select,
)
from sqlalchemy.engine import Connection

from harvest.errors import InputError
from router.database import database
from router.storage.location import exists, repository_key
from router.storage.schema import CHECKPOINTS_S, feedback, now, requests, retention

OUTCOMES = ("accepted", "rejected", "edited")

# Feedback has settled once the retained share of its answer can no longer change (the editor's last checkpoint
# is 10 minutes after acceptance). A process counts settled feedback once and keeps the counts, so a reading of
# the statistics reads only the feedback since. Two days, not 10 minutes: `at` is each writer's local time, and
# the writers of a team's database may be up to 26 hours apart; compared as text, two days ago in one zone is
# still more than 20 hours ago in any other.
SETTLED_S = 2 * 24 * 3600.0
SETTLE_EVERY_S = 600.0  # how often a process adds newly settled feedback to its counts (a pass over the log)

# Built once: the router reads the counts on every request.
REQUEST_EXISTS = select(requests.c.id).where(requests.c.id == bindparam("request_id"),
                                             requests.c.repository == bindparam("repository"))
LATEST_RETAINED = func.coalesce(*(retention.c[f"retained_{s}s"] for s in reversed(CHECKPOINTS_S)))
RETAINED_SHARE = func.coalesce(cast(LATEST_RETAINED, Float) / func.nullif(retention.c.characters, 0), 1.0)


def _counts(*among: ColumnElement[bool]) -> Any:
    """Per (strategy, kind) of a repository's answered requests: accepted (weighted by the share retained) and
    all the feedback on them, of the feedback rows `among` selects. The rows are chosen first (a materialized
    CTE): left to itself, the planner starts from every request of the repository, whatever the range."""
    chosen = (select(feedback.c.request_id, feedback.c.outcome).where(*among)
              .cte("chosen").prefix_with("MATERIALIZED"))
    return (select(requests.c.strategy, requests.c.kind,
                   func.sum(case((chosen.c.outcome == "accepted", RETAINED_SHARE), else_=0.0)), func.count())
            .select_from(chosen.join(requests, requests.c.id == chosen.c.request_id)
                         .outerjoin(retention, retention.c.request_id == requests.c.id))
            .where(requests.c.repository == bindparam("repository"), requests.c.outcome == "answered")
            .group_by(requests.c.strategy, requests.c.kind))


COUNTS_BETWEEN = _counts(feedback.c.id > bindparam("after"), feedback.c.id <= bindparam("upto"))
COUNTS_AFTER = _counts(feedback.c.id > bindparam("after"))
# Walks the ids down from the newest, so it reads only the feedback since `before`.
NEWEST_SETTLED = (select(feedback.c.id).where(feedback.c.at < bindparam("before"))
                  .order_by(feedback.c.id.desc()).limit(1))
Tally = dict[tuple[str, str], tuple[float, int]]  # (strategy, kind) → (accepted, weighted; answers with feedback)
# engine → repository → (when last settled, the newest settled feedback id counted, the counts up to it); an
# engine made again for a replaced database file starts afresh.
_settled: weakref.WeakKeyDictionary[Engine, dict[str, tuple[float, int, Tally]]] = weakref.WeakKeyDictionary()


def record_feedback(repo: Path, request_id: int, outcome: str, final_text: str = "", developer: str = "") -> None:
    """Store what the developer (a pseudonymous id on a team server) did with the answer to `request_id`."""
    check_outcome(outcome)
    if not exists(repo):  # nothing was logged, so nothing to make here
        raise InputError(f"no request {request_id}: {repo} has no request log yet (`idiom generate` and the editor "
                         "log the requests they answer)")
    with database(repo) as db:
        if db.execute(REQUEST_EXISTS, {"request_id": request_id, "repository": repository_key(repo)}).first() is None:
            raise InputError(f"no request {request_id} in the request log of {repo}")
        store_feedback(db, request_id, outcome, final_text, developer)


def check_outcome(outcome: str) -> None:
    """An InputError naming the valid outcomes, for any other."""
    if outcome not in OUTCOMES:
        raise InputError(f"feedback outcome {outcome!r}; valid: {', '.join(OUTCOMES)}")


def store_feedback(db: Connection, request_id: int, outcome: str, final_text: str, developer: str) -> None:
    """The feedback row on the logged request `request_id`, which the caller has found (in the same transaction,
    so a team server checks and stores in one)."""
    from harvest.scrub import STRICT, scrub

    check_outcome(outcome)
    # A kept line marked `pragma: allowlist secret` is scrubbed too: candidates become training pairs.
    kept = scrub(final_text, profile=STRICT).text
    db.execute(feedback.insert(), {"request_id": request_id, "at": now(), "outcome": outcome, "final_text": kept,
                                   "developer": developer})


def feedback_counts(db: Connection, repository: str, kind: str) -> dict[str, tuple[float, int]]:
    """strategy → (accepted, weighted by the share retained; answers with feedback) for `repository`'s requests
    of `kind` (all kinds when it has none)."""
    held = _settled.setdefault(db.engine, {})
    when, counted, settled = held.get(repository, (-SETTLE_EVERY_S, 0, {}))
    if monotonic() - when >= SETTLE_EVERY_S:  # the planner walks every request of the repository to settle a range
        newest = db.execute(NEWEST_SETTLED, {"before": now(SETTLED_S)}).scalar() or 0
        if newest > counted:
            rows = db.execute(COUNTS_BETWEEN, {"repository": repository, "after": counted, "upto": newest})
            counted, settled = newest, _added(settled, rows)
        held[repository] = (monotonic(), counted, settled)
    tally = _added(settled, db.execute(COUNTS_AFTER, {"repository": repository, "after": counted}))
    chosen = {key: value for key, value in tally.items() if key[1] == kind} or tally
    counts: dict[str, tuple[float, int]] = {}
    for (strategy, _), (accepted, total) in chosen.items():
        before = counts.get(strategy, (0.0, 0))
        counts[strategy] = (before[0] + accepted, before[1] + total)
    return counts


def _added(tally: Tally, rows: Iterable[Row[Any]]) -> Tally:
    """`tally` plus the counts of `rows` (strategy, kind, accepted, total), as a new tally."""
    added = dict(tally)
    for strategy, kind, accepted, total in rows:
        before = added.get((strategy, kind), (0.0, 0))
        added[(strategy, kind)] = (before[0] + float(accepted or 0), before[1] + total)
    return added


def candidates(repo: Path) -> Iterator[dict[str, Any]]:
    """Rejected and edited answers with what the developer kept: review them before using them."""
    if not exists(repo):  # reading must not make an empty database
        return
    with database(repo) as db:
        rows = db.execute(select(requests.c.id, requests.c.kind, requests.c.language, requests.c.path,
                                 requests.c.strategy, requests.c.instruction, requests.c.completion,
                                 feedback.c.outcome, feedback.c.final_text)
                          .select_from(feedback.join(requests, requests.c.id == feedback.c.request_id))
                          .where(requests.c.repository == repository_key(repo), feedback.c.outcome != "accepted",
                                 feedback.c.final_text != "")
                          .order_by(feedback.c.id)).all()
    for row in rows:
        yield {"request": row[0], "kind": row[1], "language": row[2], "path": row[3], "strategy": row[4],
               "prompt": row[5], "completion": row[8], "rejected": row[6], "outcome": row[7]}
