"""An edit starts the query embedding of the inline completion that will follow it, at the cursor the edit leaves:
the request then finds its query encoded or under way. Nothing starts in limited mode, with typing's requests
turned off, or for an edit whose cursor the server cannot tell (a whole-document change)."""

from __future__ import annotations

import dataclasses
import threading
from concurrent.futures import Future
from pathlib import Path

import pytest
from lsprotocol import types

from router.config import IndexConfig, RouterConfig
from router.strategies.rag.focus import focus_of_request
from router.strategies.rag.query_encoder import QueryVectors
from router.strategies.rag.retrieve import dense_query
from server.lsp.answering import request_at
from server.lsp.completion import typed
from server.lsp.state import IdiomServer
from tests.server.test_following import edit

PATH = "src/components/Tag/Tag.tsx"
BEFORE = "import { Button } from '../Button/Button';\n\nexport const Tag = ("


def typing_server(repo: Path) -> tuple[IdiomServer, str]:
    """A server on `repo` with rag loaded (as after `initialized`) and PATH open with BEFORE in it."""
    ls = IdiomServer(repo)
    for _ in ls.protocol.lsp_initialize(types.InitializeParams(capabilities=types.ClientCapabilities(),
                                                               root_uri=repo.as_uri())):
        pass
    ls.strategies().answer_of("rag", RouterConfig(), IndexConfig(embedding_model="hash"))
    uri = (repo / PATH).as_uri()
    ls.workspace.put_text_document(types.TextDocumentItem(uri, "typescriptreact", 1, BEFORE))
    return ls, uri


def typed_edit(ls: IdiomServer, uri: str, change: types.TextDocumentContentChangeEvent) -> None:
    """The edit as the server takes it: the workspace updated, then the feature told."""
    document = types.VersionedTextDocumentIdentifier(version=2, uri=uri)
    ls.workspace.update_text_document(document, change)
    typed(ls, types.DidChangeTextDocumentParams(document, [change]))


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The queries whose encoding the caller's thread asks for from now on (the encoding runs on a thread of its
    own, as does the retrieval started with it; the answer takes both up: tests/router/test_loaded_strategies.py)."""
    queries: list[str] = []
    soon, caller = QueryVectors.soon, threading.current_thread()

    def recorded(self: QueryVectors, query: str) -> Future:
        if threading.current_thread() is caller:
            queries.append(query)
        return soon(self, query)

    monkeypatch.setattr(QueryVectors, "soon", recorded)
    return queries


def test_an_edit_starts_the_embedding_of_the_request_at_the_cursor_it_leaves(repo: Path, started: list[str]) -> None:
    ls, uri = typing_server(repo)
    started.clear()  # the index's warm-up query
    typed_edit(ls, uri, edit(2, 20, 2, 20, "{ label }: Props)"))
    cursor = types.Position(2, 20 + len("{ label }: Props)"))
    query = dense_query(focus_of_request(request_at(ls, uri, cursor)))
    assert started == [query]  # the one the request the editor sends next will ask for

    started.clear()
    typed_edit(ls, uri, edit(2, 36, 2, 37, ""))  # a backspace: the cursor stays where the deletion starts
    assert started == [dense_query(focus_of_request(request_at(ls, uri, types.Position(2, 36))))]
    ls.close()


@pytest.mark.parametrize("setting", ["limited mode", "typing off", "whole document"])
def test_nothing_starts_when_no_request_would_follow_or_its_cursor_is_unknown(
        repo: Path, started: list[str], setting: str) -> None:
    ls, uri = typing_server(repo)
    change: types.TextDocumentContentChangeEvent = edit(2, 20, 2, 20, "{ label }")
    if setting == "limited mode":
        ls.trusted = False
    elif setting == "typing off":
        ls.settings = dataclasses.replace(ls.settings, inline_enabled=False)
    else:
        change = types.TextDocumentContentChangeWholeDocument(BEFORE + "{ label }")
    started.clear()
    typed_edit(ls, uri, change)
    assert started == []
    ls.close()
