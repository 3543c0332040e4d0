"""The database's tables as SQLAlchemy Core: what `router/database.py`'s callers read and write. The
same tables on SQLite and PostgreSQL; the Alembic revisions in `migrations/versions/` build them, and
tests/router/test_storage.py checks that what they build is what is declared here.

Times are ISO-8601 text (`now()`), as the SQLite-era log always stored them, so old and new rows sort and
compare alike on both databases."""

from __future__ import annotations

import time

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
)

HEAD = "0004"  # the newest revision in migrations/versions/: a database stamped with it needs no Alembic run

# Runs, requests and jobs name their repository in `repository`: "" in a repository's own SQLite file (all of
# it is that repository's), its folder name in a team's database, which holds several (router/database.py).

metadata = MetaData()

runs = Table(
    "runs", metadata,
    Column("id", Text, primary_key=True),
    Column("started_at", Text, nullable=False),
    Column("suite", Text, nullable=False),
    Column("suite_sha256", Text, nullable=False),
    Column("strategies", Text, nullable=False),  # comma-separated, in the order they ran
    Column("offline_model", Integer, nullable=False, server_default="0"),
    Column("repository", Text, nullable=False, server_default=""),  # see the note above `metadata`
)

results = Table(
    "results", metadata,
    Column("run_id", Text, ForeignKey("runs.id"), primary_key=True),
    Column("strategy", Text, primary_key=True),
    Column("case_id", Text, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("language", Text, nullable=False),
    Column("passed", Integer, nullable=False),
    Column("reasons", Text, nullable=False),  # JSON: every rule's verdict
    Column("model", Text, nullable=False),
    Column("model_version", Text, nullable=False),
    Column("input_tokens", Integer, nullable=False),
    Column("output_tokens", Integer, nullable=False),
    Column("cost_usd", Float),
    Column("latency_s", Float, nullable=False),
    Column("error", Text, nullable=False),
)

requests = Table(
    "requests", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("language", Text, nullable=False),
    Column("path", Text, nullable=False),
    Column("strategy", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("attempts", Text, nullable=False),  # JSON: each strategy tried, in order
    Column("input_tokens", Integer, nullable=False),
    Column("output_tokens", Integer, nullable=False),
    Column("cost_usd", Float),
    Column("latency_s", Float, nullable=False),
    Column("outcome", Text, nullable=False),
    Column("instruction", Text, nullable=False, server_default=""),  # scrubbed
    Column("completion", Text, nullable=False, server_default=""),  # scrubbed
    Column("developer", Text, nullable=False, server_default=""),  # a pseudonym per token on a team server
    Column("repository", Text, nullable=False, server_default=""),
    Index("requests_by_strategy", "strategy", "id"),  # the router reads recent costs per strategy
    Index("requests_by_repository", "repository", "strategy", "id"),  # and on a team's database, per repository
    sqlite_autoincrement=True,  # ids are never reused: feedback points at them
)

feedback = Table(
    "feedback", metadata,
    Column("id", Integer, primary_key=True),
    Column("request_id", Integer, ForeignKey("requests.id"), nullable=False),
    Column("at", Text, nullable=False),
    Column("outcome", Text, nullable=False),
    Column("final_text", Text, nullable=False),  # scrubbed
    Column("developer", Text, nullable=False, server_default=""),
    # The router counts the feedback on a repository's answers (router/statistics.py): without it, SQLite joins
    # the two tables by scanning every feedback row per request, quadratic in the log's length.
    Index("feedback_by_request", "request_id"),
    sqlite_autoincrement=True,
)

CHECKPOINTS_S = (30, 120, 600)  # seconds after acceptance at which the editor measures what is left of a completion
COMMITTED = ("yes", "no", "unknown")

# What became of an accepted completion (docs/roi.md#retained-code): its length, the characters of it still in
# the document at each checkpoint (a checkpoint the editor did not live to see holds the last measure, taken
# `tracked_s` after acceptance), and whether a commit harvested since added it.
retention = Table(
    "retention", metadata,
    Column("request_id", Integer, ForeignKey("requests.id"), primary_key=True),
    Column("accepted_at", Text, nullable=False),
    Column("characters", Integer, nullable=False),
    *(Column(f"retained_{seconds}s", Integer) for seconds in CHECKPOINTS_S),  # NULL until measured
    Column("tracked_s", Float, nullable=False, server_default="0"),
    Column("committed", Text, CheckConstraint(f"committed IN {COMMITTED}", name="retention_committed"),
           nullable=False, server_default="unknown"),
    Column("commit_sha", Text, nullable=False, server_default=""),
)

ROLES = ("developer", "lead")

tokens = Table(
    "tokens", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False, unique=True),
    Column("role", Text, CheckConstraint(f"role IN {ROLES}", name="tokens_role"), nullable=False),
    Column("repos", JSON, nullable=False),  # the repository names the token may use; [] = every one
    Column("token_sha256", Text, nullable=False, unique=True),  # the token itself is shown once, never stored
    Column("created_at", Text, nullable=False),
    Column("revoked_at", Text),
    sqlite_autoincrement=True,
)

JOB_STATES = ("queued", "running", "done", "failed")

jobs = Table(
    "jobs", metadata,
    Column("id", Text, primary_key=True),
    Column("kind", Text, nullable=False),  # what runs: validate, ...
    Column("repository", Text, nullable=False, server_default=""),
    Column("state", Text, CheckConstraint(f"state IN {JOB_STATES}", name="jobs_state"), nullable=False),
    Column("progress", Float, nullable=False, server_default="0"),  # 0..1
    Column("result", JSON),
    Column("error", Text, nullable=False, server_default=""),
    Column("created_at", Text, nullable=False),
    Column("started_at", Text),
    Column("finished_at", Text),
)


def now(seconds_ago: float = 0.0) -> str:
    """This moment (or the one `seconds_ago`) as the tables store it: the writer's local time, with its offset."""
    return time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(time.time() - seconds_ago))
