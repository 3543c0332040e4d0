"""A pytest-lsp client for the real `idiom serve` subprocess that also records what Idiomatic adds
to the protocol (`idiom/decision`) and the edits the server asks it to apply."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import make_test_lsp_client

WAIT_S = 60.0


def recording_client() -> LanguageClient:
    """pytest-lsp's client plus handlers for applyEdit (applied) and idiom/decision (kept)."""
    client = make_test_lsp_client()
    client.edits: list[types.ApplyWorkspaceEditParams] = []
    client.decisions: list[Any] = []

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(client: LanguageClient, params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        client.edits.append(params)
        return types.ApplyWorkspaceEditResult(applied=True)

    @client.feature("idiom/decision")
    def decision(client: LanguageClient, params: Any) -> None:
        client.decisions.append(params)

    return client


async def start(command: list[str], env: dict[str, str]) -> LanguageClient:
    """Start the server subprocess with the recording client attached over stdio."""
    return await ClientServerConfig(server_command=command, server_env=env,
                                    client_factory=recording_client).start()


async def initialize(client: LanguageClient, repo: Path, settings: dict[str, Any],
                     **session: Any) -> types.InitializeResult:
    """initialize (with the editor's settings, and `session` keys such as trusted beside them) + initialized,
    as an editor with every capability sends them."""
    capabilities = types.ClientCapabilities(
        window=types.WindowClientCapabilities(work_done_progress=True),
        workspace=types.WorkspaceClientCapabilities(apply_edit=True),
        text_document=types.TextDocumentClientCapabilities(
            inline_completion=types.InlineCompletionClientCapabilities()))
    return await client.initialize_session(types.InitializeParams(
        capabilities=capabilities, root_uri=repo.as_uri(), initialization_options={"idiomatic": settings, **session}))


async def until(condition: Callable[[], Any], timeout: float = WAIT_S) -> Any:
    """Wait until what the client recorded satisfies `condition` (its truthy value), or fail."""
    async def poll() -> Any:
        while not (value := condition()):
            await asyncio.sleep(0.01)  # yields to the client's reader; the timeout bounds the wait
        return value

    return await asyncio.wait_for(poll(), timeout)


def open_file(client: LanguageClient, repo: Path, relative: str, text: str | None = None) -> str:
    """didOpen a repository file (its text from disk unless given); returns its URI."""
    path = repo / relative
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
        uri=uri, language_id="typescriptreact", version=1, text=path.read_text() if text is None else text)))
    return uri


def end_of(text: str) -> types.Position:
    """The position after the last character of `text`."""
    lines = text.split("\n")
    return types.Position(len(lines) - 1, len(lines[-1]))
