"""`idiom mcp`: the Model Context Protocol server coding agents start (stdio), or a team serves over HTTP
(`--http`, with the team's tokens), for one repository."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import click

from server.serve import CONSENT, DEFAULT_HOST, check_listening, say

DEFAULT_PORT = 8765

if TYPE_CHECKING:  # the SDK and the router load when the server starts, not with `idiom --help`
    from server.agents.state import AgentState


@click.command("mcp")
@click.option("--repo", type=click.Path(path_type=Path, file_okay=False, exists=True), default=".",
              show_default=True, help="The repository whose conventions, index and router the agent uses.")
@click.option("--http", "over_http", is_flag=True,
              help="Serve over streamable HTTP at http://HOST:PORT/mcp instead of stdio, for a team's agents: each "
                   "request needs Authorization: Bearer TOKEN, a live team token whose repos include this one.")
@click.option("--host", default=DEFAULT_HOST, show_default=True,
              help=f"With --http: the address to listen on. Anything but loopback exposes the team's code to the "
                   f"network (over plain HTTP), and needs {CONSENT}.")
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True,
              help="With --http: the port (0: any free one; the address is printed on stderr).")
@click.option(CONSENT, "exposed", is_flag=True, help="With --http: allow a --host that is not loopback.")
@click.option("--log-file", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the server's own log here instead of stderr (stdout belongs to the protocol).")
def mcp_command(repo: Path, over_http: bool, host: str, port: int, exposed: bool, log_file: Path | None) -> None:
    """Serve the repository to coding agents over the Model Context Protocol on stdin/stdout, or with --http
    over streamable HTTP with the team's tokens (docs/agents.md).

    Tools: conventions (the rules for a path, with evidence and examples), search (dependencies and
    look-alikes, as RAG uses them), check (proposed code against the fast rules and conventions), examples
    (the team's units of a kind and role) and generate (the routed answer, when a model provider is
    configured). Resources: the conventions file and DATASET.md of each dataset; a prompt,
    follow_conventions. Answers are scrubbed of secrets. Agents start it from their MCP configuration
    (.mcp.json, .vscode/mcp.json, .cursor/mcp.json); over stdio it serves until stdin closes."""
    check_listening(over_http, "--http", host, exposed, (("--port", port != DEFAULT_PORT),),
                    "sees the traffic (plain HTTP, tokens included)")
    from router.strategies.registry import start_early_imports
    from server.agents.app import build_server
    from server.agents.state import AgentState
    from server.lsp.warmup import warm_up

    logging.basicConfig(filename=log_file, level=logging.INFO if log_file else logging.WARNING,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    state = AgentState(repo)  # a repository Idiomatic may not use (a linked .idiom) stops here, in one line
    # The project's packages and the retrieval libraries load in a thread while the agent starts up; tool calls
    # wait for it, since two threads importing at once can deadlock (server/lsp/warmup.py says why).
    start_early_imports(also=warm_up)
    threading.Thread(target=preload, args=(state,), name="preload", daemon=True).start()
    if not over_http:
        build_server(state).run("stdio")
        return
    from server.agents.http import serve_http

    serve_http(lambda auth, tokens: build_server(state, auth, tokens), repo, host, port, say)


def preload(state: AgentState) -> None:
    """Load the conventions, the index and the strategies while the agent starts up; log what cannot load."""
    for name, reason in state.preload().items():
        logging.getLogger(__name__).info("%s is not ready: %s", name, reason)
