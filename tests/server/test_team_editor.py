"""The editor against the team server: the real `idiom serve` (pytest-lsp) with `teamUrl` set and the token in
IDIOM_TOKEN, the real `idiom api serve` answering for the harvested example. The developer's checkout has no
harvest and no provider of its own: its completions, feedback and retained code go to the team server, its
diagnostics run locally on the conventions fetched from it. When the server goes away the editor keeps its
diagnostics, offers nothing, and says so once in the output panel."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from lsprotocol import types
from sqlalchemy import select

from router.storage.engines import engine_for
from router.storage.schema import feedback, requests, retention
from server.api.state import server_database_url
from server.cli import idiom
from tests.router.fake_llm import fake_llm
from tests.server.api_server import api_server, make_token, server_environment
from tests.server.lsp_client import end_of, initialize, open_file, start, until
from tests.server.test_server import SPEC, inline_params

pytestmark = pytest.mark.slow
BUTTON = "src/components/Button/Button.tsx"


async def test_the_editor_routes_through_the_team_server_and_keeps_its_diagnostics_without_it(repo: Path,
                                                                                            tmp_path: Path) -> None:
    data = tmp_path / "api-data"
    token = make_token(data, "ada", repos="acme")
    checkout = tmp_path / "checkout" / "acme-web"  # the developer's clone: code, no harvest
    shutil.copytree(repo, checkout, ignore=shutil.ignore_patterns(".idiom"))
    developer_env = {key: value for key, value in os.environ.items()
                     if key not in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "IDIOM_ROUTER_BASE_URL")}
    developer_env.update({"IDIOM_HOME": str(tmp_path / "developer-home"), "IDIOM_TOKEN": token,
                          "HF_HUB_OFFLINE": "1"})
    text = (checkout / BUTTON).read_text()

    with fake_llm() as (provider_url, script):
        script.text = "'tooltip'"
        with api_server(data, {"acme": repo}, server_environment(provider_url)) as server:
            client = await start([sys.executable, "-m", "server", "serve", "--repo", str(checkout)], developer_env)
            try:
                await initialize(client, checkout, {"debounceMs": 20, "teamUrl": server.url, "teamRepository": "acme"})
                spec = open_file(client, checkout, "src/components/Button/Button.spec.tsx", SPEC)
                found = await until(lambda: client.diagnostics.get(spec))
                assert "specs-use-it-not-test" in {d.code for d in found}  # the team's conventions, checked here

                uri = open_file(client, checkout, BUTTON)
                answer = await client.text_document_inline_completion_async(inline_params(uri, end_of(text)))
                [item] = answer.items
                assert item.insert_text == "'tooltip'"
                decision = (await until(lambda: client.decisions))[-1]
                assert decision.answered and decision.team
                accepted = await client.workspace_execute_command_async(types.ExecuteCommandParams(
                    "idiom.feedback", [{"requestId": decision.requestId, "outcome": "accepted"}]))
                assert accepted == {"recorded": True, "requestId": decision.requestId}
                generated = await client.workspace_execute_command_async(types.ExecuteCommandParams(
                    "idiom.generate", [{"uri": uri, "instruction": "A tooltip label", "position": end_of(text)}]))
                assert generated["applied"] and generated["requestId"] > decision.requestId
            finally:
                await client.shutdown_session()  # records what is known of the accepted completion
                await client.stop()
            with engine_for(server_database_url(data)).connect() as db:
                logged = db.execute(select(requests.c.id, requests.c.repository, requests.c.developer,
                                           requests.c.instruction).order_by(requests.c.id)).all()
                rated = db.execute(select(feedback.c.request_id, feedback.c.outcome)).all()
                followed = db.execute(select(retention.c.request_id, retention.c.characters)).all()
            assert [(r.id, r.repository, r.instruction) for r in logged] == [
                (decision.requestId, "acme", ""), (generated["requestId"], "acme", "A tooltip label")]
            listed = CliRunner().invoke(idiom, ["api", "token", "list", "--data", str(data), "--json"]).stdout
            assert logged[0].developer == json.loads(listed)[0]["developer"]  # the token's pseudonym, not its name
            assert rated == [(decision.requestId, "accepted")]
            assert followed == [(decision.requestId, len("'tooltip'"))]
            assert token not in server.log.read_text()

        # The team server is gone: no suggestion, one line in the output panel, diagnostics from the kept copy.
        client = await start([sys.executable, "-m", "server", "serve", "--repo", str(checkout)], developer_env)
        try:
            await initialize(client, checkout, {"debounceMs": 20, "teamUrl": server.url, "teamRepository": "acme"})
            uri = open_file(client, checkout, BUTTON)
            for _ in range(2):
                answer = await client.text_document_inline_completion_async(inline_params(uri, end_of(text)))
                assert not answer.items
            spec = open_file(client, checkout, "src/components/Button/Button.spec.tsx", SPEC)
            found = await until(lambda: client.diagnostics.get(spec))
            assert "specs-use-it-not-test" in {d.code for d in found}
            said = [m.message for m in client.log_messages if "cannot be reached" in m.message]
            assert len(said) == 1 and server.url in said[0]
        finally:
            await client.shutdown_session()
            await client.stop()
