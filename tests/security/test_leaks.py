"""Row 9 of the audit: what could leave the machine or run on the way. The pull-ref diff runs no textconv
driver; a prompt has a size cap; lines a repository marks `pragma: allowlist secret` are still scrubbed
before they are sent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.security.conftest import Endpoints, run, small_team_repo

SECRET = "ghp_" + "R8mT2vXq9LzK4wNc7PbJ5sYd3HfG6aQe1UoZ"


def test_the_pull_request_diff_runs_no_textconv_driver(make_repo, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    marker = tmp_path / "textconv-ran"
    config = tmp_path / "gitconfig"
    config.write_text(f'[diff "evil"]\n\ttextconv = touch {marker}; cat\n')
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))  # a driver the user has for their own files
    repo = small_team_repo(make_repo)
    repo.write(".gitattributes", "*.txt diff=evil\n")
    repo.write("notes.txt", "one\n")
    repo.commit("docs: notes")
    base = repo.git("rev-parse", "HEAD")
    repo.git("checkout", "-q", "-b", "contrib")
    repo.write("notes.txt", "one\ntwo\n")
    head = repo.commit("docs: more notes")
    repo.git("checkout", "-q", "main")
    repo.git("update-ref", "refs/pull/1/head", head)

    repo.git("diff", base, head, GIT_CONFIG_GLOBAL=str(config))
    assert marker.exists()  # the driver is live: a plain `git diff` runs it
    marker.unlink()

    done = run("harvest", str(repo.path), "--no-dataset", "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["counts"]["prs"] == 1
    assert not marker.exists()


def test_a_huge_file_does_not_go_whole_to_the_provider(clone_of_example: Path, endpoints: Endpoints) -> None:
    (clone_of_example / "src" / "bundle.ts").write_text("const x = 1;" * 2_000_000)  # 24 MB on one line
    done = run("generate", "Continue", "--repo", str(clone_of_example), "--file", "src/bundle.ts",
               "--strategy", "few_shot", env=endpoints.env())
    assert done.exit_code == 0, done.output
    [sent] = endpoints.vendor.requests
    assert len(json.dumps(sent["body"])) < 100_000


def test_a_prompt_over_the_cap_is_refused_before_anything_is_sent(clone_of_example: Path,
                                                                  endpoints: Endpoints) -> None:
    done = run("generate", "Refactor: " + "x = 1\n" * 30_000, "--repo", str(clone_of_example),
               "--strategy", "few_shot", env=endpoints.env())
    assert done.exit_code == 1 and "max_prompt_chars" in done.stderr and done.stderr.count("\n") == 1
    assert endpoints.vendor.requests == []


def test_a_pragma_does_not_let_a_secret_leave(clone_of_example: Path, endpoints: Endpoints) -> None:
    (clone_of_example / "src" / "Scratch.tsx").write_text(f"const token = '{SECRET}'; // pragma: allowlist secret\n")
    done = run("generate", "Add a Scratch component", "--repo", str(clone_of_example), "--file", "src/Scratch.tsx",
               "--strategy", "few_shot", env=endpoints.env())
    assert done.exit_code == 0, done.output
    assert endpoints.vendor.requests and SECRET not in json.dumps(endpoints.vendor.requests)

