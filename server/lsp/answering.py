"""From an editor position to a routed answer: build the request, wait for a model slot, run the
router's cascade off the event loop (or ask the team server, server/lsp/team.py, when the editor set one),
then tell the editor what was decided."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from router.contracts import CompletionRequest
from router.requests import request_in
from server.lsp.positions import offsets
from server.lsp.state import IdiomServer, decision_payload, failure_payload
from server.lsp.team import (
    TeamServer,
    TeamUnreachable,
    decision_of,
    editor_conventions,
    reached,
    team_of,
)
from server.lsp.trust import REASON

if TYPE_CHECKING:  # the router is imported on the first request, not when the server starts
    from router.config import IndexConfig, RouterConfig
    from router.routing import Routed

DECISION = "idiom/decision"  # notification after every answer, for the status bar


def request_at(ls: IdiomServer, uri: str, start: types.Position, end: types.Position | None = None,
               instruction: str = "", max_tokens: int = 0) -> CompletionRequest:
    """The router's request for the code around `start` (or replacing start..end) in the open document
    (the caller made sure it is open: `document_problem`)."""
    document = ls.open_document(uri)
    head, tail = offsets(document, start, end) if end is not None else offsets(document, start) * 2
    return request_in(document.source, head, tail, ls.path_of(uri), instruction, max_tokens)


def index_config(ls: IdiomServer) -> IndexConfig:
    """`[index]` of the repository's idiom.toml, with the editor's `indexUrl` over it."""
    from router.config import load_index_config

    index = ls.cached("index", lambda: load_index_config(ls.root()))
    return dataclasses.replace(index, url=ls.settings.index_url or index.url)


def router_config(ls: IdiomServer) -> RouterConfig:
    """`[router]` of the repository's idiom.toml, with the editor's non-zero settings over it."""
    from router.providers import load_router_config

    settings = ls.settings
    overrides = {"latency_budget_s": settings.latency_budget_s, "min_pass_rate": settings.min_pass_rate,
                 "base_url": settings.provider_base_url}
    config = ls.cached("router", lambda: load_router_config(ls.root()))
    return dataclasses.replace(config, **{k: v for k, v in overrides.items() if v})


def _route(ls: IdiomServer, request: CompletionRequest, alternatives: bool) -> Routed:
    """The cascade with the editor's settings (runs in a worker thread); with `alternatives`, up to
    `[router] alternatives` further answers."""
    from router.routing import answer

    config = router_config(ls)
    return answer(request, ls.strategies(), config, index_config(ls), editor_conventions(ls),
                  allowed=ls.settings.strategies, alternatives=config.alternatives if alternatives else 0)


def _answer(ls: IdiomServer, team: TeamServer | None, uri: str, request: CompletionRequest,
            alternatives: bool) -> tuple[str, dict[str, Any]]:
    """The answer's text and its decision (runs in a worker thread): the team server's when the editor set one,
    else this machine's cascade."""
    if team is not None:
        answered = team.complete(request)
        return answered.get("text", ""), decision_of(uri, answered)
    routed = _route(ls, request, alternatives)
    return (routed.completion.text if routed.completion else ""), decision_payload(uri, routed)


def preload(ls: IdiomServer) -> None:
    """Load the strategies the editor allows, the conventions and the provider's client, before the first
    request needs them (runs in a worker thread after `initialized`); what cannot load is logged, and is tried
    again then."""
    from router.providers import SENDERS, open_client, start_helper, stop_helper

    try:
        editor_conventions(ls)
        if team_of(ls) is not None:  # the team server answers: nothing of the router's to load here
            stop_helper()
            return
        config = router_config(ls)
        if config.provider in SENDERS:  # started at launch (server/lsp/warmup.py), unless a client stopped it
            start_helper()
        else:  # a local model answers in this process
            stop_helper()
        ls.in_background(open_client, config)
        strategies = ls.strategies()
        names = tuple(n for n in strategies.available(routed_only=False) if n in ls.settings.strategies)
        not_ready = strategies.preload(config, index_config(ls), names)
    except Exception as exc:  # noqa: BLE001 - the first request reports it again, with its context
        not_ready = {"Idiomatic": str(exc).splitlines()[0] if str(exc) else type(exc).__name__}
    for name, reason in not_ready.items():
        ls.log(f"{name} is not ready: {reason}", types.MessageType.Warning)


async def routed_answer(ls: IdiomServer, uri: str, request: CompletionRequest, ticket: int = 0,
                        alternatives: bool = False) -> tuple[str, dict[str, Any]] | None:
    """(text, decision) for `request`; "" when nothing passed the rules; None when a newer request for
    the document superseded it (`ticket`) before or while the model ran. With `alternatives`, the
    decision's "alternatives" hold other strategies' answers that passed too. Never raises for a model,
    provider, index or strategy failure: those become the reason, logged for the developer."""
    if not ls.trusted:  # the one way to a model provider or index server: closed in limited mode
        return "", declined(ls, uri, REASON)
    team = team_of(ls)
    if team is None:
        start_ahead(ls, request)
    async with ls.slots():
        if ticket and ls.superseded(uri, ticket):
            return None
        try:
            text, payload = await ls.off_loop(_answer, ls, team, uri, request, alternatives)
        except TeamUnreachable as exc:  # said once in the output panel, not on every keystroke
            reached(ls, team, exc)
            return "", declined(ls, uri, str(exc))
        except Exception as exc:  # noqa: BLE001 - the editor gets no suggestion, never an error
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            ls.log(f"no suggestion for {request.path}: {reason}", types.MessageType.Warning)
            return "", declined(ls, uri, reason)
    if team is not None:
        reached(ls, team)
    for attempt in payload["attempts"]:
        if not attempt["passed"]:
            ls.log(f"{request.path}: {attempt['strategy']} {attempt['reason']}", types.MessageType.Info)
    decision = _notify(ls, payload)
    if ticket and ls.superseded(uri, ticket):
        return None
    return text, decision


def start_ahead(ls: IdiomServer, request: CompletionRequest) -> None:
    """Start, on the event loop, what the loaded strategies can do for `request` before it is answered: as it
    arrives, before a model slot and a worker thread are free, and already as the edit before it arrives
    (server/lsp/completion.py `typed`). rag's retrieval and its prompt run on threads of their own, its query's
    encoding off the interpreter's lock, so they go on while typing pauses and while the request waits
    (bench/RESULTS.md, issue 17, stops 44 and 45)."""
    try:
        ls.strategies().ahead(request, router_config(ls), ls.settings.strategies)
    except Exception:  # noqa: BLE001 - only a head start: the answer does the same work, and reports what fails
        return


def declined(ls: IdiomServer, uri: str, reason: str) -> dict[str, Any]:
    """Tell the editor no suggestion comes for `uri`, and why (the router did not run)."""
    return _notify(ls, failure_payload(uri, reason))


def _notify(ls: IdiomServer, decision: dict[str, Any]) -> dict[str, Any]:
    ls.decisions[decision["uri"]] = decision
    ls.protocol.notify(DECISION, {k: v for k, v in decision.items() if k not in ("attempts", "sources", "alternatives")})
    return decision
