"""Alternatives through the real `idiom serve` and pytest-lsp's client: with `[router] alternatives`, the
inline completion offers the routed answer and other strategies' passing answers as separate items, each
tagged with its strategy; the one the developer takes is the feedback, and it is the one followed."""

from __future__ import annotations

import pytest
from lsprotocol import types
from sqlalchemy import select

from router.database import database
from router.storage.schema import feedback, requests
from tests.server.lsp_client import end_of, initialize, open_file, start, until
from tests.server.test_retention import BUTTON, retained, take
from tests.server.test_server import GROUP, inline_params

pytestmark = pytest.mark.slow


async def test_the_editor_cycles_through_strategies_and_the_one_taken_is_feedback(served):
    served.script.text = GROUP
    client = await start(served.command, {**served.env, "IDIOM_ROUTER_ALTERNATIVES": "1",
                                          "IDIOM_ROUTER_EXPLORATION": "0"})
    await initialize(client, served.repo, {"debounceMs": 20, "maxTokens": 64, "strategies": ["few_shot", "rag"]})
    text = (served.repo / BUTTON).read_text()
    uri = open_file(client, served.repo, BUTTON, text)
    items = (await client.text_document_inline_completion_async(inline_params(uri, end_of(text)))).items
    assert [item.insert_text for item in items] == [GROUP, GROUP]
    assert [item.command.title for item in items] == ["Idiomatic: accepted (few_shot)", "Idiomatic: accepted (rag)"]
    ids = [item.command.arguments[0]["requestId"] for item in items]
    assert len(set(ids)) == 2
    completion = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri), position=end_of(text)))
    assert [item.detail.split(" · ")[1] for item in completion.items] == ["few_shot", "rag"]

    # The developer cycles to the second item and takes it.
    items = (await client.text_document_inline_completion_async(inline_params(uri, end_of(text)))).items
    taken = items[1]
    await take(client, uri, text, taken)
    client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri)))
    taken_id = taken.command.arguments[0]["requestId"]
    assert (await until(lambda: retained(served.repo, taken_id)))["retained_600s"] == len(GROUP)
    with database(served.repo) as db:
        judged = db.execute(select(requests.c.strategy, feedback.c.outcome)
                            .join(feedback, feedback.c.request_id == requests.c.id)).all()
    assert judged == [("rag", "accepted")]
    await client.shutdown_session()
    await client.stop()
