"""A kill -9 of the team server while clients post feedback, then a restart on the same database: every
feedback the server acknowledged is stored, exactly once, and the server starts cleanly (on SQLite and on
PostgreSQL)."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from router.storage.engines import engine_for
from router.storage.schema import feedback
from server.api.state import server_database_url
from tests.router.fake_llm import fake_llm
from tests.server.api_server import api_server, bearer, make_token, server_environment
from tests.server.conftest import TAG_TSX

pytestmark = pytest.mark.slow
CLIENTS = 4
POSTS = 200  # per client at most; the kill comes long before


def test_a_killed_server_keeps_every_acknowledged_feedback_once(repo: Path, api_data: Path) -> None:
    token = make_token(api_data, "ada")
    with fake_llm() as (url, script):
        script.text = TAG_TSX
        environment = server_environment(url, IDIOM_API_BURST="100000", IDIOM_API_RATE_PER_MINUTE="6000000")
        with api_server(api_data, {"acme": repo}, environment) as server:
            request_id = httpx.post(server.url + "/v1/generate", headers=bearer(token), timeout=60, json={
                "repository": "acme", "instruction": "A Tag component", "path": "src/components/Tag/Tag.tsx"},
                                    ).json()["request_id"]
            acknowledged: list[str] = []
            enough = threading.Event()

            def post(client: int) -> None:
                with httpx.Client(base_url=server.url, headers=bearer(token), timeout=10) as http:
                    for number in range(POSTS):
                        mark = f"kept {client}-{number}"
                        try:
                            answer = http.post("/v1/feedback", json={"request_id": request_id, "outcome": "edited",
                                                                     "final_text": mark})
                        except httpx.HTTPError:
                            return  # the server is gone: this one was never acknowledged
                        if answer.status_code == 200:
                            acknowledged.append(mark)
                        if len(acknowledged) >= 40:
                            enough.set()

            posting = [threading.Thread(target=post, args=(n,)) for n in range(CLIENTS)]
            for thread in posting:
                thread.start()
            assert enough.wait(120)
            server.kill()  # mid-load: the clients are still posting
            for thread in posting:
                thread.join(30)

        with api_server(api_data, {"acme": repo}, environment) as restarted:
            assert httpx.get(restarted.url + "/healthz").json()["status"] == "ok"
    with engine_for(server_database_url(api_data)).connect() as db:
        stored = Counter(db.execute(select(feedback.c.final_text)).scalars())
    assert set(acknowledged) <= set(stored)
    assert max(stored.values()) == 1
    assert len(acknowledged) >= 40
