"""`idiom serve --tcp PORT`: the same server on 127.0.0.1, reached by a pygls client over a socket."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys

import pytest
from click.testing import CliRunner
from lsprotocol import types
from pygls.lsp.client import LanguageClient

from server.cli import idiom
from tests.server.lsp_client import WAIT_S

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_tcp_server_answers_on_loopback(served):
    port = free_port()
    server = await asyncio.create_subprocess_exec(*served.command, "--tcp", str(port), env=served.env,
                                                  stderr=asyncio.subprocess.PIPE)
    try:
        assert b"listening on 127.0.0.1" in await asyncio.wait_for(server.stderr.readline(), WAIT_S)
        client = LanguageClient("tcp-test", "1")
        for _ in range(100):  # the listener opens right after the line above
            try:
                await client.start_tcp("127.0.0.1", port)
                break
            except ConnectionRefusedError:
                await asyncio.sleep(0.05)
        result = await asyncio.wait_for(client.initialize_async(types.InitializeParams(
            capabilities=types.ClientCapabilities(), root_uri=served.repo.as_uri())), WAIT_S)
        assert "idiom.generate" in result.capabilities.execute_command_provider.commands
        assert result.capabilities.inline_completion_provider is not None
        await asyncio.wait_for(client.shutdown_async(None), WAIT_S)
        client.exit(None)
        await client.stop()
    finally:
        if server.returncode is None:
            server.terminate()
        await asyncio.wait_for(server.wait(), WAIT_S)


def test_host_needs_tcp() -> None:
    done = CliRunner().invoke(idiom, ["serve", "--host", "0.0.0.0"])
    assert done.exit_code == 1 and "--host only applies with --tcp PORT" in done.output


def test_serve_help_names_the_protocol() -> None:
    done = subprocess.run([sys.executable, "-m", "server", "serve", "--help"], capture_output=True, text=True,
                          check=True)
    assert "--tcp" in done.stdout and "docs/editor-protocol.md" in done.stdout
