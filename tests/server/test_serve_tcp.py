"""`idiom serve --tcp PORT`: a token in initialize, one client at a time, a server that outlives its
clients, fresh state per connection, and consent before listening beyond loopback."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import stat
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from lsprotocol import types
from pygls.lsp.client import LanguageClient

from server.cli import idiom
from server.lsp.protocol import BUSY, TOKEN_REFUSED
from tests.router.fake_llm import fake_llm
from tests.server.wire import WAIT_S, Wire

BUTTON = "src/components/Button/Button.tsx"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class TcpServer:
    """`idiom serve --tcp` as a subprocess, with what it printed on stderr."""

    def __init__(self, process: asyncio.subprocess.Process, port: int) -> None:
        self.process, self.port = process, port
        self.said: list[str] = []

    @classmethod
    async def start(cls, served, token_file: Path, *extra: str) -> TcpServer:
        port = free_port()
        process = await asyncio.create_subprocess_exec(
            *served.command, "--tcp", str(port), "--token-file", str(token_file), *extra, env=served.env,
            stderr=asyncio.subprocess.PIPE)
        server = cls(process, port)
        await server.until_said("token: ")
        return server

    @property
    def token(self) -> str:
        return next(line for line in self.said if line.startswith("token: ")).split()[1]

    async def until_said(self, text: str) -> str:
        """The next stderr line containing `text`."""
        while True:
            line = (await asyncio.wait_for(self.process.stderr.readline(), WAIT_S)).decode()
            assert line, f"the server ended without saying {text!r}: {self.said}"
            self.said.append(line.strip())
            if text in line:
                return line

    async def exit_code(self) -> int:
        return await asyncio.wait_for(self.process.wait(), WAIT_S)

    async def ended_by(self, wire: Wire) -> int:
        """shutdown + exit from `wire`'s client; the server's exit code."""
        await wire.end()
        return await self.exit_code()


@contextlib.asynccontextmanager
async def tcp_server(served, tmp_path: Path, *extra: str) -> AsyncIterator[TcpServer]:
    """The server on a free port with its token in tmp_path, stopped at the end whatever happened."""
    served.script.text = "export const Answer = () => null;\n"
    server = await TcpServer.start(served, tmp_path / "serve.token", *extra)
    try:
        yield server
    finally:
        if server.process.returncode is None:
            server.process.terminate()
        await server.exit_code()


def did_open(wire: Wire, repo: Path, relative: str = BUTTON) -> str:
    uri = (repo / relative).as_uri()
    wire.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "typescriptreact", "version": 1,
                                                          "text": (repo / relative).read_text()}})
    return uri


def inline(uri: str, invoked: bool) -> dict:
    return {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0},
            "context": {"triggerKind": 1 if invoked else 2}}


def explain(uri: str) -> dict:
    return {"command": "idiom.explain", "arguments": [{"uri": uri}]}


@pytest.mark.slow
async def test_tcp_server_answers_a_client_with_the_token(served, tmp_path):
    async with tcp_server(served, tmp_path) as server:
        token_file = tmp_path / "serve.token"
        assert server.said[0] == f"idiom serve listening on 127.0.0.1:{server.port} (one client at a time)"
        assert f"token file: {token_file}" in server.said
        assert token_file.read_text().strip() == server.token
        assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
        client = LanguageClient("tcp-test", "1")
        await client.start_tcp("127.0.0.1", server.port)
        result = await asyncio.wait_for(client.initialize_async(types.InitializeParams(
            capabilities=types.ClientCapabilities(), root_uri=served.repo.as_uri(),
            initialization_options={"token": server.token})), WAIT_S)
        assert "idiom.generate" in result.capabilities.execute_command_provider.commands
        assert result.capabilities.inline_completion_provider is not None
        await asyncio.wait_for(client.shutdown_async(None), WAIT_S)
        client.exit(None)
        await client.stop()
        assert await server.exit_code() == 0


@pytest.mark.slow
async def test_without_the_right_token_nothing_is_processed(served, tmp_path):
    async with tcp_server(served, tmp_path) as server:
        with fake_llm() as (other_url, other):
            stranger = await Wire.tcp(server.port)
            stranger.notify("exit")  # dropped: it does not end the server
            stranger.notify("workspace/didChangeConfiguration", {"settings": {"providerBaseUrl": other_url}})
            stranger.request(1, "workspace/executeCommand", explain("file:///a.ts"))
            assert (await stranger.reply(1))["error"]["code"] == -32002
            refused = await stranger.initialize({"inlineEnabled": True})
            assert refused["error"] == {"code": TOKEN_REFUSED, "message": (
                "this server needs a token: send it as initializationOptions.token (idiom serve printed it, "
                "and the file it is kept in)")}
            assert await stranger.closed()

            guesser = await Wire.tcp(server.port)
            refused = await guesser.initialize({"token": server.token[:-1] + "x"})
            assert refused["error"]["code"] == TOKEN_REFUSED and "wrong" in refused["error"]["message"]
            assert await guesser.closed()

            # A setting sent before initialize is not applied, even once the client proves itself.
            owner = await Wire.tcp(server.port)
            owner.notify("workspace/didChangeConfiguration", {"settings": {"providerBaseUrl": other_url}})
            assert "result" in await owner.initialize({"token": server.token}, root_uri=served.repo.as_uri())
            owner.request(2, "textDocument/inlineCompletion", inline(did_open(owner, served.repo), invoked=True))
            assert (await owner.reply(2))["result"]["items"]
            assert served.script.requests and not other.requests
            assert await server.ended_by(owner) == 0


@pytest.mark.slow
async def test_a_client_leaving_never_ends_the_server_and_the_next_one_starts_fresh(served, tmp_path):
    async with tcp_server(served, tmp_path) as server:
        bare = await Wire.tcp(server.port)  # connect and close at once
        bare.writer.close()
        await server.until_said("disconnected; still listening")

        first = await Wire.tcp(server.port)
        await first.initialize({"token": server.token, "inlineEnabled": False}, root_uri=served.repo.as_uri())
        uri = did_open(first, served.repo)
        first.request(1, "textDocument/inlineCompletion", inline(uri, invoked=False))
        assert (await first.reply(1))["result"]["items"] == []  # typing does not trigger: inlineEnabled is off
        first.request(2, "textDocument/inlineCompletion", inline(uri, invoked=True))
        assert (await first.reply(2))["result"]["items"]
        first.request(3, "workspace/executeCommand", explain(uri))
        assert (await first.reply(3))["result"]["answered"]
        first.writer.close()  # gone without shutdown
        await server.until_said("disconnected; still listening")

        second = await Wire.tcp(server.port)
        await second.initialize({"token": server.token}, root_uri=served.repo.as_uri())
        did_open(second, served.repo)
        second.request(4, "workspace/executeCommand", explain(uri))
        assert (await second.reply(4))["result"] is None  # no decision of the first client
        second.request(5, "textDocument/inlineCompletion", inline(uri, invoked=False))
        assert (await second.reply(5))["result"]["items"]  # default settings, not the first client's
        assert server.process.returncode is None
        assert await server.ended_by(second) == 0


@pytest.mark.slow
async def test_one_client_at_a_time(served, tmp_path):
    async with tcp_server(served, tmp_path) as server:
        idle = await Wire.tcp(server.port)  # connected, never initializes: must not lock the owner out
        owner = await Wire.tcp(server.port)
        assert "result" in await owner.initialize({"token": server.token}, root_uri=served.repo.as_uri())

        second = await Wire.tcp(server.port)
        refusal = await second.message()
        assert refusal["id"] is None and refusal["error"]["code"] == BUSY
        assert "serves one at a time" in refusal["error"]["message"]
        assert await second.closed()
        late = await idle.initialize({"token": server.token})
        assert late["error"]["code"] == BUSY and await idle.closed()

        owner.request(1, "workspace/executeCommand", explain("file:///a.ts"))
        assert (await owner.reply(1))["result"] is None  # the first client is still served
        assert await server.ended_by(owner) == 0


@pytest.mark.slow
async def test_a_non_loopback_host_with_consent_listens_and_warns(served, tmp_path):
    async with tcp_server(served, tmp_path, "--host", "0.0.0.0", "--i-understand-this-exposes-code") as server:
        assert any(line.startswith("warning: 0.0.0.0 is not loopback") for line in server.said)
        wire = await Wire.tcp(server.port)
        assert "result" in await wire.initialize({"token": server.token})
        assert await server.ended_by(wire) == 0


@pytest.mark.parametrize("args, message", [
    (["--host", "0.0.0.0"], "--host only applies with --tcp PORT"),
    (["--token-file", "t"], "--token-file only applies with --tcp PORT"),
    (["--i-understand-this-exposes-code"], "--i-understand-this-exposes-code only applies with --tcp PORT"),
    (["--tcp", "9", "--host", "0.0.0.0"], ("--host 0.0.0.0 is not a loopback address: anyone who can reach it could "
     "try the server with your code and model keys; pass --i-understand-this-exposes-code to listen there anyway")),
    (["--tcp", "9", "--host", "192.168.1.20"], "pass --i-understand-this-exposes-code"),
])
def test_flags_that_need_tcp_or_consent(args, message) -> None:
    done = CliRunner().invoke(idiom, ["serve", *args])
    assert done.exit_code == 1 and message in done.output and len(done.output.strip().splitlines()) == 1


def test_a_port_in_use_is_one_line(tmp_path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "server", "serve", "--tcp", str(port), "--token-file",
                               str(tmp_path / "t")], check=False, capture_output=True, text=True, timeout=WAIT_S)
    assert done.returncode == 1 and done.stderr.startswith(f"Error: cannot listen on 127.0.0.1:{port}: ")
    assert len(done.stderr.strip().splitlines()) == 1


def test_serve_help_names_the_protocol_token_and_consent() -> None:
    done = subprocess.run([sys.executable, "-m", "server", "serve", "--help"], capture_output=True, text=True,
                          check=True)
    for text in ("--tcp", "docs/editor-protocol.md", "initializationOptions.token", "--token-file",
                 "--i-understand-this-exposes-code", "trusted"):
        assert text in done.stdout
