"""Faults on the request path: a provider answering 500 or timing out, a strategy raising on a
corrupted index, and malformed JSON-RPC. The editor gets a fallback answer or none, never an error
popup, and the server stays up for the next request."""

from __future__ import annotations

import pytest
from lsprotocol import types

from tests.server.lsp_client import end_of, initialize, open_file, start, until
from tests.server.test_server import GROUP, inline_params
from tests.server.wire import Wire

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
    # Raw bytes on the wire: a real client library would refuse to send these (tests/badinput/ has many more).
    wire = await Wire.stdio(served.command, served.env)
    try:
        assert "capabilities" in (await wire.initialize())["result"]
        wire.send(b'{"jsonrpc": "2.0", "id": 2, "method": ')  # cut short: not JSON
        assert (await wire.reply(None))["error"]["code"] == -32700
        wire.request(3, "textDocument/inlineCompletion", {"position": "x"})
        assert (await wire.reply(3))["error"]["code"] == -32602
        wire.request(4, "idiom/unknown", {})
        assert (await wire.reply(4))["error"]["code"] == -32601
        wire.send_raw(b"Content-Type: application/json\r\n\r\n{}")  # no Content-Length: dropped
        wire.request(5, "workspace/executeCommand", {"command": "idiom.explain", "arguments": [{"uri": "file:///a.ts"}]})
        assert (await wire.reply(5)) == {"jsonrpc": "2.0", "id": 5, "result": None}  # still serving
        assert await wire.end() == 0
        assert b"Traceback" not in wire.raw and all("data" not in m.get("error", {}) for m in wire.received)
    finally:
        await wire.stop()
