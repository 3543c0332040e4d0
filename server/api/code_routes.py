"""The developers' routes: `POST /v1/complete` (code at a cursor), `POST /v1/generate` (code for an
instruction), `POST /v1/feedback` and `GET /v1/decision/{id}` (explain). Answers come from `idiom mcp`'s
tools (server/agents/tools.py), so a team server routes, checks, scrubs and logs exactly as the editor does;
the request log records the token's pseudonymous developer id and the repository's served name."""

from __future__ import annotations

import json
import time
from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import Connection, Row, select

from harvest.classify import language_of
from router.contracts import CompletionRequest
from router.feedback import OUTCOMES, store_feedback
from router.retention import record_retention, start_retention
from router.storage.schema import requests
from router.storage.tokens import Token
from router.strategies.registry import NAMES
from server.agents import tools
from server.api.auth import Caller, State

router = APIRouter(prefix="/v1", tags=["code"])


class Options(BaseModel):
    strategy: str = Field("", description="Ask only this strategy (default: routed).")
    max_tokens: int = Field(0, ge=0, le=8192, description="Room for the answer (0: the router's default).")


class CompleteBody(BaseModel):
    repository: str
    path: str
    language: str = Field("", description="Default: from the path's extension.")
    prefix: str = ""
    suffix: str = ""
    instruction: str = Field("", description="What to write at the cursor (the editor's generate); empty for an "
                                             "inline completion.")
    options: Options = Options()


class Selection(BaseModel):
    start_line: int = Field(ge=1)
    end_line: int = Field(ge=1)


class GenerateBody(BaseModel):
    repository: str
    instruction: str
    path: str = ""
    selection: Selection | None = None


class FeedbackBody(BaseModel):
    request_id: int
    outcome: str = Field(description=f"One of {', '.join(OUTCOMES)}.")
    final_text: str = Field("", description="What the developer kept (edited).")


def allowed_strategies(strategy: str) -> tuple[str, ...]:
    """() = routed; else the one strategy named (422 for a name the registry does not have)."""
    if strategy and strategy not in NAMES:
        raise HTTPException(422, f"unknown strategy {strategy!r}; strategies: {', '.join(NAMES)}")
    return (strategy,) if strategy else ()


@router.post("/complete")
def complete(body: CompleteBody, token: Caller, state: State) -> dict[str, Any]:
    """The routed completion at the cursor between `prefix` and `suffix` of the file `path`, with its decision
    and request id (for feedback and explain)."""
    served = state.repository(body.repository, token)
    where = served.inside(body.path)
    request = CompletionRequest(prefix=body.prefix, suffix=body.suffix, path=where, instruction=body.instruction,
                                language=body.language or language_of(where),
                                **({"max_tokens": body.options.max_tokens} if body.options.max_tokens else {}))
    started = time.perf_counter()
    routed = tools.routed(served, request, allowed_strategies(body.options.strategy), token.developer)
    state.metrics.observe(body.repository, routed, time.perf_counter() - started)
    return {"repository": body.repository, **tools.answer_json(routed)}


@router.post("/generate")
def generate(body: GenerateBody, token: Caller, state: State) -> dict[str, Any]:
    """The routed answer to an instruction for the file `path`; `selection` (lines, 1-based) is code it replaces."""
    served = state.repository(body.repository, token)
    selection = (body.selection.start_line, body.selection.end_line) if body.selection else None
    request = tools.generate_request(served, body.instruction, body.path, selection)
    started = time.perf_counter()
    routed = tools.routed(served, request, developer=token.developer)
    state.metrics.observe(body.repository, routed, time.perf_counter() - started)
    return {"repository": body.repository, **tools.answer_json(routed)}


@router.post("/feedback")
def feedback(body: FeedbackBody, token: Caller, state: State) -> dict[str, Any]:
    """What the developer did with an answer, stored against its request with the token's pseudonymous id."""
    with state.engine.begin() as db:  # one transaction finds the request and stores its feedback
        found = _visible_row(db, state, token, body.request_id, (requests.c.repository,))
        state.repository(found.repository, token)
        store_feedback(db, body.request_id, body.outcome, body.final_text, token.developer)
    state.metrics.feedback.labels(body.outcome).inc()
    return {"request_id": body.request_id, "outcome": body.outcome, "stored": True}


class RetentionBody(BaseModel):
    request_id: int
    characters: int = Field(0, ge=0, description="The accepted completion's length, when the editor starts "
                                                 "following it.")
    retained: dict[int, int] = Field({}, description="Seconds after acceptance → characters still there.")
    tracked_s: float = Field(0.0, ge=0, description="How long the editor followed it.")


@router.post("/retention")
def retention(body: RetentionBody, token: Caller, state: State) -> dict[str, Any]:
    """How much of an accepted completion is still in the document at each checkpoint (router/retention.py):
    the editor starts the record with `characters`, then sends what it measured."""
    served = state.repository(visible_repository(state, token, body.request_id), token)
    if body.characters:
        start_retention(served.repo, body.request_id, body.characters)
    if body.retained:
        record_retention(served.repo, body.request_id, body.retained, body.tracked_s)
    return {"request_id": body.request_id, "stored": True}


@router.get("/decision/{request_id}")
def decision(request_id: int, token: Caller, state: State) -> dict[str, Any]:
    """Why a request was answered as it was: its kind, the strategy, the reason, every attempt, cost and latency."""
    return visible_request(state, token, request_id)


EXPLAINED = (requests.c.id, requests.c.repository, requests.c.at, requests.c.kind, requests.c.language,
             requests.c.path, requests.c.strategy, requests.c.reason, requests.c.attempts, requests.c.outcome,
             requests.c.cost_usd, requests.c.latency_s, requests.c.input_tokens, requests.c.output_tokens)


def visible_repository(state: State, token: Token, request_id: int) -> str:
    """The served repository of the logged request `request_id`, if `token` may see it (retained code needs no
    more of the row)."""
    with state.engine.connect() as db:
        return _visible_row(db, state, token, request_id, (requests.c.repository,)).repository


def visible_request(state: State, token: Token, request_id: int) -> dict[str, Any]:
    """The logged request `request_id` (what explain shows) if `token` may see it."""
    with state.engine.connect() as db:
        found = dict(_visible_row(db, state, token, request_id, EXPLAINED)._mapping)
    found["request_id"] = found.pop("id")
    found["attempts"] = json.loads(found["attempts"] or "[]")
    found["answered"] = found["outcome"] == "answered"
    return found


def _visible_row(db: Connection, state: State, token: Token, request_id: int, columns: tuple[Any, ...]) -> Row[Any]:
    """`columns` of the logged request `request_id`; 404 when it does not exist, is not of a served repository
    or is of one `token` may not use (the three are not told apart)."""
    row = db.execute(select(*columns).where(requests.c.id == request_id)).first()
    if row is None or row.repository not in state.repositories or not token.may_use(row.repository):
        raise HTTPException(404, f"no request {request_id} in a repository your token may use")
    return row
