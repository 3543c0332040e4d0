"""`idiom mcp` driven by the MCP SDK's own client over stdio: the real server as a subprocess, on the
harvested and indexed example (tests/server/conftest.py `served`), its `generate` answered by the local fake
provider; and on a repository with nothing harvested, whose idiom.toml may not choose where code is sent."""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, MCPError, StdioServerParameters

from server.agents.app import scrubbed
from server.agents.state import AgentState
from tests.conftest import AWS_KEY_ID, AWS_SECRET
from tests.router.fake_llm import fake_llm
from tests.server.conftest import TAG_TSX

pytestmark = pytest.mark.slow
TAG = "src/components/Tag/Tag.tsx"  # a component not written yet
KEYS = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL")


@asynccontextmanager
async def mcp_client(repo: Path, env: dict[str, str]) -> AsyncIterator[Client]:
    """The SDK's client connected to `idiom mcp --repo REPO`, started as a subprocess."""
    command = StdioServerParameters(command=sys.executable, args=["-m", "server", "mcp", "--repo", str(repo)],
                                    env=env)
    async with Client(command) as client:
        yield client


async def call(client: Client, tool: str, **arguments: Any) -> dict[str, Any]:
    """A tool's structured answer (the call must succeed)."""
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, result.content
    return result.structured_content


async def refused(client: Client, tool: str, **arguments: Any) -> str:
    """The one line a tool answers a bad call with."""
    result = await client.call_tool(tool, arguments)
    assert result.is_error
    [content] = result.content
    assert "\n" not in content.text and "Traceback" not in content.text
    return content.text


async def test_an_agent_gets_conventions_retrieval_checks_examples_and_answers(served):
    served.script.text = TAG_TSX
    async with mcp_client(served.repo, served.env) as client:
        assert {t.name for t in (await client.list_tools()).tools} == {
            "conventions", "search", "check", "examples", "generate"}

        found = await call(client, "conventions", path=TAG)
        rules = {c["id"]: c for c in found["conventions"]}
        named = rules["js-component-names-pascalcase"]
        assert named["severity"] == "warning" and named["evidence"].endswith("(100%)")
        assert any(e["code"].startswith("export const") for e in named["examples"] if "code" in e)

        near = await call(client, "search", path="src/components/Tooltip/Tooltip.tsx", line=36, k=4)
        assert {r["source"] for r in near["results"]} == {"deps", "similar"}
        assert all(r["code"] and r["why"] for r in near["results"])
        by_query = await call(client, "search", query="debounce a value in a hook", mode="bm25", k=3)
        assert any(r["kind"] == "hook" for r in by_query["results"])

        alike = await call(client, "examples", kind="component", path=TAG, k=3)
        assert [e["kind"] for e in alike["examples"]] == ["component"] * 3
        assert all(e["path"].startswith("src/components/") and "same role" in e["why"][0] for e in alike["examples"])

        assert await call(client, "check", path=TAG, code=TAG_TSX) == {"path": TAG, "passed": True, "failures": [],
                                                                    "habits": []}
        broken = TAG_TSX.replace("const StyledTag", "console.log(1);\nconst StyledTag") + "export default Tag;\n"
        checked = await call(client, "check", path=TAG, code=broken)
        assert not checked["passed"]
        lines = broken.splitlines()
        assert {(f["rule"], f["line"]) for f in checked["failures"]} == {
            ("no-console-log", lines.index("console.log(1);") + 1), ("no-default-export", len(lines))}
        leaked = await call(client, "check", path="src/config.ts",
                            code=f"export const id = 1;\nexport const key = '{AWS_KEY_ID}';\n(")
        assert {(f["rule"], f["line"]) for f in leaked["failures"]} >= {("no-secret", 2), ("parses", 3)}
        assert AWS_KEY_ID not in str(leaked)

        answered = await call(client, "generate", instruction="Create a Tag component with a tone prop", path=TAG)
        assert answered["answered"] and answered["text"] == TAG_TSX and answered["request_id"] > 0
        assert served.script.requests, "the fake provider was asked"

        resources = {str(r.uri) for r in (await client.list_resources()).resources}
        assert resources == {"idiom://conventions.yaml", "idiom://DATASET.md"}
        [yaml_file] = (await client.read_resource("idiom://conventions.yaml")).contents
        assert "no-default-export" in yaml_file.text
        [card] = (await client.read_resource("idiom://datasets/acme-web/DATASET.md")).contents
        assert card.text.startswith("#")
        prompt = await client.get_prompt("follow_conventions", {"path": TAG})
        text = prompt.messages[0].content.text
        assert "Name components in PascalCase" in text and "`check` tool" in text

        # Bad input is one line for the agent; the server goes on serving.
        assert "outside the repository" in await refused(client, "conventions", path="../../etc/passwd")
        assert "give path and line" in await refused(client, "search")
        assert "line 999" in await refused(client, "search", path="src/components/Tooltip/Tooltip.tsx", line=999)
        assert "kinds: " in await refused(client, "examples", kind="widget", path=TAG)
        assert "unknown mode" in await refused(client, "search", query="x", mode="fuzzy")
        with pytest.raises(MCPError, match="no dataset 'nope'"):
            await client.read_resource("idiom://datasets/nope/DATASET.md")
        assert (await call(client, "conventions", path=TAG))["path"] == TAG


async def test_nothing_harvested_and_an_untrusted_endpoint_are_refused_in_one_line(make_repo):
    repo = make_repo("fresh")
    repo.write("app/users.py", "def get_user(user_id: int) -> dict:\n    return {'id': user_id}\n")
    repo.commit("feat: users")
    with fake_llm() as (url, script):
        # The repository asks for its own endpoint: untrusted, the setting is ignored (docs/trust.md).
        repo.write("idiom.toml", f'[router]\nbase_url = "{url}"\n')
        env = {k: v for k, v in os.environ.items() if k not in KEYS}
        async with mcp_client(repo.path, env) as client:
            assert "model provider" in await refused(client, "generate", instruction="a users module",
                                                     path="app/users.py")
            assert "run `idiom harvest" in await refused(client, "conventions", path="app/users.py")
            assert "run `idiom harvest" in await refused(client, "check", path="app/users.py", code="x = 1\n")
            assert "idiom index" in await refused(client, "search", query="users")
            with pytest.raises(MCPError, match="run `idiom harvest"):
                await client.read_resource("idiom://conventions.yaml")
            with pytest.raises(MCPError, match="run `idiom harvest"):
                await client.get_prompt("follow_conventions", {"path": "app/users.py"})
        assert script.requests == []


def test_answers_are_scrubbed_and_paths_stay_inside_the_repository(tmp_path):
    answer = scrubbed({"code": [f"aws_secret_access_key = '{AWS_SECRET}'"], "line": 3})
    assert AWS_SECRET not in str(answer) and answer["line"] == 3
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "out").symlink_to(tmp_path.parent)
    state = AgentState(tmp_path)
    assert state.inside("src/new/File.tsx") == "src/new/File.tsx"
    assert state.inside(str(tmp_path / "src" / "a.py")) == "src/a.py"
    for outside in ("../x.py", "/etc/passwd", "src/out/x.py", "."):
        with pytest.raises(Exception, match="outside the repository|the repository itself"):
            state.inside(outside)


def test_the_index_and_the_conventions_load_once_per_version_from_the_launch(repo, monkeypatch):
    from click.testing import CliRunner

    from server.cli import idiom

    monkeypatch.setenv("IDIOM_INDEX_EMBEDDING_MODEL", "hash")
    state = AgentState(repo)
    assert state.preload() == {}  # what `idiom mcp` loads in a thread at launch
    opened, conventions = state.index(), state.conventions()
    assert state.index() is opened and state.conventions() is conventions
    assert CliRunner().invoke(idiom, ["index", str(repo), "--rebuild"]).exit_code == 0
    assert state.index() is not opened and state.conventions() is conventions
