"""Faults on the request path: a provider answering 500 or timing out, a strategy raising on a
corrupted index, and malformed JSON-RPC. The editor gets a fallback answer or none, never an error
popup, and the server stays up for the next request."""

from __future__ import annotations

import asyncio
import json
from asyncio.subprocess import DEVNULL, PIPE

import pytest
from lsprotocol import types

from tests.server.lsp_client import WAIT_S, end_of, initialize, open_file, start, until
from tests.server.test_server import GROUP, inline_params

pytestmark = pytest.mark.slow
BUTTON = "src/components/Button/Button.tsx"


async def served_client(served, settings: dict | None = None):
    served.script.text = GROUP
    client = await start(served.command, served.env)
    await initialize(client, served.repo, {"strategies": ["few_shot", "rag"], **(settings or {})})
    return client


async def complete(client, served) -> types.InlineCompletionList:
    text = (served.repo / BUTTON).read_text()
    uri = open_file(client, served.repo, BUTTON)
    return await client.text_document_inline_completion_async(inline_params(uri, end_of(text)))


async def test_a_provider_error_or_timeout_falls_back_to_the_next_strategy(served):
    served.env["IDIOM_ROUTER_TIMEOUT"] = "0.5"
    client = await served_client(served)
    try:
        served.script.replies = [(500, 0.0)]
        [item] = (await complete(client, served)).items
        assert item.insert_text == GROUP
        assert [a.strategy for a in client.decisions] == ["rag"]
        served.script.replies = [(200, 3.0)]  # few_shot's call outlives the timeout
        [item] = (await complete(client, served)).items
        assert client.decisions[-1].strategy == "rag"
        served.script.replies = [(500, 0.0)] * 2  # every strategy fails: no suggestion, no error
        assert not (await complete(client, served)).items
        assert not client.decisions[-1].answered and "failed" in client.decisions[-1].reason
        assert not client.messages  # nothing popped up in the editor
        assert any("few_shot failed" in m.message for m in client.log_messages)
    finally:
        await client.shutdown_session()
        await client.stop()


async def test_a_corrupted_index_costs_rag_only(served):
    from harvest.store import idiom_home

    (idiom_home(served.repo) / "index" / "units.jsonl").write_text("{not json\n")
    (idiom_home(served.repo) / "index" / "bm25").mkdir(exist_ok=True)
    for part in (idiom_home(served.repo) / "index" / "bm25").iterdir():
        part.write_bytes(b"\x00garbage")
    client = await served_client(served, {"strategies": ["rag"]})
    try:
        assert not (await complete(client, served)).items
        assert not client.decisions[-1].answered
        await until(lambda: any("rag" in m.message for m in client.log_messages))
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings={"idiomatic": {"strategies": ["rag", "few_shot"]}}))
        [item] = (await complete(client, served)).items
        assert item.insert_text == GROUP and client.decisions[-1].strategy == "few_shot"
        assert not client.messages
    finally:
        await client.shutdown_session()
        await client.stop()


async def test_malformed_json_rpc_gets_an_error_and_the_server_stays_up(served):
    # Raw bytes on the wire: a real client library would refuse to send these.
    server = await asyncio.create_subprocess_exec(*served.command, env=served.env, stdin=PIPE, stdout=PIPE,
                                                  stderr=DEVNULL)

    def send(body: bytes) -> None:
        server.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))

    async def answer_to(request_id: object) -> dict:
        while True:
            header = await asyncio.wait_for(server.stdout.readuntil(b"\r\n\r\n"), WAIT_S)
            length = int(header.split(b"Content-Length: ")[1].split(b"\r\n")[0])
            message = json.loads(await server.stdout.readexactly(length))
            if "method" not in message and message.get("id") == request_id:
                return message

    send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}).encode())
    assert "capabilities" in (await answer_to(1))["result"]
    send(b'{"jsonrpc": "2.0", "id": 2, "method": ')  # cut short: not JSON
    assert (await answer_to(None))["error"]["code"] == -32700
    send(json.dumps({"jsonrpc": "2.0", "id": 3, "method": "textDocument/inlineCompletion",
                     "params": {"position": "x"}}).encode())
    assert (await answer_to(3))["error"]["code"] == -32602
    send(json.dumps({"jsonrpc": "2.0", "id": 4, "method": "idiom/unknown", "params": {}}).encode())
    assert (await answer_to(4))["error"]["code"] == -32601
    send(json.dumps({"jsonrpc": "2.0", "id": 5, "method": "workspace/executeCommand",
                     "params": {"command": "idiom.explain", "arguments": [{"uri": "file:///a.ts"}]}}).encode())
    assert (await answer_to(5)) == {"jsonrpc": "2.0", "id": 5, "result": None}  # still serving
    send(json.dumps({"jsonrpc": "2.0", "id": 6, "method": "shutdown"}).encode())
    await answer_to(6)
    send(json.dumps({"jsonrpc": "2.0", "method": "exit"}).encode())
    assert await asyncio.wait_for(server.wait(), WAIT_S) == 0
