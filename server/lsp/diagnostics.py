"""Convention breaks as you type: on open and save, and `debounceMs` after the last change, the mined
conventions run on the document and publish `Diagnostic`s; a code action asks Idiomatic to fix one."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from lsprotocol import types

from server.lsp.state import CONVERTER, IdiomServer

if TYPE_CHECKING:  # imported when the first file is checked: the server starts without the linter
    from harvest.conventions.lint import Violation

SOURCE = "idiom"
# A rule's tier as the editor shows it: a warning is underlined as one, information is a quiet hint.
SEVERITIES = {"warning": types.DiagnosticSeverity.Warning, "info": types.DiagnosticSeverity.Information}


def violations_of(ls: IdiomServer, uri: str) -> list[Violation]:
    """The open document's convention breaks (runs in a worker thread: it may parse the file)."""
    from harvest.conventions.lint import lint_text
    from server.lsp.team import editor_conventions

    rules = list(editor_conventions(ls).values())
    return lint_text(ls.root(), ls.path_of(uri), ls.open_document(uri).source, rules)


def diagnostic(violation: Violation) -> types.Diagnostic:
    """One break as an editor diagnostic of its rule's severity: the convention, what broke it, and the
    evidence for it."""
    line = max(violation.line - 1, 0)
    return types.Diagnostic(range=types.Range(types.Position(line, 0), types.Position(line + 1, 0)),
                            message=f"{violation.message} — {violation.evidence}",
                            severity=SEVERITIES[violation.severity], source=SOURCE, code=violation.rule)


async def publish(ls: IdiomServer, uri: str) -> list[Violation]:
    """Check the document now and publish its diagnostics; returns the violations."""
    found = []
    problem = ls.document_problem(uri)
    if problem:
        ls.log(f"not checked against the conventions: {problem}", types.MessageType.Warning)
    elif ls.settings.diagnostics_enabled:
        try:
            found = await ls.off_loop(violations_of, ls, uri)
        except Exception as exc:  # noqa: BLE001 - a broken conventions file must not take the server down
            ls.log(f"cannot check {uri} against the conventions: {exc}", types.MessageType.Warning)
    document = ls.open_document(uri)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
        uri=uri, version=document.version if document else None, diagnostics=[diagnostic(v) for v in found]))
    return found


def schedule(ls: IdiomServer, uri: str, delay_s: float) -> None:
    """Check `uri` after `delay_s` of quiet; a newer change restarts the wait."""
    pending = ls.debounced.pop(uri, None)
    if pending is not None:
        pending.cancel()

    async def later() -> None:
        await asyncio.sleep(delay_s)
        await publish(ls, uri)

    ls.debounced[uri] = asyncio.ensure_future(later())


def changed(ls: IdiomServer, uri: str) -> None:
    """The document changed: check it again once typing pauses."""
    schedule(ls, uri, ls.settings.debounce_ms / 1000)


def closed(ls: IdiomServer, uri: str) -> None:
    """The document closed: its pending check is dropped and its diagnostics cleared."""
    pending = ls.debounced.pop(uri, None)
    if pending is not None:
        pending.cancel()
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, []))


def code_actions(ls: IdiomServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    """"Ask Idiomatic to fix" for each of our diagnostics in the range: idiom.generate on its line (none
    in limited mode, where idiom.generate is refused)."""
    uri = params.text_document.uri
    if not ls.trusted:
        return []
    return [types.CodeAction(
        title=f"Ask Idiomatic to fix: {d.code}", kind=types.CodeActionKind.QuickFix, diagnostics=[d],
        command=types.Command(title=f"Ask Idiomatic to fix: {d.code}", command="idiom.generate", arguments=[{
            "uri": uri, "range": CONVERTER.unstructure(d.range),
            "instruction": f"Rewrite this code so it follows the team's convention ({d.code}): {d.message}"}]))
        for d in params.context.diagnostics if d.source == SOURCE]


def register(ls: IdiomServer) -> None:
    """Wire this module's features into the server."""

    @ls.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: IdiomServer, params: types.DidOpenTextDocumentParams) -> None:
        await publish(ls, params.text_document.uri)

    @ls.feature(types.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: IdiomServer, params: types.DidSaveTextDocumentParams) -> None:
        await publish(ls, params.text_document.uri)

    ls.feature(types.TEXT_DOCUMENT_CODE_ACTION,
               types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))(code_actions)
