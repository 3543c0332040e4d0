"""As you type: `textDocument/inlineCompletion` (LSP 3.18) and `textDocument/completion` for clients
without inline support. Only suggestions that passed the router's fast rules: the routed answer, then, with
`[router] alternatives`, other strategies' answers that passed within the latency budget, as further items
the editor cycles through, each tagged with its strategy. A newer request for the same document, or
`$/cancelRequest`, drops the older one. An edit starts the work for the request that will follow it (`typed`)."""

from __future__ import annotations

from lsprotocol import types

from router.requests import request_in
from server.lsp.answering import declined, request_at, routed_answer, start_ahead
from server.lsp.following import Offer
from server.lsp.positions import offsets
from server.lsp.state import IdiomServer
from server.lsp.team import team_of

FEEDBACK = "idiom.feedback"


def accepted_command(offer: Offer) -> types.Command:
    """Run by the editor when the developer takes the suggestion: it records the acceptance (of this item, when
    there are several: the one kept is feedback on its strategy)."""
    return types.Command(title=f"Idiomatic: accepted ({offer.strategy})", command=FEEDBACK,
                         arguments=[{"requestId": offer.request_id, "outcome": "accepted"}])


async def suggestions(ls: IdiomServer, uri: str, position: types.Position, invoked: bool) -> list[Offer]:
    """The suggestions at `position`, the routed answer first, or [] (disabled, superseded, nothing passed, a
    document the server will not work on, limited mode). Typing triggers only while `inlineEnabled`; an
    explicit request from the developer is always answered."""
    if not (invoked or ls.settings.inline_enabled):
        return []
    ticket = ls.ticket(uri)
    problem = ls.document_problem(uri)
    if problem:
        declined(ls, uri, problem)
        return []
    found = await routed_answer(ls, uri, request_at(ls, uri, position, max_tokens=ls.settings.max_tokens), ticket,
                                alternatives=True)
    document = ls.open_document(uri)
    if not (found and found[0]) or document is None:
        return []
    text, decision = found
    (offset,) = offsets(document, position)
    offers = [Offer(decision["requestId"], offset, text, decision["strategy"], decision["costUsd"]),
              *(Offer(other["requestId"], offset, other["text"], other["strategy"], other["costUsd"])
                for other in decision["alternatives"])]
    ls.offers[uri] = offers  # what an acceptance will follow (server/lsp/retention.py)
    return offers


async def inline_completion(ls: IdiomServer, params: types.InlineCompletionParams) -> types.InlineCompletionList:
    """Ghost text at the cursor."""
    uri, at = params.text_document.uri, params.position
    offers = await suggestions(ls, uri, at, params.context.trigger_kind == types.InlineCompletionTriggerKind.Invoked)
    return types.InlineCompletionList(items=[types.InlineCompletionItem(
        insert_text=offer.text, range=types.Range(at, at), command=accepted_command(offer)) for offer in offers])


async def completion(ls: IdiomServer, params: types.CompletionParams) -> types.CompletionList:
    """The suggestions as completion-list items, for editors without inline completion."""
    context = params.context
    invoked = context is None or context.trigger_kind == types.CompletionTriggerKind.Invoked
    offers = await suggestions(ls, params.text_document.uri, params.position, invoked)
    items = []
    for rank, offer in enumerate(offers):
        cost = f"${offer.cost_usd:.5f}" if offer.cost_usd is not None else "cost unknown"
        items.append(types.CompletionItem(
            label=next((line.strip() for line in offer.text.splitlines() if line.strip()), offer.text)[:80],
            kind=types.CompletionItemKind.Snippet, detail=f"idiomatic · {offer.strategy} · {cost}",
            insert_text=offer.text, insert_text_format=types.InsertTextFormat.PlainText, sort_text=str(rank),
            command=accepted_command(offer)))
    return types.CompletionList(is_incomplete=True, items=items)


def typed(ls: IdiomServer, params: types.DidChangeTextDocumentParams) -> None:
    """Start the retrieval and the prompt of the request an edit will be followed by, where the edit leaves the
    cursor. An editor sends the edit at once and asks for ghost text only when typing pauses (VS Code: 50 ms after
    the last keystroke), so the request finds them done. Only while typing triggers requests, and never loading
    anything (`start_ahead`); an edit that leaves the cursor elsewhere (an auto-closed bracket), or that no
    request follows, costs a retrieval and a prompt no request uses (about 7.5 ms of CPU on primitives: the encoder,
    the retrieval, the prompt and its scrub; bench/RESULTS.md, stop 45)."""
    uri = params.text_document.uri
    change = params.content_changes[-1] if params.content_changes else None
    if not (ls.settings.inline_enabled and ls.trusted and isinstance(change, types.TextDocumentContentChangePartial)) \
            or team_of(ls) is not None or ls.document_problem(uri):
        return
    document = ls.open_document(uri)
    text = document.source  # the text before the edit's start is as it was, so its position still holds
    cursor = min(offsets(document, change.range.start)[0] + len(change.text), len(text))
    start_ahead(ls, request_in(text, cursor, cursor, ls.path_of(uri), max_tokens=ls.settings.max_tokens))


def register(ls: IdiomServer) -> None:
    """Wire this module's features into the server."""
    ls.feature(types.TEXT_DOCUMENT_INLINE_COMPLETION, types.InlineCompletionOptions())(inline_completion)
    ls.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[".", "(", "<"]))(
        completion)
