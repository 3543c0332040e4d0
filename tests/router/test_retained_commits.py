"""Whether accepted code reached a commit: `idiom harvest` on a real repository matches the request log's
accepted completions against the commits it mined since the acceptance."""

from __future__ import annotations

import datetime

from click.testing import CliRunner

from router.database import database
from router.feedback import record_feedback
from router.retention import retained_summary, start_retention
from router.storage.location import repository_key
from router.storage.schema import now, requests
from server.cli import idiom

ACCEPTED = "def area(radius: float) -> float:\n    return 3.14159 * radius * radius\n"


def test_the_next_harvest_finds_accepted_code_in_a_later_commit(make_repo) -> None:
    repo = make_repo("shapes")
    repo.write("shapes.py", "def double(x: int) -> int:\n    return 2 * x\n")
    repo.commit("first")
    runner = CliRunner()
    assert runner.invoke(idiom, ["harvest", str(repo.path), "--no-dataset"]).exit_code == 0
    with database(repo.path) as db:
        request_id = int(db.execute(requests.insert(), {
            "at": now(), "kind": "function", "language": "python", "path": "shapes.py", "strategy": "rag",
            "reason": "r", "attempts": "[]", "input_tokens": 1, "output_tokens": 1, "cost_usd": 0.0,
            "latency_s": 0.1, "outcome": "answered", "completion": ACCEPTED,
            "repository": repository_key(repo.path)}).inserted_primary_key[0])
    record_feedback(repo.path, request_id, "accepted")
    start_retention(repo.path, request_id, len(ACCEPTED))

    # The developer commits the file with the accepted function in it (and a line of their own), a day later.
    repo.write("shapes.py", "def double(x: int) -> int:\n    return 2 * x\n\n\n" + ACCEPTED + "\n# done\n")
    later = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)).isoformat(timespec="seconds")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "area", GIT_AUTHOR_DATE=later, GIT_COMMITTER_DATE=later)
    done = runner.invoke(idiom, ["harvest", str(repo.path), "--no-dataset"])
    assert done.exit_code == 0, done.output
    assert "accepted completions found in a commit since: 1" in done.output
    assert retained_summary(repo.path)["rag"]["committed"] == {"yes": 1, "no": 0, "unknown": 0}
