"""The CI recipes in examples/ci/ run commands the CLI has: each file is parsed, the `idiom` command lines
its jobs run are taken in order, and those same commands run against a copy of the example repository (a
local fake model provider answers validation; embeddings are the hash model). A command or flag the CLI
does not have fails the run; the files the recipe publishes as artifacts must exist afterwards."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO_ROOT
from tests.router.fake_llm import fake_llm

pytestmark = pytest.mark.slow
RECIPES = REPO_ROOT / "examples" / "ci"
GITLAB_KEYWORDS = {"default", "variables", "stages", "include", "workflow"}


def _idiom_lines(scripts: list[str]) -> list[list[str]]:
    """The `idiom …` commands among shell lines (a `run:` block or a script list), in order."""
    lines = [line.strip() for block in scripts for line in block.splitlines()]
    return [shlex.split(line, comments=True) for line in lines if line.startswith("idiom ")]


def github_actions(recipe: dict[str, Any]) -> tuple[list[list[str]], list[str]]:
    """(commands, artifact paths) of a workflow: every job's `run` steps, then what upload-artifact takes."""
    steps = [step for job in recipe["jobs"].values() for step in job["steps"]]
    uploads = [p.strip() for s in steps if s.get("uses", "").startswith("actions/upload-artifact")
               for p in s["with"]["path"].splitlines() if p.strip()]
    return _idiom_lines([s["run"] for s in steps if "run" in s]), uploads


def gitlab_ci(recipe: dict[str, Any]) -> tuple[list[list[str]], list[str]]:
    """(commands, artifact paths) of a pipeline: every job's before_script and script, then its artifacts."""
    jobs = [job for name, job in recipe.items() if name not in GITLAB_KEYWORDS and not name.startswith(".")]
    before = recipe.get("default", {}).get("before_script", [])
    commands = _idiom_lines([line for job in jobs for line in (*job.get("before_script", before), *job["script"])])
    artifacts = [job["artifacts"] for job in jobs if "artifacts" in job]
    return commands, [p for a in artifacts for p in (*a.get("paths", []), *a.get("reports", {}).values())]


@pytest.mark.parametrize(("recipe", "read"), [("github-actions.yml", github_actions), ("gitlab-ci.yml", gitlab_ci)])
def test_a_recipe_runs_the_cli_it_names(acme_harvest, tmp_path: Path, recipe: str, read) -> None:
    commands, artifacts = read(yaml.safe_load((RECIPES / recipe).read_text()))
    assert [c[:2] for c in commands][:2] == [["idiom", "harvest"], ["idiom", "index"]]
    assert ["idiom", "roi"] in commands and any("--junit" in c for c in commands if c[:2] == ["idiom", "validate"])
    assert artifacts
    repo = shutil.copytree(acme_harvest[0], tmp_path / "acme-web", symlinks=True)
    env = {k: v for k, v in os.environ.items() if k != "IDIOM_HOME"}  # CI keeps .idiom/ in the checkout
    with fake_llm() as (url, _script):
        env.update(IDIOM_ROUTER_BASE_URL=url, OPENAI_API_KEY="sk-test", IDIOM_ROUTER_MAX_RETRIES="0",
                   IDIOM_INDEX_EMBEDDING_MODEL="hash", HF_HUB_OFFLINE="1")
        for command in commands:
            done = subprocess.run([sys.executable, "-m", "server", *command[1:]], cwd=repo, env=env,
                                  capture_output=True, text=True, check=False)
            assert done.returncode == 0, f"{shlex.join(command)}: {done.stderr[-2000:]}"
    for artifact in artifacts:
        assert (repo / artifact).exists() and (not artifact.endswith("/") or any((repo / artifact).iterdir())), artifact
    assert (repo / ".idiom" / "reports" / "roi.html").is_file()
