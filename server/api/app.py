"""The team server's application: the routes of each group, the limits, one-line errors, one log line per
request (method, path, status, time, the token's pseudonymous developer id and the repository; never the
token), `GET /healthz`, `GET /metrics` and the OpenAPI page at /docs. `build_app(state)` makes it; the command
runs it on uvicorn."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from harvest.errors import IdiomError
from router.storage.jobs import abandon_unfinished
from server.api import chat_routes, code_routes, lead_routes, read_routes
from server.api.limits import BodyLimit
from server.api.state import LOG_FIELDS, ApiState

log = logging.getLogger("idiom.api")


def build_app(state: ApiState) -> FastAPI:
    """The FastAPI application serving `state`'s repositories."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        with state.engine.begin() as db:  # a job of a server that was killed will never finish: say so
            abandoned = abandon_unfinished(db, "the server stopped before the job finished; start it again")
        if abandoned:
            log.info("marked %d unfinished job(s) failed", abandoned)
        threading.Thread(target=_preload, args=(state,), name="preload", daemon=True).start()
        yield

    app = FastAPI(title="Idiomatic team server", version="1", lifespan=lifespan,
                  description="The team's router, request log, feedback and ROI for several repositories "
                              "(docs/team.md#the-team-server). Every /v1 route needs Authorization: Bearer TOKEN.")
    app.state.api = state
    for group in (code_routes, read_routes, chat_routes, lead_routes):
        app.include_router(group.router)
    app.add_middleware(BodyLimit, limit=state.config.max_body_bytes)
    app.add_middleware(RequestLog, state=state)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(IdiomError, _refused)
    app.add_exception_handler(Exception, _bug)

    @app.get("/healthz", tags=["server"])
    def healthz() -> dict[str, Any]:
        """Up, and its database answers (no token needed)."""
        with state.engine.connect() as db:
            db.exec_driver_sql("SELECT 1")
        return {"status": "ok", "repositories": len(state.repositories)}

    @app.get("/metrics", tags=["server"])
    def metrics() -> Response:
        """Prometheus' text format: requests, routed latency per strategy, fallbacks, feedback, cost."""
        from prometheus_client import CONTENT_TYPE_LATEST

        return Response(state.metrics.text(), media_type=CONTENT_TYPE_LATEST)

    return app


def _preload(state: ApiState) -> None:
    for name, served in state.repositories.items():
        for part, reason in served.preload().items():
            log.info("%s: %s is not ready: %s", name, part, reason)


class RequestLog:
    """ASGI middleware: one log line and one count per request, once its answer has started. Plain ASGI rather
    than `app.middleware("http")`, whose streams and task group per request cost every request CPU time."""

    def __init__(self, app: ASGIApp, state: ApiState) -> None:
        self.app, self.state = app, state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        fields: dict[str, Any] = {"id": uuid.uuid4().hex[:12]}
        LOG_FIELDS.set(fields)  # the routes add the developer and the repository
        started = time.perf_counter()
        status = 500

        async def sent(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(scope, receive, sent)
        endpoint = getattr(scope.get("route"), "path", "unmatched")
        self.state.metrics.requests.labels(endpoint, str(status)).inc()
        log.info("%s %s %s %d %.1fms developer=%s repository=%s", fields["id"], scope["method"], scope["path"],
                 status, (time.perf_counter() - started) * 1000, fields.get("developer", "-"),
                 fields.get("repository", "-"))


def _error(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """`{"error": "one line"}`; on the OpenAI-compatible route OpenAI's own shape, whose message its clients show."""
    line = " ".join(message.split())
    if request.url.path == chat_routes.PATH:
        return JSONResponse({"error": {"message": line, "type": "invalid_request_error", "code": status}},
                            status_code=status, headers=headers)
    return JSONResponse({"error": line}, status_code=status, headers=headers)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return _error(request, exc.status_code, str(exc.detail), getattr(exc, "headers", None))


async def _invalid(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "body") or "the request"
    return _error(request, 422, f"{where}: {first.get('msg', 'invalid')}; see /docs for the request's shape")


async def _refused(request: Request, exc: Exception) -> JSONResponse:
    """The project's own errors (a bad path, nothing harvested yet, no provider) are one line saying what to do."""
    return _error(request, 422, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)


async def _bug(request: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected error", exc_info=exc)
    return _error(request, 500, "the server failed on this request; its log says why")
