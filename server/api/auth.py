"""Who is asking: every /v1 request carries `Authorization: Bearer TOKEN`, a live token of this server's
database (router/storage/tokens.py keeps only its hash), read at most once a second per token, so a revoked
token is refused within a second. The token's bucket is spent here too, so a flood of requests costs one hash
and at most one lookup each, never a route. The token itself is never logged or echoed."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from router.storage.tokens import Token, digest
from server.api.limits import retry_after
from server.api.state import LOG_FIELDS, ApiState


def api_state(request: Request) -> ApiState:
    return request.app.state.api


def caller(request: Request, state: Annotated[ApiState, Depends(api_state)]) -> Token:
    """The token of the request (401 without a live one; 429 with Retry-After past its rate)."""
    scheme, _, presented = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not presented.strip():
        raise HTTPException(401, "send Authorization: Bearer TOKEN (a lead makes one with `idiom api token create`)",
                            headers={"WWW-Authenticate": "Bearer"})
    token = state.tokens.find(state.engine, presented.strip())
    if token is None:
        raise HTTPException(401, "the token is unknown or revoked; ask a lead for a new one",
                            headers={"WWW-Authenticate": "Bearer"})
    wait = state.buckets.take(digest(presented.strip()))
    if wait:
        raise HTTPException(429, f"rate limit of this token reached ([api] rate_per_minute); retry in "
                                 f"{retry_after(wait)} s", headers={"Retry-After": retry_after(wait)})
    fields = LOG_FIELDS.get(None)
    if fields is not None:
        fields["developer"] = token.developer
    return token


def lead(token: Annotated[Token, Depends(caller)]) -> Token:
    """A lead's token (403 for a developer's): validation, promotion, rollback and ROI are theirs."""
    if token.role != "lead":
        raise HTTPException(403, "only a lead's token may do this; ask a lead")
    return token


Caller = Annotated[Token, Depends(caller)]
Lead = Annotated[Token, Depends(lead)]
State = Annotated[ApiState, Depends(api_state)]
