"""Storage on SQLite and a real PostgreSQL: every test that takes `storage_url` runs on both (tests/conftest.py
starts a throwaway cluster). The request log, feedback and validation runs go through the functions the
router, the feedback command and the ROI report use; the schema is what the shipped migrations build."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, inspect, select

import router.statistics
import router.storage.tokens
from harvest.errors import ConfigError, InputError
from router.database import database, database_url, engine, latest_results
from router.errors import RouterError
from router.feedback import candidates, feedback_counts, record_feedback
from router.reports.report import latest_figures, run_history, usage
from router.retention import (
    match_commits,
    record_retention,
    retained_summary,
    start_retention,
)
from router.statistics import measured
from router.storage import schema
from router.storage.engines import (
    alembic_config,
    engine_for,
    revision,
    shown,
    sqlite_url,
)
from router.storage.jobs import (
    abandon_unfinished,
    create_job,
    finish_job,
    job,
    set_progress,
    start_job,
)
from router.storage.location import repository_key
from router.storage.tokens import (
    RecentTokens,
    all_tokens,
    create_token,
    revoke_token,
    token_for,
)
from server.cli import idiom

REPO_ROOT = Path(__file__).resolve().parents[2]

# The SQLite-era migrations exactly as router/database.py applied them (PRAGMA user_version 1 to 7).
OLD_MIGRATIONS = (
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
    "CREATE INDEX requests_by_strategy ON requests (strategy, id)",
)


def a_request(strategy: str = "rag", kind: str = "component", cost: float | None = 0.01) -> dict:
    return {"at": schema.now(), "kind": kind, "language": "tsx", "path": "src/A.tsx", "strategy": strategy,
            "reason": "r", "attempts": "[]", "input_tokens": 90, "output_tokens": 10, "cost_usd": cost,
            "latency_s": 0.2, "outcome": "answered", "instruction": "make A", "completion": "const A = 1"}


def logged(repo: Path, count: int, **fields) -> list[int]:
    row = {**a_request(**fields), "repository": repository_key(repo)}
    with database(repo) as db:
        return [int(db.execute(schema.requests.insert(), row).inserted_primary_key[0]) for _ in range(count)]


def counts_of(repo: Path, kind: str) -> dict[str, tuple[int, int]]:
    with database(repo) as db:
        return feedback_counts(db, repository_key(repo), kind)


def stored_run(repo: Path, run_id: str, passes: dict[str, int], cases: int = 10, offline: bool = False) -> None:
    with database(repo) as db:
        db.execute(schema.runs.insert().values(id=run_id, started_at=schema.now(), suite="s", suite_sha256="x",
                                               strategies=",".join(passes), offline_model=int(offline),
                                               repository=repository_key(repo)))
        db.execute(schema.results.insert(), [
            {"run_id": run_id, "strategy": name, "case_id": f"c{n}", "kind": "component", "language": "tsx",
             "passed": int(n < passed), "reasons": "[]", "model": "m", "model_version": "", "input_tokens": 9,
             "output_tokens": 9, "cost_usd": 0.002, "latency_s": 0.1 * (n + 1), "error": ""}
            for name, passed in passes.items() for n in range(cases)])


def test_the_database_is_the_team_one_when_configured_else_the_repositorys(tmp_path: Path, storage_url: str) -> None:
    repo = tmp_path / "repo"
    assert database_url(repo) == storage_url
    with engine(repo).connect() as db:
        assert revision(db) == schema.HEAD


def test_the_request_log_feedback_and_runs_read_back_alike(tmp_path: Path, storage_url: str) -> None:
    repo = tmp_path / "repo"
    ids = logged(repo, 4)
    record_feedback(repo, ids[0], "accepted")
    record_feedback(repo, ids[1], "accepted")
    record_feedback(repo, ids[2], "edited", "const A = 2")
    with pytest.raises(Exception, match="no request 999"):
        record_feedback(repo, 999, "accepted")
    assert counts_of(repo, "component") == {"rag": (2, 3)}
    assert [c["completion"] for c in candidates(repo)] == ["const A = 2"]
    stored_run(repo, "20260101-a", {"rag": 8, "few_shot": 5})
    stored_run(repo, "20260102-b", {"rag": 9}, offline=True)
    with database(repo) as db:
        offline, rows = latest_results(db, repository_key(repo), "rag")
    assert offline and sum(r["passed"] for r in rows) == 9 and rows[0]["kind"] == "component"
    assert {m.strategy: (m.passed, m.total) for m in measured(repo, "component", ["rag", "few_shot"])} == \
        {"rag": (9 + 2, 10 + 3), "few_shot": (5, 10)}
    figures, local, _ = latest_figures(repo)
    assert [(f.strategy, f.passed) for f in figures] == [("few_shot", 5), ("rag", 9)] and local
    assert run_history(repo) == [("20260101-a", "few_shot", 0.5), ("20260101-a", "rag", 0.8),
                                 ("20260102-b", "rag", 0.9)]
    assert usage(repo)["rag"] == {"requests": 4, "cost_usd": 0.04, "with_feedback": 3, "accepted": 2,
                                  "acceptance": 0.667, "verdicts": [True, True, False]}


def test_a_team_database_keeps_each_repository_apart(tmp_path: Path, storage_url: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    if storage_url.startswith("sqlite"):  # a team may share one SQLite file too
        monkeypatch.setenv("IDIOM_TEAM_DATABASE_URL", sqlite_url(tmp_path / "team.db"))
    web, billing = tmp_path / "acme-web", tmp_path / "billing"
    assert (repository_key(web), repository_key(billing)) == ("acme-web", "billing")
    web_ids = logged(web, 3)
    [billing_id] = logged(billing, 1, strategy="few_shot")
    record_feedback(web, web_ids[0], "accepted")
    with pytest.raises(InputError, match=f"no request {billing_id} in the request log of"):
        record_feedback(web, billing_id, "accepted")
    record_feedback(billing, billing_id, "edited", "const B = 1")
    stored_run(web, "r-web", {"rag": 7})
    stored_run(billing, "r-billing", {"rag": 2, "few_shot": 4})
    assert counts_of(web, "component") == {"rag": (1, 1)} and counts_of(billing, "component") == {"few_shot": (0, 1)}
    assert [c["request"] for c in candidates(web)] == [] and [c["request"] for c in candidates(billing)] == [billing_id]
    assert run_history(web) == [("r-web", "rag", 0.7)]
    assert [(f.strategy, f.passed) for f in latest_figures(billing)[0]] == [("few_shot", 4), ("rag", 2)]
    assert set(usage(web)) == {"rag"} and usage(web)["rag"]["requests"] == 3
    assert {m.strategy: m.passed for m in measured(web, "component", ["rag", "few_shot"])} == {"rag": 7 + 1}


def test_a_strategy_without_validation_costs_takes_its_recent_answers_mean(tmp_path: Path,
                                                                          storage_url: str) -> None:
    repo = tmp_path / "repo"
    for request_id in logged(repo, 3, strategy="few_shot", cost=0.03) + logged(repo, 1, strategy="few_shot",
                                                                                cost=None):
        record_feedback(repo, request_id, "accepted")
    [found] = measured(repo, "component", ["few_shot"])
    assert found.cost_usd == pytest.approx(0.03) and (found.passed, found.total) == (4, 4)


def test_the_statistics_a_request_reads_are_at_most_a_second_old(tmp_path: Path, storage_url: str,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr(router.statistics, "monotonic", lambda: clock[0])
    repo = tmp_path / "repo"
    first, second = logged(repo, 2)
    record_feedback(repo, first, "accepted")
    assert [(m.passed, m.total) for m in measured(repo, "component", ["rag"])] == [(1, 1)]
    record_feedback(repo, second, "rejected")  # feedback, here or from another client, counts within FRESH_S
    assert [(m.passed, m.total) for m in measured(repo, "component", ["rag"])] == [(1, 1)]
    clock[0] += router.statistics.FRESH_S
    assert [(m.passed, m.total) for m in measured(repo, "component", ["rag"])] == [(1, 2)]
    stored_run(repo, "r1", {"rag": 7})  # as another process stores a validation run: counts within FRESH_S
    assert [(m.passed, m.total) for m in measured(repo, "component", ["rag"])] == [(1, 2)]
    router.statistics.forget_readings()  # as `idiom validate` does when it stored one here: counts at once
    assert [(m.passed, m.total) for m in measured(repo, "component", ["rag"])] == [(7 + 1, 10 + 2)]


def test_settled_feedback_is_counted_once_and_the_rest_on_every_reading(tmp_path: Path, storage_url: str,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import router.feedback

    monkeypatch.setattr(router.feedback, "SETTLE_EVERY_S", 0.0)  # settle at every reading, not every 10 minutes
    repo = tmp_path / "repo"

    def given(request_ids: list[int], outcome: str, days_ago: float = 0.0) -> None:
        with database(repo) as db:
            db.execute(schema.feedback.insert(), [{"request_id": r, "at": schema.now(days_ago * 86400),
                                                   "outcome": outcome, "final_text": ""} for r in request_ids])

    old_rag, old_few = logged(repo, 4), logged(repo, 3, strategy="few_shot", kind="function")
    given(old_rag[:3], "accepted", days_ago=5)
    given(old_rag[3:] + old_few, "rejected", days_ago=4)
    assert counts_of(repo, "component") == {"rag": (3.0, 4)}
    assert counts_of(repo, "hook") == {"rag": (3.0, 4), "few_shot": (0.0, 3)}  # no feedback of its kind: all kinds
    recent = logged(repo, 2)
    given(recent, "accepted")
    start_retention(repo, recent[0], 40)
    assert counts_of(repo, "component") == {"rag": (5.0, 6)}
    record_retention(repo, recent[0], {30: 10}, 31.0)  # an answer not settled yet: its share still counts anew
    assert counts_of(repo, "component") == {"rag": (4.25, 6)}
    given(logged(repo, 1), "edited")
    monkeypatch.setattr(router.feedback, "SETTLED_S", -60.0)  # two days later: all of it has settled
    assert counts_of(repo, "component") == {"rag": (4.25, 7)}


def test_counting_feedback_reads_the_feedback_since_and_looks_each_answer_up_by_index(tmp_path: Path) -> None:
    """The count a reading makes joins the feedback since the settled part to the request log. Without an index
    on the feedback's request SQLite scanned the whole feedback table for every logged request (measured: 42 ms
    at 1,000 rows, 4.2 s at 10,000); left to itself it starts from every request of the repository."""
    from router.feedback import COUNTS_AFTER, COUNTS_BETWEEN

    with engine_for(sqlite_url(tmp_path / "idiom.db")).connect() as db:
        def plan(counts: Any) -> list[str]:
            compiled = counts.compile(db)
            bound = compiled.construct_params({"repository": "acme", "after": 0, "upto": 9})
            rows = db.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", tuple(bound[k] for k in compiled.positiontup))
            return [row[3] for row in rows]

        reading, settling = plan(COUNTS_AFTER), plan(COUNTS_BETWEEN)
    assert not [step for step in reading + settling if step.startswith(("SCAN feedback", "SCAN requests"))]
    assert "SEARCH feedback USING INTEGER PRIMARY KEY (rowid>?)" in reading
    assert not [step for step in reading if "requests_by_repository" in step], reading


def test_retained_code_weighs_acceptance_and_reaches_the_report_and_a_commit(tmp_path: Path,
                                                                            storage_url: str) -> None:
    from harvest.records import CommitRecord, FileChange, Hunk

    repo = tmp_path / "repo"
    kept, deleted, unfollowed = logged(repo, 3)
    for request_id in (kept, deleted, unfollowed):
        record_feedback(repo, request_id, "accepted")
    start_retention(repo, kept, 11)
    start_retention(repo, kept, 99)  # accepted twice: the first record stands
    start_retention(repo, deleted, 11)
    record_retention(repo, kept, {30: 11, 120: 11, 600: 11}, 600.0)
    record_retention(repo, deleted, {30: 0}, 30.0)  # followed to its first checkpoint only, so far
    # kept counts 1, deleted 0, the one the editor did not follow 1: acceptance weighed by what stayed
    assert counts_of(repo, "component") == {"rag": (2.0, 3)}
    summary = retained_summary(repo)["rag"]
    assert (summary["followed"], summary["characters"], summary["share_30s"], summary["share_600s"]) == \
        (2, 22, 0.5, 1.0)
    with database(repo) as db:
        accepted_at = db.execute(select(schema.retention.c.accepted_at)).scalars().first()

    def commit(sha: str, added: str, path: str = "src/A.tsx") -> CommitRecord:
        hunk = Hunk("@@ -0,0 +1 @@", 0, 0, 1, 1, "".join(f"+{line}\n" for line in added.splitlines()))
        return CommitRecord(sha, (), "dev", accepted_at, "m", (FileChange(path, "modified", hunks=(hunk,)),))

    assert match_commits(repo, [commit("a1", "  const B = 2")]) == 0
    assert {v["committed"]["no"] for v in retained_summary(repo).values()} == {2}
    assert match_commits(repo, [commit("a1", "  const B = 2"), commit("b2", "const A = 1  ")]) == 2
    assert retained_summary(repo)["rag"]["committed"] == {"yes": 2, "no": 0, "unknown": 0}


def test_the_migrations_build_the_declared_schema(tmp_path: Path, storage_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with engine(tmp_path / "repo").connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), schema.metadata)
    assert differences == []


def test_the_migrations_go_down_and_up_again(tmp_path: Path, storage_url: str) -> None:
    from alembic import command

    repo = tmp_path / "repo"
    logged(repo, 2)
    config = alembic_config()
    with engine(repo).connect() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
        assert "tokens" not in inspect(connection).get_table_names()
        command.downgrade(config, "base")
        assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
        command.upgrade(config, "head")
        connection.commit()
        assert revision(connection) == schema.HEAD


def test_head_names_the_newest_shipped_revision() -> None:
    from alembic.script import ScriptDirectory

    assert ScriptDirectory.from_config(alembic_config()).get_heads() == [schema.HEAD]


@pytest.mark.parametrize("version", [7, 3])
def test_a_database_of_the_old_migrations_is_upgraded_in_place(tmp_path: Path, version: int) -> None:
    """A repository's idiom.db as the numbered migrations left it (7: the last; 3: before instruction and
    completion were logged) keeps every row and gains what it lacked."""
    repo = tmp_path / "repo"
    path = tmp_path / "idiom-home" / "idiom.db"
    path.parent.mkdir(parents=True)
    with contextlib.closing(sqlite3.connect(path)) as old, old:
        for statement in OLD_MIGRATIONS[:version]:
            old.execute(statement)
        old.execute(f"PRAGMA user_version = {version}")
        old.execute("INSERT INTO runs VALUES ('r1', 'then', 's', 'x', 'rag', 0)")
        old.executemany("INSERT INTO results VALUES ('r1', 'rag', ?, 'test', 'tsx', ?, '[]', 'm', '', 9, 9, 0.001, "
                        "0.2, '')", [(f"c{n}", int(n < 7)) for n in range(10)])
        old.executemany("INSERT INTO requests (at, kind, language, path, strategy, reason, attempts, input_tokens, "
                        "output_tokens, cost_usd, latency_s, outcome) VALUES ('then', 'test', 'tsx', 'a.tsx', 'rag', "
                        "'r', '[]', 9, 9, 0.01, 0.2, 'answered')", [()] * 5)
        old.execute("DELETE FROM requests WHERE id = 5")  # AUTOINCREMENT: id 5 is never given again
        if version >= 6:
            old.execute("INSERT INTO feedback (request_id, at, outcome, final_text) VALUES (1, 'then', 'accepted', '')")
    with database(repo) as db:
        assert db.execute(select(func.count()).select_from(schema.results)).scalar() == 10
        assert db.execute(select(schema.requests.c.instruction, schema.requests.c.developer)).first() == ("", "")
    assert run_history(repo) == [("r1", "rag", 0.7)]
    record_feedback(repo, 2, "rejected")
    assert counts_of(repo, "test") == {"rag": (int(version >= 6), 1 + int(version >= 6))}
    assert logged(repo, 1) == [6]
    with contextlib.closing(sqlite3.connect(path)) as reopened:
        assert reopened.execute("SELECT version_num FROM alembic_version").fetchone() == (schema.HEAD,)
        assert reopened.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_concurrent_writers_lose_no_feedback(tmp_path: Path, storage_url: str) -> None:
    repo = tmp_path / "repo"
    ids = logged(repo, 10)
    errors: list[BaseException] = []

    def writer(offset: int) -> None:
        try:
            for n in range(25):
                record_feedback(repo, ids[(offset + n) % len(ids)], "accepted" if n % 3 else "rejected")
        except BaseException as exc:  # noqa: BLE001 - re-raised by the assertion below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with database(repo) as db:
        assert db.execute(select(func.count()).select_from(schema.feedback)).scalar() == 8 * 25
    accepted, total = counts_of(repo, "component")["rag"]
    assert total == 200 and accepted == 8 * sum(1 for n in range(25) if n % 3)


def test_tokens_are_kept_as_hashes_scoped_and_revocable(tmp_path: Path, storage_url: str) -> None:
    repo = tmp_path / "repo"
    with database(repo) as db:
        lead = create_token(db, "ada", "lead")
        dev = create_token(db, "bob", "developer", ("acme-web",))
        with pytest.raises(InputError, match="a token named 'bob' exists"):
            create_token(db, "bob", "lead")
        with pytest.raises(InputError, match="role 'admin'; valid: developer, lead"):
            create_token(db, "eve", "admin")
    with database(repo) as db:
        stored = db.execute(select(schema.tokens)).all()
        assert lead not in str(stored) and dev not in str(stored)  # only hashes
        found = token_for(db, dev)
        assert found and found.role == "developer" and found.may_use("acme-web") and not found.may_use("billing")
        assert token_for(db, lead).may_use("billing") and token_for(db, lead + "x") is None
        assert found.developer.startswith("dev-") and "bob" not in found.developer
        revoke_token(db, "bob")
        assert token_for(db, dev) is None
        with pytest.raises(InputError, match="no live token named 'bob'"):
            revoke_token(db, "bob")
        assert [(t.name, t.revoked_at is not None) for t in all_tokens(db)] == [("ada", False), ("bob", True)]


def test_a_server_reads_a_live_token_at_most_once_a_second(tmp_path: Path, storage_url: str,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr(router.storage.tokens, "monotonic", lambda: clock[0])
    repo = tmp_path / "repo"
    with database(repo) as db:
        live = create_token(db, "ada", "developer")
    reads = []
    monkeypatch.setattr(router.storage.tokens, "token_for", lambda db, presented: reads.append(presented) or
                        token_for(db, presented))
    recent = RecentTokens()
    assert recent.find(engine(repo), live).name == "ada" and recent.find(engine(repo), live).name == "ada"
    assert recent.find(engine(repo), live + "x") is None and recent.find(engine(repo), live + "x") is None
    assert len(reads) == 3  # the live token once, the unknown one each time
    with database(repo) as db:
        revoke_token(db, "ada")
    assert recent.find(engine(repo), live).name == "ada"  # read less than a second ago
    clock[0] += recent.keep_s
    assert recent.find(engine(repo), live) is None and recent.find(engine(repo), live) is None and len(reads) == 5


def test_jobs_move_from_queued_to_done_or_failed(tmp_path: Path, storage_url: str) -> None:
    repo = tmp_path / "repo"
    with database(repo) as db:
        first, second, third = (create_job(db, "validate", "acme-web") for _ in range(3))
        assert job(db, first).state == "queued" and job(db, "nope") is None
        start_job(db, first)
        set_progress(db, first, 0.25)
        assert (job(db, first).state, job(db, first).progress) == ("running", 0.25)
        finish_job(db, first, {"run": "r1", "passed": 9})
        start_job(db, second)
        finish_job(db, second, error="the provider refused the key")
        assert abandon_unfinished(db, "the server stopped before it ran") == 1
    with database(repo) as db:
        done, failed, abandoned = job(db, first), job(db, second), job(db, third)
    assert (done.state, done.progress, done.result) == ("done", 1.0, {"run": "r1", "passed": 9}) and done.finished_at
    assert (failed.state, failed.error) == ("failed", "the provider refused the key")
    assert (abandoned.state, abandoned.error) == ("failed", "the server stopped before it ran")


def test_requests_and_feedback_carry_a_pseudonymous_developer(tmp_path: Path, storage_url: str) -> None:
    repo = tmp_path / "repo"
    with database(repo) as db:
        request_id = db.execute(schema.requests.insert(), {**a_request(), "developer": "dev-1",
                                                           "repository": repository_key(repo)}).inserted_primary_key[0]
    record_feedback(repo, request_id, "accepted", developer="dev-2")
    with database(repo) as db:
        assert db.execute(select(schema.feedback.c.developer)).scalar() == "dev-2"
        assert db.execute(select(schema.requests.c.developer)).scalar() == "dev-1"


WRITER = """
import sys
from pathlib import Path
from typing import Any
from router.feedback import record_feedback
repo, request_id = Path(sys.argv[1]), int(sys.argv[2])
n = 0
while True:
    record_feedback(repo, request_id, "accepted", f"kept {n}")
    print(n, flush=True)  # after the commit: every number printed is a committed row
    n += 1
"""


def test_a_killed_writer_loses_no_committed_row_and_the_database_reopens(tmp_path: Path, storage_url: str) -> None:
    repo = tmp_path / "repo"
    [request_id] = logged(repo, 1)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(repo), str(request_id)], stdout=subprocess.PIPE,
                              text=True, cwd=REPO_ROOT, env=os.environ.copy())
    committed = []
    try:
        while len(committed) < 40:
            line = writer.stdout.readline()
            assert line, "the writer stopped before it was killed"
            committed.append(int(line))
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
    for entry in _engines_of(storage_url):  # as a new process would: no pooled connection from before
        entry.dispose()
    reopened = engine_for(storage_url)
    with reopened.connect() as db:
        kept = set(db.execute(select(schema.feedback.c.final_text)).scalars())
        assert revision(db) == schema.HEAD
    assert {f"kept {n}" for n in committed} <= kept
    record_feedback(repo, request_id, "rejected")  # and it takes writes again


def _engines_of(url: str) -> list:
    from router.storage import engines

    return [entry[2] for key, entry in engines._engines.items() if key == url]


def test_a_repository_cannot_choose_the_team_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from harvest.config import load_harvest_config

    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "idiom.toml").write_text('[team]\ndatabase_url = "postgresql+psycopg://me:pw@evil.example/db"\n')
    load_harvest_config(repo)
    assert "ignoring [team]" in capsys.readouterr().err
    assert database_url(repo).startswith("sqlite:")


def test_a_team_database_gone_mid_use_is_one_clear_line(tmp_path: Path, postgres_cluster,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import psycopg

    url = postgres_cluster.new_database()
    monkeypatch.setenv("IDIOM_TEAM_DATABASE_URL", url)
    repo = tmp_path / "repo"
    [request_id] = logged(repo, 1)
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(host="127.0.0.1", port=postgres_cluster.port, user="idiom", dbname="postgres",
                         autocommit=True) as admin:
        admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
    with pytest.raises(RouterError, match=re.escape(f"the database {url} failed (")):
        record_feedback(repo, request_id, "accepted")


def test_a_bad_team_database_is_one_clear_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    secret = "s3cret-pw"
    for wrong in (f"mysql://me:{secret}@db/x", f"postgres:/me:{secret}@db"):
        monkeypatch.setenv("IDIOM_TEAM_DATABASE_URL", wrong)
        with pytest.raises(ConfigError, match="is not a database Idiomatic can use") as err:
            engine(repo)
        assert secret not in str(err.value)
    closed = f"postgresql+psycopg://me:{secret}@127.0.0.1:1/team"
    monkeypatch.setenv("IDIOM_TEAM_DATABASE_URL", closed)
    with pytest.raises(RouterError, match=r"cannot use the team database postgresql\+psycopg://me:\*\*\*@") as err:
        engine(repo)
    assert secret not in str(err.value) and secret not in shown(closed)
    done = CliRunner().invoke(idiom, ["roi", str(repo), "--json"])
    assert done.exit_code == 1 and secret not in done.output and done.output.strip().count("\n") == 0
