"""The leads' routes: `POST /v1/validate` (a suite run as a background job in the jobs table, its progress at
`GET /v1/jobs/{id}`), `POST /v1/models/{name}/promote` and `/rollback` (the model registry's own), and `GET
/v1/roi` (the ROI report of a repository, with the team view). A developer's token gets 403."""

from __future__ import annotations

import html
import threading
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import HTMLResponse, PlainTextResponse
from pydantic import BaseModel, Field

from router.storage.jobs import create_job, finish_job, job, set_progress, start_job
from router.storage.tokens import Token
from router.strategies.registry import NAMES, ROUTED
from server.agents.state import AgentState
from server.api.auth import Caller, Lead, State
from server.api.state import ApiState

router = APIRouter(prefix="/v1", tags=["lead"])


class ValidateBody(BaseModel):
    repository: str
    strategies: list[str] = Field(default_factory=lambda: list(ROUTED))
    max_tokens: int = Field(256, ge=1, le=8192)


class ModelBody(BaseModel):
    repository: str
    version: str = Field("", description="promote: the version to serve (rollback takes none).")


@router.post("/validate", status_code=202)
def validate(body: ValidateBody, token: Lead, state: State) -> dict[str, Any]:
    """Run the repository's suite through `strategies` in the background; poll `GET /v1/jobs/{id}`."""
    served = state.repository(body.repository, token)
    unknown = sorted(set(body.strategies) - set(NAMES))
    if unknown or not body.strategies:
        raise HTTPException(422, f"strategies: {'unknown ' + ', '.join(unknown) if unknown else 'none given'}; "
                                 f"valid: {', '.join(NAMES)}")
    if not served.artifacts.suite.is_file():
        raise HTTPException(422, f"{body.repository} has no suite; run `idiom suite generate` in it first")
    with state.engine.begin() as db:
        job_id = create_job(db, "validate", body.repository)
    threading.Thread(target=_run_validation, args=(state, job_id, served, body), name=f"job-{job_id}",
                     daemon=True).start()
    return {"job": job_id, "state": "queued"}


def _run_validation(state: ApiState, job_id: str, served: AgentState, body: ValidateBody) -> None:
    """The suite through each strategy, as `idiom validate` runs it; the job records progress, then the
    run's summary or the one-line error."""
    from harvest.conventions.store import load_conventions
    from router.validate import run_suite, summary
    from router.validation.rules import Context
    from router.validation.suite import load_suite

    with state.engine.begin() as db:
        start_job(db, job_id)
    try:
        path = served.artifacts.suite
        suite = load_suite(path)
        conventions = {r.id: r for r in load_conventions(served.conventions_file())}
        total = max(len(suite.cases) * len(body.strategies), 1)
        done = [0]

        def advance() -> None:
            done[0] += 1
            with state.engine.begin() as db:
                set_progress(db, job_id, done[0] / total)

        config = served.router_config()
        run_id, results = run_suite(served.repo, suite, path.read_text(encoding="utf-8"), body.strategies, config,
                                    served.index_config(), Context(conventions, False), body.max_tokens,
                                    config.provider == "local", advance)
        with state.engine.begin() as db:
            finish_job(db, job_id, {"run": run_id, **summary(results)})
    except Exception as exc:  # noqa: BLE001 - a job's failure is its state, read by whoever polls it
        with state.engine.begin() as db:
            finish_job(db, job_id, error=str(exc).splitlines()[0] if str(exc) else type(exc).__name__)


@router.get("/jobs/{job_id}")
def job_state(job_id: str, token: Caller, state: State) -> dict[str, Any]:
    """A background job: state (queued, running, done, failed), progress 0..1, result or error."""
    with state.engine.connect() as db:
        found = job(db, job_id)
    if found is None or not token.may_use(found.repository):
        raise HTTPException(404, f"no job {job_id} in a repository your token may use")
    return {"job": found.id, "kind": found.kind, "repository": found.repository, "state": found.state,
            "progress": found.progress, "result": found.result, "error": found.error,
            "created_at": found.created_at, "started_at": found.started_at, "finished_at": found.finished_at}


@router.post("/models/{name}/promote")
def promote(name: str, body: ModelBody, token: Lead, state: State) -> dict[str, Any]:
    """Serve `version` of model `name` from now on (`idiom models promote`)."""
    from router.strategies.finetuned.registry import model_folder, promoted
    from router.strategies.finetuned.registry import promote as promote_version

    if not body.version:
        raise HTTPException(422, "say which version to promote: {\"version\": \"v2\"}")
    folder = model_folder(state.repository(body.repository, token).repo, name)
    promote_version(folder, body.version)
    return {"model": folder.name, "promoted": promoted(folder)}


@router.post("/models/{name}/rollback")
def rollback(name: str, body: ModelBody, token: Lead, state: State) -> dict[str, Any]:
    """Serve the previously promoted version of model `name` again (`idiom models rollback`)."""
    from router.strategies.finetuned.registry import model_folder
    from router.strategies.finetuned.registry import rollback as roll_back

    folder = model_folder(state.repository(body.repository, token).repo, name)
    return {"model": folder.name, "promoted": roll_back(folder)}


@router.get("/roi", response_model=None)
def roi(repository: str, token: Lead, state: State, format: str = "json",
        name_developers: bool = False) -> dict[str, Any] | HTMLResponse | PlainTextResponse:
    """The ROI report of `repository` (as `idiom roi` writes it) in `format` html, md or json, with the team
    view: per repository, kind and strategy over the repositories your token may use, and per developer as
    counts only (with `name_developers`, the name of each developer's token)."""
    import json

    from router.config import load_roi_config
    from router.reports.report import write_report
    from router.reports.team import team_markdown, team_view

    if format not in ("html", "md", "json"):
        raise HTTPException(422, f"format {format!r}; use html, md or json")
    served = state.repository(repository, token)
    paths = write_report(served.repo, load_roi_config(served.repo))
    with state.engine.connect() as db:
        team = team_view(db, _visible(state, token), named=name_developers)
    if format == "json":
        return {**json.loads(paths["json"].read_text(encoding="utf-8")), "repository": repository, "team": team}
    if format == "md":
        return PlainTextResponse(paths["md"].read_text(encoding="utf-8") + team_markdown(team),
                                 media_type="text/markdown")
    section = f"<section><h2>Team</h2><pre>{html.escape(team_markdown(team))}</pre></section>"
    return HTMLResponse(paths["html"].read_text(encoding="utf-8").replace("</body>", section + "</body>", 1))


def _visible(state: ApiState, token: Token) -> list[str]:
    return [name for name in state.repositories if token.may_use(name)]
