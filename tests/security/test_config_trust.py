"""Rows 1 and 2 of the audit: a repository's idiom.toml may not run a program or choose where code and the
user's keys go until the user trusts that version of the file; the user's own config always may."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.security.conftest import USER_KEY, Endpoints, Listener, run, small_team_repo


def _format_command(marker: Path) -> str:
    # A "formatter" that leaves a mark, then echoes its input back (so a trusted run formats nothing).
    return f"sh -c 'touch {marker}; cat'"


def test_a_format_command_from_an_untrusted_repository_never_runs(make_repo, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    repo = small_team_repo(make_repo)
    repo.write("idiom.toml", f'[harvest]\nformat_command = "{_format_command(marker)}"\nmin_completion_chars = 10\n')
    repo.commit("chore: formatter")

    done = run("harvest", str(repo.path))
    assert done.exit_code == 0, done.output
    assert not marker.exists()
    assert "ignoring [harvest] format_command" in done.stderr and f"idiom trust {repo.path}" in done.stderr
    assert done.stderr.count("ignoring") == 1  # one line, not one per section loaded

    assert run("trust", str(repo.path)).exit_code == 0  # the trusted path still works
    assert run("dataset", "build", str(repo.path)).exit_code == 0
    assert marker.exists()

    marker.unlink()  # the file changes after it was trusted: untrusted again
    (repo.path / "idiom.toml").write_text((repo.path / "idiom.toml").read_text() + "# harmless?\n")
    done = run("dataset", "build", str(repo.path))
    assert done.exit_code == 0 and not marker.exists()
    assert "has changed since you trusted it" in done.stderr


def test_the_users_own_config_is_always_honoured(make_repo, tmp_path: Path) -> None:
    marker = tmp_path / "formatted"
    repo = small_team_repo(make_repo)
    user = Path(os.environ["IDIOM_CONFIG_DIR"])
    user.mkdir(parents=True, exist_ok=True)
    (user / "config.toml").write_text(f'[harvest]\nformat_command = "{_format_command(marker)}"\n'
                                      "min_completion_chars = 10\n")
    done = run("harvest", str(repo.path))
    assert done.exit_code == 0, done.output
    assert marker.exists() and "ignoring" not in done.stderr


def test_trust_status_and_revoke(make_repo) -> None:
    repo = small_team_repo(make_repo)
    repo.write("idiom.toml", '[router]\nbase_url = "http://203.0.113.9/v1"\n')
    status = json.loads(run("trust", str(repo.path), "--status", "--json").stdout)
    assert status["config_state"] == "untrusted" and status["trusted_only_settings"] == ["[router] base_url"]
    assert run("trust", str(repo.path)).exit_code == 0
    assert json.loads(run("trust", str(repo.path), "--status", "--json").stdout)["config_state"] == "trusted"
    assert "no longer trusted" in run("trust", str(repo.path), "--revoke").stdout
    assert json.loads(run("trust", str(repo.path), "--status", "--json").stdout)["config_state"] == "untrusted"


def test_an_untrusted_base_url_never_receives_the_key_or_the_code(clone_of_example: Path,
                                                                  endpoints: Endpoints) -> None:
    (clone_of_example / "idiom.toml").write_text(f'[router]\nbase_url = "{endpoints.attacker_url}/v1"\n')
    args = ("generate", "Create a Tag component", "--repo", str(clone_of_example), "--strategy", "few_shot",
            "--file", "src/components/Tag/Tag.tsx")

    done = run(*args, env=endpoints.env())
    assert done.exit_code == 0, done.output
    assert endpoints.attacker.requests == []
    [sent] = endpoints.vendor.requests  # the vendor's own endpoint, as the user's environment says
    assert sent["headers"]["authorization"] == f"Bearer {USER_KEY}"

    assert run("trust", str(clone_of_example)).exit_code == 0
    assert run(*args, env=endpoints.env()).exit_code == 0
    assert len(endpoints.attacker.requests) == 1  # trusted: the team's own endpoint is used


def test_an_untrusted_index_url_receives_nothing(clone_of_example: Path, listener: Listener) -> None:
    (clone_of_example / "idiom.toml").write_text(f'[index]\nurl = "http://127.0.0.1:{listener.port}"\n')
    done = run("index", str(clone_of_example), env={"IDIOM_INDEX_EMBEDDING_MODEL": "hash"})
    assert done.exit_code == 0, done.output
    assert listener.connections == 0 and "ignoring [index] url" in done.stderr


def test_committed_artifacts_of_a_never_harvested_clone_send_nothing(make_repo, repo: Path, endpoints: Endpoints,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    dataset = Path(os.environ["IDIOM_HOME"]) / "datasets" / "acme-web"
    monkeypatch.delenv("IDIOM_HOME")  # the artifacts are the repository's own .idiom/
    repo = small_team_repo(make_repo)
    shutil.copytree(dataset, repo.path / ".idiom" / "datasets" / "x")
    repo.git("add", "-f", ".idiom")
    repo.commit("chore: our dataset")
    args = ("generate", "Create a Tag component", "--repo", str(repo.path), "--strategy", "few_shot")

    done = run(*args, env=endpoints.env())
    assert done.exit_code == 1
    assert done.stderr.count("\n") == 1 and "is committed to the repository" in done.stderr
    assert endpoints.vendor.requests == [] and endpoints.attacker.requests == []

    assert run("trust", str(repo.path), "--artifacts").exit_code == 0
    assert run(*args, env=endpoints.env()).exit_code == 0
    assert len(endpoints.vendor.requests) == 1


def test_an_untrusted_job_count_forks_no_more_processes_than_cores(make_repo, monkeypatch: pytest.MonkeyPatch) -> None:
    from harvest import pool

    asked: list[int] = []
    original = pool.job_count
    monkeypatch.setattr(pool, "job_count", lambda jobs: asked.append(original(jobs)) or asked[-1])
    repo = small_team_repo(make_repo)
    repo.write("idiom.toml", "[harvest]\njobs = 1000\nmin_completion_chars = 10\n")
    repo.commit("chore: a thousand workers")
    done = run("harvest", str(repo.path))
    assert done.exit_code == 0, done.output
    assert asked and max(asked) == pool.cores()
