"""The reading routes: `GET /v1/search` (what RAG retrieves for a query or a position), `GET /v1/conventions`
(the rules that apply to a path, with evidence), the answers of `idiom mcp`'s tools, and `GET
/v1/conventions/file`, the conventions file itself, which a connected editor checks its files with."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse

from server.agents import tools
from server.api.auth import Caller, State

router = APIRouter(prefix="/v1", tags=["read"])


@router.get("/search")
def search(token: Caller, state: State, repository: str, query: str = "", path: str = "", line: int = 0,
           mode: str = "hybrid", k: int = Query(8, ge=1, le=tools.MAX_RESULTS)) -> dict[str, Any]:
    """The team's code for a `query`, or for the position `path`+`line` (the definitions the code there depends
    on and look-alikes), each with why it was chosen; `mode` is one of `idiom search`'s (hybrid, deps, similar, text, bm25, embedding)."""
    return {"repository": repository,
            **tools.search(state.repository(repository, token), path, line, query, mode, k)}


@router.get("/conventions")
def conventions(token: Caller, state: State, repository: str, path: str) -> dict[str, Any]:
    """The mined conventions that apply to `path`, rules before habits, each with its evidence and examples."""
    return {"repository": repository, **tools.conventions_for(state.repository(repository, token), path)}


@router.get("/conventions/file", response_class=PlainTextResponse)
def conventions_file(token: Caller, state: State, repository: str) -> PlainTextResponse:
    """The repository's mined conventions file (YAML): an editor connected to this server lints with it."""
    path = state.repository(repository, token).conventions_file()
    return PlainTextResponse(path.read_text(encoding="utf-8"), media_type="application/yaml")
