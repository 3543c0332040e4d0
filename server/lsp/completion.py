"""As you type: `textDocument/inlineCompletion` (LSP 3.18) and `textDocument/completion` for clients
without inline support. One suggestion at most, and only one that passed the router's fast rules; a
newer request for the same document, or `$/cancelRequest`, drops the older one."""

from __future__ import annotations

from typing import Any

from lsprotocol import types

from server.lsp.answering import declined, request_at, routed_answer
from server.lsp.following import Offer
from server.lsp.state import IdiomServer

FEEDBACK = "idiom.feedback"


def accepted_command(request_id: int) -> types.Command:
    """Run by the editor when the developer takes the suggestion: it records the acceptance."""
    return types.Command(title="Idiomatic: accepted", command=FEEDBACK,
                         arguments=[{"requestId": request_id, "outcome": "accepted"}])


async def suggestion(ls: IdiomServer, uri: str, position: types.Position,
                     invoked: bool) -> tuple[str, dict[str, Any]] | None:
    """The suggestion at `position`, or None (disabled, superseded, nothing passed, a document the
    server will not work on, limited mode). Typing triggers only while `inlineEnabled`; an explicit
    request from the developer is always answered."""
    if not (invoked or ls.settings.inline_enabled):
        return None
    ticket = ls.ticket(uri)
    problem = ls.document_problem(uri)
    if problem:
        declined(ls, uri, problem)
        return None
    found = await routed_answer(ls, uri, request_at(ls, uri, position, max_tokens=ls.settings.max_tokens), ticket)
    if not (found and found[0]):
        return None
    document = ls.open_document(uri)
    if document is not None:  # what its acceptance will follow (server/lsp/retention.py)
        offset = min(document.offset_at_position(position), len(document.source))
        ls.offers[uri] = Offer(found[1]["requestId"], offset, found[0])
    return found


async def inline_completion(ls: IdiomServer, params: types.InlineCompletionParams) -> types.InlineCompletionList:
    """Ghost text at the cursor."""
    uri, at = params.text_document.uri, params.position
    found = await suggestion(ls, uri, at, params.context.trigger_kind == types.InlineCompletionTriggerKind.Invoked)
    if found is None:
        return types.InlineCompletionList(items=[])
    text, decision = found
    return types.InlineCompletionList(items=[types.InlineCompletionItem(
        insert_text=text, range=types.Range(at, at), command=accepted_command(decision["requestId"]))])


async def completion(ls: IdiomServer, params: types.CompletionParams) -> types.CompletionList:
    """The suggestion as one completion-list item, for editors without inline completion."""
    context = params.context
    invoked = context is None or context.trigger_kind == types.CompletionTriggerKind.Invoked
    found = await suggestion(ls, params.text_document.uri, params.position, invoked)
    if found is None:
        return types.CompletionList(is_incomplete=True, items=[])
    text, decision = found
    cost = f"${decision['costUsd']:.5f}" if decision["costUsd"] is not None else "cost unknown"
    item = types.CompletionItem(
        label=next((line.strip() for line in text.splitlines() if line.strip()), text)[:80],
        kind=types.CompletionItemKind.Snippet, detail=f"idiomatic · {decision['strategy']} · {cost}",
        insert_text=text, insert_text_format=types.InsertTextFormat.PlainText, sort_text="0",
        command=accepted_command(decision["requestId"]))
    return types.CompletionList(is_incomplete=True, items=[item])


def register(ls: IdiomServer) -> None:
    """Wire this module's features into the server."""
    ls.feature(types.TEXT_DOCUMENT_INLINE_COMPLETION, types.InlineCompletionOptions())(inline_completion)
    ls.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[".", "(", "<"]))(
        completion)
