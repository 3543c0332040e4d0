"""A team server's background jobs (a validation run a lead started): queued, running with its
progress, then done with a result or failed with an error. Stored, so a client polling for a job's
state may ask any process of the server, and a restarted server knows what it left unfinished."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from router.storage.schema import jobs, now


@dataclass(frozen=True)
class Job:
    id: str
    kind: str
    repository: str
    state: str  # schema.JOB_STATES
    progress: float  # 0..1
    result: Any
    error: str
    created_at: str
    started_at: str | None
    finished_at: str | None


def create_job(db: Connection, kind: str, repository: str) -> str:
    """A queued job of `kind` on `repository`; its id."""
    job_id = uuid.uuid4().hex
    db.execute(jobs.insert(), {"id": job_id, "kind": kind, "repository": repository, "state": "queued",
                               "created_at": now()})
    return job_id


def start_job(db: Connection, job_id: str) -> None:
    db.execute(update(jobs).where(jobs.c.id == job_id).values(state="running", started_at=now()))


def set_progress(db: Connection, job_id: str, progress: float) -> None:
    db.execute(update(jobs).where(jobs.c.id == job_id).values(progress=min(max(progress, 0.0), 1.0)))


def finish_job(db: Connection, job_id: str, result: Any = None, error: str = "") -> None:
    """Done with `result` (JSON-shaped), or failed with `error`."""
    db.execute(update(jobs).where(jobs.c.id == job_id).values(
        state="failed" if error else "done", progress=1.0 if not error else jobs.c.progress, result=result,
        error=error, finished_at=now()))


def abandon_unfinished(db: Connection, reason: str) -> int:
    """Mark every queued or running job failed with `reason` (a server starting after a crash); how many."""
    return db.execute(update(jobs).where(jobs.c.state.in_(("queued", "running")))
                      .values(state="failed", error=reason, finished_at=now())).rowcount


def job(db: Connection, job_id: str) -> Job | None:
    row = db.execute(select(jobs).where(jobs.c.id == job_id)).first()
    return Job(**row._mapping) if row else None
