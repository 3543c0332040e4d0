"""`idiom api`: serve several repositories to a team over HTTP (`serve`), and the tokens that may use it
(`token create|list|revoke`). docs/team.md#the-team-server."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import click

from harvest.errors import InputError
from harvest.store import HOME_ENV

DATA = click.option("--data", type=click.Path(path_type=Path, file_okay=False), required=True,
                    envvar="IDIOM_API_DATA", show_envvar=True,
                    help="The server's folder: its log, and its SQLite database when no [team] database_url "
                         "is configured.")


@click.group("api")
def api_group() -> None:
    """The team server: one HTTP API (OpenAI-compatible too) for several repositories, their request log,
    feedback, validation jobs and ROI in one database, used with tokens (docs/team.md)."""


@api_group.command("serve")
@DATA
@click.option("--repos", "repos", multiple=True, metavar="NAME=PATH",
              help="A repository to serve under NAME (repeat for more); default: [api] repos of your config.toml. "
                   "The name is what clients send and the request log records.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on; put TLS in front (a reverse proxy) before opening it further.")
@click.option("--port", type=click.IntRange(0, 65535), default=8787, show_default=True, help="The port (0: any free).")
@click.option("--log-file", type=click.Path(path_type=Path, dir_okay=False),
              help="The server's log (default: DATA/api.log). Tokens never appear in it.")
def serve_command(data: Path, repos: tuple[str, ...], host: str, port: int, log_file: Path | None) -> None:
    """Serve the repositories over HTTP until stopped: /v1 routes (complete, generate, feedback, search,
    conventions, decision, chat/completions; for leads validate, jobs, models promote/rollback, roi),
    /healthz, /metrics, OpenAPI at /docs. Every /v1 request needs Authorization: Bearer TOKEN."""
    import uvicorn

    from router.strategies.registry import start_early_imports
    from server.api.app import build_app
    from server.api.config import load_api_config, served_repositories
    from server.api.state import open_state
    from server.lsp.warmup import warm_up

    served = served_repositories(repos)
    if len(served) > 1 and os.environ.get(HOME_ENV):
        click.echo(f"warning: {HOME_ENV} is set, so the served repositories share one artifact folder (their "
                   "indexes and models would mix); unset it to keep each repository's in its own .idiom/", err=True)
    state = open_state(data, served, load_api_config())
    log_to = log_file or data / "api.log"
    logging.basicConfig(filename=log_to, level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    start_early_imports(also=warm_up)
    config = uvicorn.Config(build_app(state), host=host, port=port, log_config=None, access_log=False,
                            timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    click.echo(f"serving {', '.join(served)} on http://{host}:{port} (log: {log_to})", err=True)
    server.run()


@api_group.group("token")
def token_group() -> None:
    """The team server's tokens: each is shown once; the database keeps only its hash."""


@token_group.command("create")
@DATA
@click.argument("name")
@click.option("--role", type=click.Choice(["developer", "lead"]), default="developer", show_default=True,
              help="lead: may also validate, promote, roll back and read ROI.")
@click.option("--repos", default="", help="Comma-separated repository names it may use (default: every one).")
def create_command(data: Path, name: str, role: str, repos: str) -> None:
    """Make a token for NAME (who or what uses it) and print it, once: store it where its user keeps secrets."""
    from router.storage.tokens import check_new_token, create_token

    check_new_token(name, role)  # before the database is made: a refused token leaves nothing behind
    with _database(data) as db:
        token = create_token(db, name, role, tuple(r.strip() for r in repos.split(",") if r.strip()))
    click.echo(token)
    click.echo(f"token {name!r} ({role}) made; it is shown only now", err=True)


@token_group.command("list")
@DATA
@click.option("--json", "as_json", is_flag=True, help="Print the tokens as JSON (never the tokens themselves).")
def list_command(data: Path, as_json: bool) -> None:
    """The tokens: name, role, repositories, pseudonymous developer id, made and revoked."""
    from router.storage.tokens import all_tokens
    from server.api.state import server_database_exists

    found = []
    if server_database_exists(data):  # reading makes no database
        with _database(data) as db:
            found = [{"name": t.name, "role": t.role, "repos": list(t.repos), "developer": t.developer,
                      "created_at": t.created_at, "revoked_at": t.revoked_at} for t in all_tokens(db)]
    if as_json:
        click.echo(json.dumps(found, indent=2))
        return
    for t in found:
        state = f"revoked {t['revoked_at']}" if t["revoked_at"] else "live"
        click.echo(f"{t['name']}\t{t['role']}\t{','.join(t['repos']) or 'all repositories'}\t{t['developer']}\t"
                   f"{state}")


@token_group.command("revoke")
@DATA
@click.argument("name")
def revoke_command(data: Path, name: str) -> None:
    """Revoke the token NAME (servers refuse it within a second); its requests stay in the log under its pseudonym."""
    from router.storage.tokens import revoke_token
    from server.api.state import server_database_exists

    if not server_database_exists(data):
        raise InputError(f"no live token named {name!r}: {data} holds no tokens yet (`idiom api token create`)")
    with _database(data) as db:
        revoke_token(db, name)
    click.echo(f"token {name!r} revoked")


def _database(data: Path):
    from router.storage.engines import engine_for
    from server.api.state import server_database_url

    data.mkdir(parents=True, exist_ok=True)
    return engine_for(server_database_url(data)).begin()
