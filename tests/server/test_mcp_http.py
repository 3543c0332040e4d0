"""`idiom mcp --http` driven by the MCP SDK's own streamable-HTTP client: the real server as a subprocess on
127.0.0.1, on the harvested and indexed example, admitting a request only with a live team token
(router/storage/tokens.py) whose repos scope includes the repository served."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2
import pytest
from click.testing import CliRunner
from mcp import Client, MCPError
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from router.database import database
from router.storage.tokens import create_token, revoke_token
from server.cli import idiom
from tests.server.conftest import TAG_TSX

pytestmark = pytest.mark.slow
TAG = "src/components/Tag/Tag.tsx"
INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
              "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                         "clientInfo": {"name": "test", "version": "0"}}}


@contextmanager
def http_server(repo: Path, env: dict[str, str]) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`idiom mcp --http --port 0` started for `repo`: (its URL, the process)."""
    process = subprocess.Popen([sys.executable, "-m", "server", "mcp", "--http", "--port", "0", "--repo", str(repo)],
                               env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        line = process.stderr.readline()
        assert "listening on http://127.0.0.1:" in line, line
        yield line.split("listening on ")[1].split()[0], process
    finally:
        process.terminate()
        process.wait(timeout=30)
        process.stderr.close()


async def test_a_team_token_for_the_repository_opens_the_tools_and_nothing_else_does(served):
    with database(served.repo) as db:
        token = create_token(db, "ada", "developer", (served.repo.name,))
        elsewhere = create_token(db, "bob", "developer", ("another-repo",))
        revoked = create_token(db, "eve", "lead")
        revoke_token(db, "eve")
    with http_server(served.repo, served.env) as (url, process):
        async with httpx2.AsyncClient() as raw:
            headers = {"Accept": "application/json, text/event-stream"}
            assert (await raw.post(url, json=INITIALIZE, headers=headers)).status_code == 401
            for refused in (elsewhere, revoked, "idiom_not-a-token"):
                answer = await raw.post(url, json=INITIALIZE, headers={**headers, "Authorization": f"Bearer {refused}"})
                assert answer.status_code == 401, refused
        # The SDK's own client, without a token: its first request is refused (the 401 surfaces as an MCPError).
        with pytest.RaisesGroup(pytest.RaisesGroup(MCPError)):
            async with Client(url) as client:
                await client.list_tools()

        async with create_mcp_http_client(headers={"Authorization": f"Bearer {token}"}) as http, \
                Client(streamable_http_client(url, http_client=http)) as client:
            assert {t.name for t in (await client.list_tools()).tools} == {
                "conventions", "search", "check", "examples", "generate"}
            found = await client.call_tool("conventions", {"path": TAG})
            assert not found.is_error and found.structured_content["conventions"]
            checked = await client.call_tool("check", {"path": TAG, "code": TAG_TSX})
            assert checked.structured_content["passed"] is True
        process.terminate()
        logged = process.stderr.read()
    for secret in (token, elsewhere, revoked):
        assert secret not in logged


def test_http_options_need_http_and_a_non_loopback_host_needs_consent(served):
    runner = CliRunner()
    alone = runner.invoke(idiom, ["mcp", "--repo", str(served.repo), "--port", "9000"])
    assert alone.exit_code == 1 and "--port only applies with --http" in alone.output
    exposed = runner.invoke(idiom, ["mcp", "--repo", str(served.repo), "--http", "--host", "0.0.0.0"])
    assert exposed.exit_code == 1 and "--i-understand-this-exposes-code" in exposed.output
