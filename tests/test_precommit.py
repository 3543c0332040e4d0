"""This repository's pre-commit hooks (.pre-commit-hooks.yaml), run by pre-commit itself (the pinned release)
in a temporary repository: its .pre-commit-config.yaml declares them as `repo: local` hooks with the same
entries, so pre-commit installs nothing and reaches no network. A commit that plants a secret or breaks a
warning-tier convention is stopped, with the place named and the secret never printed; a clean one passes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from harvest.conventions.rules import Rule
from harvest.conventions.store import write_conventions
from tests.conftest import AWS_KEY_ID, AWS_SECRET, REPO_ROOT, GitRepo

pytestmark = pytest.mark.slow
HOOKS = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())
NO_PRINT = Rule("no-print", "not-regex", r"^\s*print\(", "Log instead of `print(`", ("*.py",), support=20, followed=20,
                confidence=1.0, source="forbidden", severity="warning")


def _configured(repo: GitRepo) -> None:
    """The hooks as `repo: local` entries; lint reads a conventions file committed beside the code."""
    local = []
    for hook in HOOKS:
        entry = {key: hook[key] for key in ("id", "name", "entry", "language", "types")}
        if hook["id"] == "idiom-lint":
            entry["args"] = ["--conventions", "conventions.yaml"]
        local.append(entry)
    repo.write(".pre-commit-config.yaml", yaml.safe_dump({"repos": [{"repo": "local", "hooks": local}]}))
    write_conventions(repo.path / "conventions.yaml", [NO_PRINT], "team", "abc")
    repo.write("app/clean.py", "import logging\n\nlog = logging.getLogger(__name__)\n")
    repo.commit("chore: hooks")


def _commit(repo: GitRepo, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`git commit` with pre-commit's installed hook, as a developer would."""
    repo.git("add", "-A")
    return subprocess.run(["git", "-c", "user.name=Ada", "-c", "user.email=ada@example.com", "commit", "-q", "-m", "x"],
                          cwd=repo.path, env=env, capture_output=True, text=True, check=False)


def test_the_hooks_stop_a_planted_secret_and_a_broken_convention_and_pass_clean_code(tmp_path: Path) -> None:
    assert [h["id"] for h in HOOKS] == ["idiom-scrub", "idiom-lint"]
    repo = GitRepo(tmp_path / "team")
    _configured(repo)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=repo.path, env=env, check=True,
                   capture_output=True)

    repo.write("app/settings.py", f'AWS_ACCESS_KEY_ID = "{AWS_KEY_ID}"\nAWS_SECRET_ACCESS_KEY = "{AWS_SECRET}"\n')
    stopped = _commit(repo, env)
    assert stopped.returncode != 0
    said = stopped.stdout + stopped.stderr
    assert "idiom scrub" in said and "app/settings.py:2:" in said and "Failed" in said
    assert AWS_SECRET not in said and AWS_KEY_ID not in said

    repo.write("app/settings.py", 'import os\n\nAWS_SECRET_ACCESS_KEY = os.environ["AWS_SECRET_ACCESS_KEY"]\n'
                                  'print(AWS_SECRET_ACCESS_KEY[:0])\n')
    broken = _commit(repo, env)
    assert broken.returncode != 0
    assert "app/settings.py:4: no-print" in broken.stdout + broken.stderr

    repo.write("app/settings.py", 'import os\n\nAWS_SECRET_ACCESS_KEY = os.environ["AWS_SECRET_ACCESS_KEY"]\n')
    passed = _commit(repo, env)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert not repo.git("status", "--porcelain")
    # pre-commit cloned and installed nothing (a remote hook repository would be a `repo…` folder there).
    assert not [p.name for p in (tmp_path / "pre-commit-home").iterdir() if p.name.startswith("repo")]
