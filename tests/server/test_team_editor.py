"""The editor against the team server: the real `idiom serve` (pytest-lsp, and the Neovim plugin) with
`teamUrl` set and the token in IDIOM_TOKEN, the real `idiom api serve` answering for the harvested example.
The developer's checkout has no harvest and no provider of its own: its completions, feedback and retained
code go to the team server, its diagnostics run locally on the conventions fetched from it. When the server
goes away the editor keeps its diagnostics, offers nothing, and says so once in the output panel."""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass
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
from tests.server.test_neovim import PRELUDE, needs_nvim, run_nvim
from tests.server.test_server import SPEC, inline_params

pytestmark = pytest.mark.slow
BUTTON = "src/components/Button/Button.tsx"


@dataclass
class Developer:
    """A developer with a token for `acme` on the team server whose data is `data`, a clone of the example
    without its harvest, and an environment with no model provider and no artifacts of its own."""

    data: Path
    token: str
    checkout: Path
    env: dict[str, str]

    @property
    def serve(self) -> list[str]:
        return [sys.executable, "-m", "server", "serve", "--repo", str(self.checkout)]


@pytest.fixture
def developer(repo: Path, tmp_path: Path) -> Developer:
    data = tmp_path / "api-data"
    token = make_token(data, "ada", repos="acme")
    checkout = tmp_path / "checkout" / "acme-web"
    shutil.copytree(repo, checkout, ignore=shutil.ignore_patterns(".idiom"))
    env = {key: value for key, value in os.environ.items()
           if key not in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "IDIOM_ROUTER_BASE_URL")}
    env.update({"IDIOM_HOME": str(tmp_path / "developer-home"), "IDIOM_TOKEN": token, "HF_HUB_OFFLINE": "1"})
    return Developer(data, token, checkout, env)


def stored(data: Path) -> tuple[list, list, list]:
    """The team database's requests (id, repository, developer, instruction), feedback and retention rows."""
    with engine_for(server_database_url(data)).connect() as db:
        return (db.execute(select(requests.c.id, requests.c.repository, requests.c.developer, requests.c.instruction)
                           .order_by(requests.c.id)).all(),
                db.execute(select(feedback.c.request_id, feedback.c.outcome)).all(),
                db.execute(select(retention.c.request_id, retention.c.characters)).all())


def pseudonym(data: Path) -> str:
    """The developer id the request log keeps for the only token (`idiom api token list`)."""
    return json.loads(CliRunner().invoke(idiom, ["api", "token", "list", "--data", str(data), "--json"]).stdout)[0][
        "developer"]


async def test_the_editor_routes_through_the_team_server_and_keeps_its_diagnostics_without_it(
        repo: Path, developer: Developer) -> None:
    data, token, checkout, developer_env = developer.data, developer.token, developer.checkout, developer.env
    text = (checkout / BUTTON).read_text()

    with fake_llm() as (provider_url, script):
        script.text = "'tooltip'"
        with api_server(data, {"acme": repo}, server_environment(provider_url)) as server:
            client = await start(developer.serve, developer_env)
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
            logged, rated, followed = stored(data)
            assert [(r.id, r.repository, r.instruction) for r in logged] == [
                (decision.requestId, "acme", ""), (generated["requestId"], "acme", "A tooltip label")]
            assert logged[0].developer == pseudonym(data)  # the token's pseudonym, not its name
            assert rated == [(decision.requestId, "accepted")]
            assert followed == [(decision.requestId, len("'tooltip'"))]
            assert token not in server.log.read_text()

        # The team server is gone: no suggestion, one line in the output panel, diagnostics from the kept copy.
        client = await start(developer.serve, developer_env)
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


TEAM_IN_NEOVIM = PRELUDE + """
idiomatic.setup({ cmd = vim.fn.json_decode(os.getenv("IDIOM_NVIM_CMD")), filetypes = { "typescriptreact" },
                  settings = { team_url = os.getenv("IDIOM_TEAM_URL"), team_repository = "acme" },
                  trusted_roots = { vim.fn.getcwd() } })
vim.cmd("edit " .. os.getenv("IDIOM_NVIM_FILE"))
local bufnr = vim.api.nvim_get_current_buf()
local client = attached(bufnr)
local items = complete_at_end(bufnr, client)
out("completion", { count = #items, insertText = (items[1] or {}).insertText })
wait(10000, function() return idiomatic.decision(bufnr) ~= nil end, "idiom/decision")
out("decision", idiomatic.decision(bufnr))
local feedback = nil
idiomatic.feedback("accepted", { on_result = function(err, result) feedback = { err = err, result = result } end })
wait(30000, function() return feedback ~= nil end, "idiom.feedback")
out("feedback", feedback)
vim.lsp.stop_client(client.id)
wait(10000, function() return client.is_stopped() end, "the client to stop")
io.stdout:flush()
vim.cmd("qa!")
"""


@needs_nvim
def test_neovim_completes_through_the_team_server(repo: Path, developer: Developer, tmp_path: Path) -> None:
    with fake_llm() as (provider_url, script):
        script.text = "'tooltip'"
        with api_server(developer.data, {"acme": repo}, server_environment(provider_url)) as server:
            env = {**developer.env, "IDIOM_NVIM_CMD": json.dumps(developer.serve), "IDIOM_TEAM_URL": server.url,
                   "IDIOM_NVIM_FILE": str(developer.checkout / BUTTON)}
            code, out = run_nvim(TEAM_IN_NEOVIM, tmp_path, developer.checkout, env)
    assert code == 0, out.get("error")
    assert out["completion"]["count"] == 1 and out["completion"]["insertText"] == "'tooltip'"
    assert out["decision"]["team"] and out["feedback"]["result"]["recorded"]
    logged, rated, _ = stored(developer.data)
    assert [(r.repository, r.developer) for r in logged] == [("acme", pseudonym(developer.data))]
    assert rated == [(logged[0].id, "accepted")]
