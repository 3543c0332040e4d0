"""`workspace/executeCommand`: generate code from an instruction, explain the last decision, record
feedback, re-index, check a file against the conventions, and build the ROI report.

Each command takes one object argument and returns one object (docs/editor-protocol.md). A command
that cannot do its job answers with a JSON-RPC error saying what to run; the server stays up.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams, JsonRpcServerError
from pygls.workspace import TextDocument

from harvest.errors import IdiomError
from router.config import load_roi_config
from router.feedback import record_feedback
from router.reports.report import write_report
from router.strategies.registry import strategy
from server.lsp.answering import index_config, preload, request_at, routed_answer
from server.lsp.diagnostics import publish
from server.lsp.protocol import COMMAND_FAILED, kind_of_json
from server.lsp.retention import accepted
from server.lsp.state import CONVERTER, IdiomServer
from server.lsp.team import TeamUnreachable, team_of
from server.lsp.trust import require_trust

T = TypeVar("T")


def _argument(name: str, args: tuple[Any, ...], *required: str) -> dict[str, Any]:
    """The command's one object argument, with its required keys."""
    argument = args[0] if args else {}
    missing = [key for key in required if not isinstance(argument, dict) or key not in argument]
    if not isinstance(argument, dict) or missing:
        raise JsonRpcInvalidParams(f"{name} takes one object with {', '.join(required) or 'no required keys'}; "
                                   f"missing {', '.join(missing) or 'the object'}")
    return argument


def _uri(name: str, argument: dict[str, Any]) -> str:
    uri = argument["uri"]
    if not isinstance(uri, str):
        raise JsonRpcInvalidParams(f"{name}: uri must be a string, not {kind_of_json(uri)}")
    return uri


EXAMPLES = {types.Position: {"line": 0, "character": 0},  # shown when a command argument does not fit
            types.Range: {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 4}}}


def _structured(name: str, key: str, value: Any, kind: type) -> Any:
    """An LSP value from a command argument (a Range, a Position), or the error saying what is wrong."""
    try:
        return CONVERTER.structure(value, kind)
    except Exception:  # noqa: BLE001 - cattrs raises several kinds; each means the value does not fit
        raise JsonRpcInvalidParams(f"{name}: {key} must be an LSP {kind.__name__}, e.g. "
                                   f"{json.dumps(EXAMPLES[kind])}") from None


def _document(ls: IdiomServer, name: str, uri: str) -> TextDocument:
    problem, document = ls.document_problem(uri), ls.open_document(uri)
    if problem or document is None:
        raise JsonRpcInvalidParams(f"{name}: {problem}")
    return document


async def _blocking(ls: IdiomServer, function: Callable[..., T], *args: Any) -> T:
    """Run `function` off the loop; the project's own errors become a JSON-RPC error with their message."""
    try:
        return await ls.off_loop(function, *args)
    except (IdiomError, TeamUnreachable) as exc:
        raise JsonRpcServerError(str(exc), COMMAND_FAILED) from None


async def generate(ls: IdiomServer, *args: Any) -> dict[str, Any]:
    """idiom.generate: the instruction (with the selection, when there is one) → code applied to the document."""
    require_trust(ls.trusted, "idiom.generate")
    argument = _argument("idiom.generate", args, "uri", "instruction")
    uri = _uri("idiom.generate", argument)
    document = _document(ls, "idiom.generate", uri)
    if argument.get("range"):
        chosen = _structured("idiom.generate", "range", argument["range"], types.Range)
    else:
        end = types.Position(len(document.lines), 0)
        at = _structured("idiom.generate", "position", argument["position"], types.Position) \
            if argument.get("position") else end
        chosen = types.Range(at, at)
    request = request_at(ls, uri, chosen.start, chosen.end, str(argument["instruction"]))
    text, decision = await routed_answer(ls, uri, request) or ("", {})
    applied = False
    if text:
        if request.prefix and not request.prefix.endswith("\n") and chosen.start == chosen.end:
            text = "\n" + text
        edit = types.WorkspaceEdit(changes={uri: [types.TextEdit(chosen, text)]})
        result = await ls.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(edit, label="Idiomatic: generate"))
        applied = bool(result.applied)
    return {**{k: decision.get(k) for k in ("requestId", "strategy", "kind", "reason", "costUsd", "latencyS")},
            "text": text, "applied": applied}


def explain(ls: IdiomServer, *args: Any) -> dict[str, Any] | None:
    """idiom.explain: the last decision for the document (None before its first request)."""
    return ls.decisions.get(_uri("idiom.explain", _argument("idiom.explain", args, "uri")))


async def feedback(ls: IdiomServer, *args: Any) -> dict[str, Any]:
    """idiom.feedback: accepted, rejected or edited (with the final text) for a logged request."""
    require_trust(ls.trusted, "idiom.feedback")
    argument = _argument("idiom.feedback", args, "requestId", "outcome")
    request_id = argument["requestId"]
    if not isinstance(request_id, int) or isinstance(request_id, bool) or request_id <= 0:
        raise JsonRpcInvalidParams(f"idiom.feedback: requestId must be a logged request's id, not {request_id!r}")
    team = team_of(ls)
    if team is not None:  # the request was logged by the team server: so is what became of it
        await _blocking(ls, team.feedback, request_id, str(argument["outcome"]), str(argument.get("finalText", "")))
    else:
        await _blocking(ls, record_feedback, ls.root(), request_id, str(argument["outcome"]),
                        str(argument.get("finalText", "")))
    if argument["outcome"] == "accepted":
        await accepted(ls, request_id)
    return {"recorded": True, "requestId": request_id}


async def reindex(ls: IdiomServer, *args: Any) -> dict[str, Any]:
    """idiom.reindex: bring the retrieval index up to date with the dataset, reporting `$/progress`; the
    rag strategy then loads the new index in the background."""
    require_trust(ls.trusted, "idiom.reindex")
    refresh = strategy("rag").refresh
    if refresh is None:  # rag keeps an index of its own: this is a bug, not a user's mistake
        raise JsonRpcServerError("idiom.reindex: the rag strategy has no index to refresh", COMMAND_FAILED)
    index = index_config(ls)
    token = await _progress_token(ls)
    if token:
        ls.work_done_progress.begin(token, types.WorkDoneProgressBegin("Idiomatic: re-indexing", percentage=0))
    loop, done = asyncio.get_running_loop(), [0]

    def advanced(count: int) -> None:
        done[0] += count
        if token:
            loop.call_soon_threadsafe(ls.work_done_progress.report, token,
                                      types.WorkDoneProgressReport(message=f"{done[0]} units embedded"))

    try:
        stats = await _blocking(ls, refresh, ls.strategies().artifacts, index, advanced)
    finally:
        if token:
            ls.work_done_progress.end(token, types.WorkDoneProgressEnd(message="done"))
    ls.forget()
    ls.in_background(preload, ls)
    return stats


async def _progress_token(ls: IdiomServer) -> str:
    """A work-done progress token created on the client, or "" when it cannot show progress."""
    window = ls.client_capabilities.window
    if not (window and window.work_done_progress):
        return ""
    token = f"idiom-{uuid.uuid4().hex[:8]}"
    await ls.work_done_progress.create_async(token)
    return token


async def validate_file(ls: IdiomServer, *args: Any) -> dict[str, Any]:
    """idiom.validateFile: the document's convention breaks (also published as diagnostics)."""
    uri = _uri("idiom.validateFile", _argument("idiom.validateFile", args, "uri"))
    _document(ls, "idiom.validateFile", uri)
    found = await publish(ls, uri)
    return {"uri": uri, "violations": [{"rule": v.rule, "line": v.line, "message": f"{v.message} — {v.evidence}"}
                                       for v in found]}


async def report(ls: IdiomServer, *args: Any) -> dict[str, str]:
    """idiom.report: build the ROI report from the stored runs and the request log; returns its paths."""
    require_trust(ls.trusted, "idiom.report")
    repo = ls.root()
    paths = await _blocking(ls, lambda: write_report(repo, load_roi_config(repo)))
    return {"html": str(paths["html"]), "markdown": str(paths["md"]), "json": str(paths["json"])}


COMMANDS = {"idiom.generate": generate, "idiom.explain": explain, "idiom.feedback": feedback,
            "idiom.reindex": reindex, "idiom.validateFile": validate_file, "idiom.report": report}


def register(ls: IdiomServer) -> None:
    """Wire every command into the server."""
    for name, handler in COMMANDS.items():
        ls.command(name)(handler)
