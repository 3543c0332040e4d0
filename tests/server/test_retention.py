"""Retained code through the real `idiom serve` and pytest-lsp's client: an accepted inline completion is
followed through the editor's edits; closing the document, or the editor shutting the server down, records
what was known, and `idiom roi` shows it beside acceptance."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from lsprotocol import types
from sqlalchemy import select

from router.database import database
from router.retention import retained_characters
from router.storage.schema import retention
from server.cli import idiom
from tests.server.lsp_client import end_of, initialize, open_file, start, until
from tests.server.test_server import GROUP, inline_params

pytestmark = pytest.mark.slow

BUTTON = "src/components/Button/Button.tsx"


def retained(repo, request_id: int) -> dict | None:
    """The request's retention row once its last checkpoint holds a measure, else None."""
    with database(repo) as db:
        row = db.execute(select(retention).where(retention.c.request_id == request_id)).mappings().first()
    return dict(row) if row and row["retained_600s"] is not None else None


async def take(client, uri: str, text: str, item: types.InlineCompletionItem) -> str:
    """Take `item`, offered at the end of `text`, as the editor does: insert it, then run its command; the new
    text."""
    at = end_of(text)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(version=2, uri=uri),
        [types.TextDocumentContentChangePartial(types.Range(at, at), item.insert_text)]))
    await client.workspace_execute_command_async(types.ExecuteCommandParams(item.command.command,
                                                                            item.command.arguments))
    return text + item.insert_text


async def accept(client, uri: str, text: str) -> tuple[int, str]:
    """Ask for ghost text at the end of `text` and take it; (its request id, the new text)."""
    [item] = (await client.text_document_inline_completion_async(inline_params(uri, end_of(text)))).items
    return item.command.arguments[0]["requestId"], await take(client, uri, text, item)


async def test_accepted_code_is_followed_until_close_or_shutdown_and_reported(served):
    served.script.text = GROUP
    client = await start(served.command, served.env)
    await initialize(client, served.repo, {"debounceMs": 20, "maxTokens": 64, "strategies": ["few_shot", "rag"]})
    text = (served.repo / BUTTON).read_text()
    uri = open_file(client, served.repo, BUTTON, text)
    first, now = await accept(client, uri, text)
    # The developer rewrites the component's body line: `<div>{children}</div>` becomes `<span />`.
    body = "  <div>{children}</div>\n"
    line = now[:now.index(body, len(text))].count("\n")
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(version=3, uri=uri), [types.TextDocumentContentChangePartial(
            types.Range(types.Position(line, 2), types.Position(line, len(body) - 1)), "<span />")]))
    client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri)))
    row = await until(lambda: retained(served.repo, first))
    expected = retained_characters(GROUP, GROUP.replace("<div>{children}</div>", "<span />"))
    assert row["characters"] == len(GROUP) and expected < len(GROUP)
    assert (row["retained_30s"], row["retained_120s"], row["retained_600s"]) == (expected,) * 3
    assert row["committed"] == "unknown"

    uri = open_file(client, served.repo, BUTTON, text)
    second, _ = await accept(client, uri, text)
    await client.shutdown_session()  # still open and untouched: shutting down records it whole
    await client.stop()
    assert retained(served.repo, second)["retained_600s"] == len(GROUP)

    done = CliRunner().invoke(idiom, ["roi", str(served.repo), "--json"])
    report = json.loads(done.output)
    assert sum(r["followed"] for r in report["retained"].values()) == 2
    assert sum(u["accepted"] for u in report["usage"].values()) == 2
    assert "longest common subsequence" in report["retained_definition"]
