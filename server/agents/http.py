"""`idiom mcp --http`: the same MCP server (server/agents/app.py) over streamable HTTP, for a team's agents.

Every request carries `Authorization: Bearer <token>`, checked against the team server's tokens
(router/storage/tokens.py) in the repository's configured database: an unknown or revoked token, or one whose
repos scope leaves out the repository served, is refused with 401 before the MCP session sees the request.
The check is the SDK's own hook (a `TokenVerifier` behind its bearer middleware); no OAuth metadata is served,
since the tokens are made by the team, not by an authorization server. Tokens are never logged: the request
log knows a token by its pseudonym (`Token.developer`), and so does the SDK's auth context.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import anyio.to_thread
from mcp.server import MCPServer
from mcp.server.auth.provider import AccessToken
from mcp.server.auth.settings import AuthSettings

from harvest.errors import IdiomError, InputError
from router.database import database
from router.storage.tokens import token_for

PATH = "/mcp"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TeamTokens:
    """The SDK's `TokenVerifier` over the team's tokens, for one repository."""

    repo: Path

    async def verify_token(self, token: str) -> AccessToken | None:
        return await anyio.to_thread.run_sync(self.check, token)

    def check(self, presented: str) -> AccessToken | None:
        """The access a live token gives to this repository, or None (refused)."""
        try:
            with database(self.repo) as db:
                found = token_for(db, presented)
        except IdiomError as exc:  # the database is down: refuse, and say why once per request (never the token)
            log.warning("a token could not be checked: %s", str(exc).splitlines()[0])
            return None
        if found is None or not found.may_use(self.repo.resolve().name):
            return None
        return AccessToken(token=presented, client_id=found.developer, scopes=[found.role])


def auth_settings(url: str) -> AuthSettings:
    """Bearer tokens without OAuth discovery: `issuer_url` is required by the SDK's settings but only used
    for authorization-server routes and resource metadata, neither of which is served."""
    return AuthSettings(issuer_url=url, resource_server_url=None)


def endpoint(host: str, port: int) -> str:
    """`http://127.0.0.1:8765/mcp`; an IPv6 address in brackets."""
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    return f"http://{shown}:{port}{PATH}"


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to `host:port` (port 0: any free one), so the address said is the one served."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise InputError(f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port (0: any free "
                         "one) or --host") from None
    sock.listen(socket.SOMAXCONN)  # connections wait in the backlog until the server takes them
    return sock


def serve_http(build: Callable[[AuthSettings, TeamTokens], MCPServer], repo: Path, host: str, port: int,
               say: Callable[[str], None]) -> None:
    """Serve the MCP server `build` makes over streamable HTTP at `host:port` until interrupted."""
    import uvicorn

    sock = listen(host, port)
    url = endpoint(host, sock.getsockname()[1])
    server = build(auth_settings(url), TeamTokens(repo))
    # The SDK turns on DNS-rebinding protection (Host and Origin checks) for a loopback host.
    app = server.streamable_http_app(streamable_http_path=PATH, host=host.strip("[]"))
    say(f"idiom mcp listening on {url} (each request needs Authorization: Bearer <a team token for "
        f"{repo.resolve().name}>)")
    uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on")).run(sockets=[sock])
