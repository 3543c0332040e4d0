"""Rows 2 (the editor's path) and 3 of the audit: an automatic completion in a fresh clone whose `.idiom/`
was committed asks no model; the VS Code extension never takes its program or endpoints from a workspace."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from lsprotocol import types

from tests.conftest import REPO_ROOT
from tests.security.conftest import Endpoints, run, small_team_repo
from tests.server.lsp_client import end_of, initialize, open_file, start, until

ANSWER = "def total_tax(items: list[dict]) -> float:\n    return sum(item[\"tax\"] for item in items)\n"


async def _complete(repo: Path, env: dict[str, str]) -> tuple[list, list]:
    client = await start([sys.executable, "-m", "server", "serve", "--repo", str(repo)], env)
    try:
        await initialize(client, repo, {"strategies": ["few_shot"]})
        text = (repo / "app" / "prices.py").read_text()
        uri = open_file(client, repo, "app/prices.py")
        answer = await client.text_document_inline_completion_async(types.InlineCompletionParams(
            text_document=types.TextDocumentIdentifier(uri), position=end_of(text),
            context=types.InlineCompletionContext(trigger_kind=types.InlineCompletionTriggerKind.Automatic)))
        decisions = await until(lambda: client.decisions)
        return answer.items, decisions
    finally:
        await client.shutdown_session()
        await client.stop()


@pytest.mark.slow
async def test_a_typed_completion_in_a_clone_with_committed_artifacts_asks_no_model(
        make_repo, repo: Path, endpoints: Endpoints, monkeypatch: pytest.MonkeyPatch) -> None:
    dataset = Path(os.environ["IDIOM_HOME"]) / "datasets" / "acme-web"
    monkeypatch.delenv("IDIOM_HOME")
    victim = small_team_repo(make_repo)
    shutil.copytree(dataset, victim.path / ".idiom" / "datasets" / "x")
    victim.git("add", "-f", ".idiom")
    victim.commit("chore: our dataset")
    endpoints.vendor.text = ANSWER
    env = {**os.environ, **endpoints.env(), "HF_HUB_OFFLINE": "1"}

    items, decisions = await _complete(victim.path, env)
    assert not items and endpoints.vendor.requests == []
    assert "committed to the repository" in decisions[-1].reason

    assert run("trust", str(victim.path), "--artifacts").exit_code == 0  # the user vouches for them
    items, decisions = await _complete(victim.path, env)
    assert decisions[-1].answered and len(endpoints.vendor.requests) == 1


def test_the_extension_takes_its_program_and_endpoints_from_user_settings_only() -> None:
    manifest = json.loads((REPO_ROOT / "editor-extension" / "package.json").read_text())
    untrusted = manifest["capabilities"]["untrustedWorkspaces"]
    assert untrusted["supported"] == "limited"
    restricted = {"idiomatic.launch.command", "idiomatic.launch.args", "idiomatic.providerBaseUrl",
                  "idiomatic.indexUrl", "idiomatic.teamUrl"}
    assert set(untrusted["restrictedConfigurations"]) == restricted
    settings = manifest["contributes"]["configuration"]["properties"]
    assert {key for key, spec in settings.items() if spec.get("scope") == "machine"} == restricted
