"""A document's edits and its closing, which three features follow: inline completion (an edit starts the work
of the request it leads to), the convention diagnostics (checked again once typing pauses, cleared on close)
and retained code (accepted completions followed through each edit)."""

from __future__ import annotations

from lsprotocol import types

from server.lsp import completion, diagnostics, retention
from server.lsp.state import IdiomServer


def register(ls: IdiomServer) -> None:
    """Wire this module's features into the server (pygls takes one handler per notification)."""

    @ls.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: IdiomServer, params: types.DidChangeTextDocumentParams) -> None:
        completion.typed(ls, params)  # first: its retrieval runs while the rest is done
        retention.changed(ls, params)
        diagnostics.changed(ls, params.text_document.uri)

    @ls.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: IdiomServer, params: types.DidCloseTextDocumentParams) -> None:
        retention.closed(ls, params.text_document.uri)
        diagnostics.closed(ls, params.text_document.uri)
