"""`idiom api serve`, the team server, started for real (a subprocess on 127.0.0.1) on the harvested and
indexed example, the fake provider answering as the model: every route over httpx with tokens made by `idiom
api token create`, their scopes and roles, one-line errors, the request log's developer and repository, the
metrics, the server's log free of tokens; on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from router.storage.engines import engine_for
from router.storage.schema import feedback, requests
from server.api.state import server_database_url
from server.cli import idiom
from tests.router.fake_llm import fake_llm
from tests.server.api_server import api_server, bearer, make_token, server_environment
from tests.server.conftest import TAG_TSX

pytestmark = pytest.mark.slow
TOOLTIP = "src/components/Tooltip/Tooltip.tsx"
TAG = "src/components/Tag/Tag.tsx"


def one_line_error(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and "\n" not in body["error"] and "Traceback" not in body["error"]
    return body["error"]


@pytest.fixture
def other(make_repo) -> Path:
    repo = make_repo("billing")
    repo.write("app/pay.py", "def pay(amount: int) -> int:\n    return amount\n")
    repo.commit("feat: pay")
    return repo.path


@pytest.fixture
def provider() -> Iterator:
    with fake_llm() as (url, script):
        script.text = TAG_TSX
        yield url, script


def test_the_team_server_answers_each_route_for_the_tokens_scopes_and_roles(repo: Path, other: Path, api_data: Path,
                                                                           provider) -> None:
    url, script = provider
    data = api_data
    developer = make_token(data, "ada", repos="acme")
    outsider = make_token(data, "bob", repos="billing")
    lead = make_token(data, "lin", role="lead")
    assert developer.startswith("idiom_") and len({developer, outsider, lead}) == 3
    listed = json.loads(CliRunner().invoke(idiom, ["api", "token", "list", "--data", str(data), "--json"]).stdout)
    assert [(t["name"], t["role"], t["repos"]) for t in listed] == [
        ("ada", "developer", ["acme"]), ("bob", "developer", ["billing"]), ("lin", "lead", [])]
    assert developer not in json.dumps(listed)

    with api_server(data, {"acme": repo, "billing": other}, server_environment(url)) as server, \
            httpx.Client(base_url=server.url, timeout=60) as http:
        assert http.get("/healthz").json() == {"status": "ok", "repositories": 2}
        ask = {"repository": "acme", "path": TOOLTIP, "prefix": "export const x = ", "suffix": "\n"}
        assert "Authorization: Bearer" in one_line_error(http.post("/v1/complete", json=ask), 401)
        assert "unknown or revoked" in one_line_error(
            http.post("/v1/complete", json=ask, headers=bearer("idiom_not-a-token")), 401)
        assert "may not use repository 'acme'" in one_line_error(
            http.post("/v1/complete", json=ask, headers=bearer(outsider)), 403)
        assert "no repository 'nope'" in one_line_error(
            http.post("/v1/complete", json=ask | {"repository": "nope"}, headers=bearer(developer)), 404)
        assert "prefix" not in one_line_error(
            http.post("/v1/complete", json={"repository": "acme"}, headers=bearer(developer)), 422)
        assert "outside the repository" in one_line_error(
            http.post("/v1/complete", json=ask | {"path": "../../etc/passwd"}, headers=bearer(developer)), 422)

        made = http.post("/v1/generate", json={"repository": "acme", "instruction": "A Tag component with a tone",
                                              "path": TAG}, headers=bearer(developer)).json()
        assert made["answered"] and made["text"] == TAG_TSX and made["request_id"] > 0
        explained = http.get(f"/v1/decision/{made['request_id']}", headers=bearer(developer)).json()
        assert explained["repository"] == "acme" and explained["strategy"] == made["strategy"]
        assert explained["attempts"][-1]["passed"] and explained["kind"] == made["kind"]
        assert "no request" in one_line_error(http.get(f"/v1/decision/{made['request_id']}",
                                                       headers=bearer(outsider)), 404)
        assert http.post("/v1/feedback", json={"request_id": made["request_id"], "outcome": "accepted"},
                         headers=bearer(developer)).json()["stored"]
        assert "valid: accepted" in one_line_error(http.post("/v1/feedback", json={
            "request_id": made["request_id"], "outcome": "loved"}, headers=bearer(developer)), 422)

        script.text = "'tooltip'"
        completed = http.post("/v1/complete", json=ask | {"options": {"strategy": "few_shot"}},
                              headers=bearer(developer)).json()
        assert completed["request_id"] > made["request_id"] and completed["strategy"] in ("few_shot", "")

        found = http.get("/v1/search", params={"repository": "acme", "query": "debounce a value", "mode": "bm25",
                                               "k": 3}, headers=bearer(developer)).json()
        assert found["results"] and all(r["code"] for r in found["results"])
        rules = http.get("/v1/conventions", params={"repository": "acme", "path": TAG},
                         headers=bearer(developer)).json()
        assert "js-component-names-pascalcase" in {c["id"] for c in rules["conventions"]}

        assert "only a lead" in one_line_error(http.get("/v1/roi", params={"repository": "acme"},
                                                        headers=bearer(developer)), 403)
        assert "only a lead" in one_line_error(http.post("/v1/validate", json={"repository": "acme"},
                                                         headers=bearer(developer)), 403)
        roi = http.get("/v1/roi", params={"repository": "acme"}, headers=bearer(lead)).json()
        team = roi["team"]
        assert {(r["repository"], r["accepted"]) for r in team["by_repository_kind_strategy"]} >= {("acme", 1)}
        assert team["developers"] == [{"requests": 2, "cost_usd": team["developers"][0]["cost_usd"]}]
        markdown = http.get("/v1/roi", params={"repository": "acme", "format": "md"}, headers=bearer(lead)).text
        assert "## Team" in markdown and "ada" not in markdown
        named = http.get("/v1/roi", params={"repository": "acme", "name_developers": "true"}, headers=bearer(lead))
        assert [d["name"] for d in named.json()["team"]["developers"]] == ["ada"]  # only when the lead asks
        assert "<h2>Team</h2>" in http.get("/v1/roi", params={"repository": "acme", "format": "html"},
                                           headers=bearer(lead)).text
        assert "model" in one_line_error(http.post("/v1/models/acme/rollback", json={"repository": "acme"},
                                                   headers=bearer(lead)), 422)

        assert "suite" in one_line_error(http.post("/v1/validate", json={"repository": "acme"},
                                                   headers=bearer(lead)), 422)
        suite = CliRunner().invoke(idiom, ["suite", "generate", str(repo), "--max-cases", "2",
                                           "--max-inline-cases", "0"])
        assert suite.exit_code == 0, suite.output
        started = http.post("/v1/validate", json={"repository": "acme", "strategies": ["few_shot"]},
                            headers=bearer(lead))
        assert started.status_code == 202
        job = started.json()["job"]
        deadline = time.monotonic() + 120
        while (state := http.get(f"/v1/jobs/{job}", headers=bearer(lead)).json())["state"] in ("queued", "running"):
            assert time.monotonic() < deadline, state
            time.sleep(0.5)
        assert state["state"] == "done" and state["progress"] == 1.0, state
        assert state["result"]["run"] and state["result"]["rows"][0]["strategy"] == "few_shot"

        metrics = http.get("/metrics").text
        assert 'idiom_routed_requests_total{outcome="answered",repository="acme"' in metrics
        assert 'idiom_feedback_total{outcome="accepted"} 1.0' in metrics
        assert "idiom_routed_latency_seconds_bucket" in metrics
        assert 'idiom_api_requests_total{endpoint="/v1/complete",status="200"}' in metrics  # by route, not by URL
        assert 'idiom_api_requests_total{endpoint="/v1/jobs/{job_id}",status="200"}' in metrics
        assert http.get("/docs").status_code == 200

    with engine_for(server_database_url(data)).connect() as db:
        logged = db.execute(select(requests.c.repository, requests.c.developer)).all()
        rated = db.execute(select(feedback.c.developer, feedback.c.outcome)).all()
    assert {row.repository for row in logged} == {"acme"}
    assert {row.developer for row in logged} == {row.developer for row in rated} == {listed[0]["developer"]}
    log = server.log.read_text()
    assert "developer=" + listed[0]["developer"] in log and "repository=acme" in log
    for token in (developer, outsider, lead, "idiom_not-a-token"):
        assert token not in log


def test_rate_and_size_limits_and_revoked_tokens(repo: Path, tmp_path: Path, provider) -> None:
    url, _ = provider
    data = tmp_path / "api-data"
    developer = make_token(data, "ada")
    environment = server_environment(url, IDIOM_API_BURST="3", IDIOM_API_RATE_PER_MINUTE="1",
                                     IDIOM_API_MAX_BODY_BYTES="2048")
    with api_server(data, {"acme": repo}, environment) as server, \
            httpx.Client(base_url=server.url, timeout=60) as http:
        huge = {"repository": "acme", "path": TAG, "prefix": "x" * 4096}
        assert "larger than 2048 bytes" in one_line_error(
            http.post("/v1/complete", json=huge, headers=bearer(developer)), 413)
        asked = {"repository": "acme", "path": TAG}
        statuses = [http.get("/v1/conventions", params=asked, headers=bearer(developer)) for _ in range(3)]
        assert [r.status_code for r in statuses] == [200, 200, 200]
        limited = http.get("/v1/conventions", params=asked, headers=bearer(developer))
        assert "rate limit" in one_line_error(limited, 429) and int(limited.headers["Retry-After"]) >= 1
        assert CliRunner().invoke(idiom, ["api", "token", "revoke", "ada", "--data", str(data)]).exit_code == 0
        assert "revoked" in one_line_error(refused_soon(http, asked, developer), 401)
    assert developer not in server.log.read_text()


def refused_soon(http: httpx.Client, asked: dict[str, str], token: str) -> httpx.Response:
    """The first 401 for a just-revoked token: the server reads a token at most once a second, so it may still
    take it (here: spend its exhausted bucket) for up to that second."""
    deadline = time.monotonic() + 30
    while True:
        answered = http.get("/v1/conventions", params=asked, headers=bearer(token))
        if answered.status_code != 429 or time.monotonic() > deadline:
            return answered
        time.sleep(0.2)


def test_bad_arguments_of_the_command_are_one_line(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(idiom, ["api", "serve", "--data", str(tmp_path / "d"), "--repos", "acme"])
    assert result.exit_code == 1 and "give NAME=PATH" in result.output and "Traceback" not in result.output
    result = runner.invoke(idiom, ["api", "serve", "--data", str(tmp_path / "d")])
    assert result.exit_code == 1 and "[api] repos" in result.output
    result = runner.invoke(idiom, ["api", "token", "revoke", "nobody", "--data", str(tmp_path / "d")])
    assert result.exit_code == 1 and "no live token named 'nobody'" in result.output
