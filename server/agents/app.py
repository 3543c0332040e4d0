"""The MCP server itself: `idiom mcp`'s tools, resources and prompt declared to the SDK's `MCPServer`.

Every answer is scrubbed before it leaves (an agent sends what it reads to its own model, so it gets what
a provider would: lines marked `pragma: allowlist secret` scrubbed too). The project's own errors become a
one-line tool error (or resource or prompt error) the agent reads; anything else is a bug the SDK logs with
its traceback on stderr, answering `Error executing tool …`: the server keeps serving either way. Each
handler runs in a worker thread and waits for the launch's early imports first (server/lsp/warmup.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from mcp.server import MCPServer
from mcp.server.auth.provider import TokenVerifier
from mcp.server.auth.settings import AuthSettings
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS, ToolAnnotations
from pydantic import Field

from harvest import __version__
from harvest.errors import IdiomError
from harvest.scrub import STRICT, scrub
from router.strategies.rag.modes import MODES
from router.strategies.registry import early_imports_done
from server.agents import tools
from server.agents.state import AgentState

T = TypeVar("T")
NAME = "idiomatic"
INSTRUCTIONS = ("Idiomatic knows how this team writes code, mined from its git repository. Before writing code "
                "in a file, call `conventions` for its path (and `examples` for the kind of code); before "
                "proposing code, call `check` with the path and the whole file and fix every failure it reports.")
READ_ONLY = ToolAnnotations(readOnlyHint=True, openWorldHint=False)

RepoPath = Annotated[str, Field(description="A file's path relative to the repository (it need not exist yet).")]
Line = Annotated[int, Field(description="With path: the cursor's line, 1-based.")]
Count = Annotated[int, Field(description=f"How many results, 1 to {tools.MAX_RESULTS}.")]


def scrubbed(value: T) -> T:
    """`value` with every string scrubbed of secrets and personal data (the strict profile)."""
    if isinstance(value, str):
        return scrub(value, profile=STRICT).text  # type: ignore[return-value]
    if isinstance(value, dict):
        return {key: scrubbed(item) for key, item in value.items()}  # type: ignore[return-value]
    if isinstance(value, list):
        return [scrubbed(item) for item in value]  # type: ignore[return-value]
    return value


def one_line(error: IdiomError) -> str:
    """The project's error as the single line the CLI would print."""
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def answered(tool: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """A tool's answer, scrubbed; the project's errors become a tool error with their one line."""
    early_imports_done()
    try:
        return scrubbed(tool(*args))
    except IdiomError as exc:
        raise ToolError(one_line(exc)) from None


def build_server(state: AgentState, auth: AuthSettings | None = None,
                 token_verifier: TokenVerifier | None = None) -> MCPServer:
    """The MCP server for the repository `state` holds (what it loads, it loads once); over HTTP, `auth` and
    `token_verifier` admit a request by its Bearer token (server/agents/http.py)."""
    server = MCPServer(NAME, version=__version__, instructions=INSTRUCTIONS, log_level="WARNING", auth=auth,
                       token_verifier=token_verifier)

    @server.tool(annotations=READ_ONLY)
    def conventions(path: RepoPath) -> dict[str, Any]:
        """The team's conventions that apply to a file: each rule (warning: checked) or habit (info) with how
        many places follow it and a few lines of the team's code that do."""
        return answered(tools.conventions_for, state, path)

    @server.tool(annotations=READ_ONLY)
    def search(path: RepoPath = "", line: Line = 0,
               query: Annotated[str, Field(description="What to look for (alone, or with path and line).")] = "",
               mode: Annotated[str, Field(description="; ".join(f"{m}: {w}" for m, w in MODES.items()))] = "hybrid",
               k: Count = 8) -> dict[str, Any]:
        """The team's code for a position in a file (path and line) or a query, as retrieval-augmented
        generation uses it: the definitions the code depends on and units of files of the same role, each
        with its code and why it was chosen."""
        return answered(tools.search, state, path, line, query, mode, k)

    @server.tool(annotations=READ_ONLY)
    def check(path: RepoPath,
              code: Annotated[str, Field(description="The whole proposed content of the file.")]) -> dict[str, Any]:
        """Check proposed code for a file against the fast rules every answer must pass (not degenerate, no
        secret, parses) and the team's conventions: `passed`, each failure with its rule, line and reason,
        and the habits it breaks (information, not failures)."""
        return answered(tools.check, state, path, code)

    @server.tool(annotations=READ_ONLY)
    def examples(kind: Annotated[str, Field(description="A unit kind: component, hook, function, test, …")],
                 path: RepoPath, k: Count = 4) -> dict[str, Any]:
        """The team's own units of a kind from files of the same role as the path, closest first."""
        return answered(tools.examples, state, kind, path, k)

    @server.tool(annotations=ToolAnnotations(readOnlyHint=False, openWorldHint=True))
    def generate(instruction: Annotated[str, Field(description="What code to write.")],
                 path: Annotated[str, Field(description="The file the code is for, relative to the repository "
                                                       "(its code is the context).")] = "") -> dict[str, Any]:
        """Idiomatic's routed answer: the cheapest strategy (team examples, retrieved team code, a fine-tuned
        model) whose answer passes the team's rules, from the model provider the user configured."""
        return answered(tools.generate, state, instruction, path)

    def dataset_file(dataset: str, name: str) -> str:
        early_imports_done()
        try:
            return scrubbed(state.conventions_file(dataset).with_name(name).read_text(encoding="utf-8"))
        except IdiomError as exc:
            raise ResourceError(one_line(exc)) from None
        except OSError as exc:
            raise ResourceError(f"cannot read the dataset's {name}: {exc.strerror}; run `idiom harvest`") from None

    @server.resource("idiom://conventions.yaml", mime_type="application/yaml")
    def conventions_file() -> str:
        """The mined conventions (conventions.yaml) of the repository's dataset."""
        return dataset_file("", "conventions.yaml")

    @server.resource("idiom://DATASET.md", mime_type="text/markdown")
    def dataset_card() -> str:
        """The dataset card (DATASET.md): what was harvested, the splits, the conventions' summary."""
        return dataset_file("", "DATASET.md")

    @server.resource("idiom://datasets/{dataset}/conventions.yaml", mime_type="application/yaml")
    def dataset_conventions(dataset: str) -> str:
        """The conventions.yaml of a named dataset, when the repository has several."""
        return dataset_file(dataset, "conventions.yaml")

    @server.resource("idiom://datasets/{dataset}/DATASET.md", mime_type="text/markdown")
    def named_dataset_card(dataset: str) -> str:
        """The DATASET.md of a named dataset, when the repository has several."""
        return dataset_file(dataset, "DATASET.md")

    @server.prompt(name="follow_conventions", title="Follow this team's conventions for PATH")
    def follow_conventions(path: RepoPath) -> str:
        """Write code for a file the way this team does: its conventions, then checking with `check`."""
        early_imports_done()
        try:
            found = scrubbed(tools.conventions_for(state, path))
        except IdiomError as exc:
            raise MCPError(INVALID_PARAMS, one_line(exc)) from None
        return prompt_text(found)

    return server


def prompt_text(found: dict[str, Any]) -> str:
    """The prompt for the conventions of one path (`tools.conventions_for`'s answer)."""
    intro = (f"Write the code for {found['path']} the way this team writes it. These conventions were mined from "
             "the team's repository; rules are checked, habits are what most of the code does:")
    lines = [intro, ""]
    for item in found["conventions"]:
        seen = "; ".join(e.get("code") or e["place"] for e in item["examples"])
        tier = "rule" if item["severity"] == "warning" else "habit"
        lines.append(f"- {item['rule']} ({tier}: {item['evidence']})" + (f", e.g. {seen}" if seen else ""))
    if not found["conventions"]:
        lines.append("- (no mined convention applies to this path)")
    lines += ["", f"Before proposing the code, call the `check` tool with path {found['path']} and the whole file; "
                  + "fix every failure it reports."]
    return "\n".join(lines)
