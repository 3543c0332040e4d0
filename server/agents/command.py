"""`idiom mcp`: the Model Context Protocol server coding agents start (stdio), for one repository."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:  # the SDK and the router load when the server starts, not with `idiom --help`
    from server.agents.state import AgentState


@click.command("mcp")
@click.option("--repo", type=click.Path(path_type=Path, file_okay=False, exists=True), default=".",
              show_default=True, help="The repository whose conventions, index and router the agent uses.")
@click.option("--log-file", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the server's own log here instead of stderr (stdout belongs to the protocol).")
def mcp_command(repo: Path, log_file: Path | None) -> None:
    """Serve the repository to coding agents over the Model Context Protocol on stdin/stdout (docs/agents.md).

    Tools: conventions (the rules for a path, with evidence and examples), search (dependencies and
    look-alikes, as RAG uses them), check (proposed code against the fast rules and conventions), examples
    (the team's units of a kind and role) and generate (the routed answer, when a model provider is
    configured). Resources: the conventions file and DATASET.md of each dataset; a prompt,
    follow_conventions. Answers are scrubbed of secrets. Agents start it from their MCP configuration
    (.mcp.json, .vscode/mcp.json, .cursor/mcp.json); it serves until stdin closes."""
    from router.strategies.registry import start_early_imports
    from server.agents.app import build_server
    from server.agents.state import AgentState
    from server.lsp.warmup import warm_up

    logging.basicConfig(filename=log_file, level=logging.INFO if log_file else logging.WARNING,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    state = AgentState(repo)  # a repository Idiomatic may not use (a linked .idiom) stops here, in one line
    server = build_server(state)
    # The project's packages and the retrieval libraries load in a thread while the agent starts up; tool calls
    # wait for it, since two threads importing at once can deadlock (server/lsp/warmup.py says why).
    start_early_imports(also=warm_up)
    threading.Thread(target=preload, args=(state,), name="preload", daemon=True).start()
    server.run("stdio")


def preload(state: AgentState) -> None:
    """Load the conventions, the index and the strategies while the agent starts up; log what cannot load."""
    for name, reason in state.preload().items():
        logging.getLogger(__name__).info("%s is not ready: %s", name, reason)
