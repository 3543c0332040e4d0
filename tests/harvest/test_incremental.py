"""Incremental re-harvest: a second `idiom harvest` reuses the last one's commits and unchanged files and
writes what a full harvest writes; anything that could make the reuse wrong means a full harvest, saying why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from harvest.cli import cli
from tests.conftest import AWS_KEY_ID, AWS_SECRET, GitRepo
from tests.harvest.test_build_cache import log_parses
from tests.harvest.test_jobs import _artifacts, _grow

GITHUB_TOKEN = "ghp_" + "x7Kq2Lm9Rt4Vw8Yz3Bn6Cd1Fg5Hj0Ks2Np4Qr"  # split so this file holds no detectable token


def _harvest(repo: GitRepo, home: Path, monkeypatch: pytest.MonkeyPatch, *flags: str) -> dict:
    monkeypatch.setenv("IDIOM_HOME", str(home))
    outcome = CliRunner().invoke(cli, ["harvest", str(repo.path), "--name", "team", "--json", *flags])
    assert outcome.exit_code == 0, outcome.output
    return json.loads(outcome.output)


def _more_history(repo: GitRepo) -> None:
    """New commits of every sort since the last harvest: on main, a token added then removed, an edited and a
    deleted file, and a branch dated before most of the history, merged now (a full walk puts its commit far
    down, not on top)."""
    repo.write("service/app/users.py", "def get_user(user_id: int) -> dict:\n    return {'id': user_id, 'ok': True}\n")
    repo.commit("feat: users say ok")
    repo.write("ci/publish.sh", f"export GITHUB_TOKEN={GITHUB_TOKEN}\n")
    repo.commit("ci: publish")
    (repo.path / "ci/publish.sh").unlink()
    (repo.path / "web/src/widget3.ts").unlink()
    repo.commit("fix: token from the CI secrets; drop widget 3")
    first = repo.git("rev-list", "--max-parents=0", "HEAD")
    repo.git("checkout", "-q", "-b", "old-topic", first)
    repo.write("service/app/topic.py", "def topic(name: str) -> str:\n    return name.title()\n")
    repo.git("add", "-A")
    old = "2024-06-01T12:00:00+00:00"
    repo.git("commit", "-q", "-m", "feat: topic", GIT_AUTHOR_DATE=old, GIT_COMMITTER_DATE=old)
    repo.git("checkout", "-q", "main")
    repo.tick += 1
    date = f"2025-01-{repo.tick:02d}T12:00:00+00:00"
    repo.git("merge", "--no-ff", "-q", "old-topic", "-m", "Merge pull request #30 from team/old-topic",
             GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)


def test_a_reharvest_reuses_the_last_and_writes_what_a_full_harvest_writes(
        team_repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _grow(team_repo)
    # `from . import tasks`: the saved graph binds it to tasks.py, and a rebuild that bound the saved
    # binding again made it the package's __init__.py (the dataset's graph differed from a fresh one).
    team_repo.write("service/app/jobs/__init__.py", "")
    team_repo.write("service/app/jobs/tasks.py", "def send(to: str) -> str:\n    return to\n")
    team_repo.write("service/app/jobs/run.py", "from . import tasks\n\n\ndef run() -> str:\n    return tasks.send('a')\n")
    team_repo.commit("feat: jobs")
    first = _harvest(team_repo, tmp_path / "again", monkeypatch, "--jobs", "2")
    assert first["reuse"] == {"full": "no previous harvest"}
    _more_history(team_repo)

    again = _harvest(team_repo, tmp_path / "again", monkeypatch, "--jobs", "2")
    full = _harvest(team_repo, tmp_path / "full", monkeypatch, "--jobs", "1")
    assert again["reuse"] == {"reused_commits": first["counts"]["commits"], "new_commits": 5,
                              "rescrubbed_files": 2}  # users.py and topic.py; the other files as they were
    assert full["reuse"] == {"full": "no previous harvest"}
    assert _artifacts(tmp_path / "again", "team") == _artifacts(tmp_path / "full", "team")

    commits = (tmp_path / "again" / "harvest" / "team" / "commits.jsonl").read_text().splitlines()
    messages = [json.loads(line)["message"] for line in commits]
    assert messages.index("feat: topic") >= len(messages) - 2  # beside the root it branched from, not on top
    written = b"".join(_artifacts(tmp_path / "again", "team").values())
    assert GITHUB_TOKEN.encode() not in written and AWS_KEY_ID.encode() not in written
    assert AWS_SECRET.encode() not in written
    report = json.loads((tmp_path / "again" / "harvest" / "team" / "scrub-report.json").read_text())
    assert {f["path"] for f in report["findings"][:report["history_findings"]]} >= {"ci/publish.sh",
                                                                                    "deploy/keys.env"}


def test_nothing_new_reuses_everything(team_repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _harvest(team_repo, tmp_path / "home", monkeypatch, "--no-dataset")
    before = _artifacts(tmp_path / "home", "team")
    again = _harvest(team_repo, tmp_path / "home", monkeypatch, "--no-dataset")
    assert again["reuse"] == {"reused_commits": first["counts"]["commits"], "new_commits": 0, "rescrubbed_files": 0}
    assert _artifacts(tmp_path / "home", "team") == before


def test_the_test_map_parses_only_what_the_last_build_did_not(team_repo: GitRepo, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    log = log_parses(monkeypatch, tmp_path / "parsed.txt")
    first = _harvest(team_repo, tmp_path / "home", monkeypatch)  # the build leaves its cache of graph facts
    assert first["counts"]["tests_mapped"] >= 1 and log.read_text()  # nothing cached yet: the test map parsed
    log.unlink()
    button = team_repo.path / "src/components/Button/Button.tsx"
    button.write_text(button.read_text() + "\n")
    team_repo.commit("style: a blank line")
    again = _harvest(team_repo, tmp_path / "home", monkeypatch, "--no-dataset")
    assert again["counts"]["tests_mapped"] == first["counts"]["tests_mapped"]
    # its spec's import leads there; the spec is cached
    assert log.read_text().splitlines() == ["src/components/Button/Button.tsx"]


def test_a_rewritten_history_is_harvested_in_full_saying_why(team_repo: GitRepo, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    _harvest(team_repo, tmp_path / "home", monkeypatch, "--no-dataset")
    old_tip = team_repo.git("rev-parse", "HEAD")
    team_repo.git("reset", "-q", "--hard", "HEAD~1")
    team_repo.write("service/app/rebased.py", "VALUE = 1\n")
    team_repo.commit("feat: rebased")
    monkeypatch.setenv("IDIOM_HOME", str(tmp_path / "home"))
    outcome = CliRunner().invoke(cli, ["harvest", str(team_repo.path), "--name", "team", "--no-dataset"])
    assert outcome.exit_code == 0, outcome.output
    said = " ".join(outcome.output.split())
    assert "full harvest: history rewritten" in said and f"was {old_tip[:12]}" in said
    _harvest(team_repo, tmp_path / "full", monkeypatch, "--no-dataset")
    assert _artifacts(tmp_path / "home", "team") == _artifacts(tmp_path / "full", "team")


def test_with_every_ref_a_deleted_branch_is_reused_and_a_moved_back_one_is_a_rewrite(
        team_repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _grow(team_repo)  # a merged feature/rates branch
    team_repo.git("branch", "topic", "HEAD~2")
    _harvest(team_repo, tmp_path / "home", monkeypatch, "--no-dataset", "--all-refs")
    team_repo.git("branch", "-D", "feature/rates")  # merged, then deleted: nothing rewritten
    team_repo.write("service/app/more.py", "MORE = 2\n")
    team_repo.commit("feat: more")
    again = _harvest(team_repo, tmp_path / "home", monkeypatch, "--no-dataset", "--all-refs")
    assert again["reuse"]["new_commits"] == 1
    _harvest(team_repo, tmp_path / "full", monkeypatch, "--no-dataset", "--all-refs")
    assert _artifacts(tmp_path / "home", "team") == _artifacts(tmp_path / "full", "team")
    team_repo.git("branch", "-f", "topic", "HEAD~4")  # moved back: its old tip is no longer in its history
    reason = _harvest(team_repo, tmp_path / "home", monkeypatch, "--no-dataset", "--all-refs")["reuse"]["full"]
    assert reason.startswith("history rewritten: refs/heads/topic was ")


def test_other_settings_an_allowlist_or_full_mean_a_full_harvest(team_repo: GitRepo, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    _harvest(team_repo, home, monkeypatch, "--no-dataset")
    assert _harvest(team_repo, home, monkeypatch, "--no-dataset", "--max-file-bytes", "5000")["reuse"] == \
        {"full": "the previous harvest was made with other settings"}
    team_repo.write(".idiomignore", "# nothing allowed yet\n")
    assert _harvest(team_repo, home, monkeypatch, "--no-dataset", "--max-file-bytes", "5000")["reuse"] == \
        {"full": ".idiomignore changed since the previous harvest"}
    assert _harvest(team_repo, home, monkeypatch, "--no-dataset", "--max-file-bytes", "5000",
                    "--full")["reuse"] == {"full": "--full given"}
    assert "reused_commits" in _harvest(team_repo, home, monkeypatch, "--no-dataset", "--max-file-bytes",
                                        "5000")["reuse"]
    assert _harvest(team_repo, home, monkeypatch, "--no-dataset", "--jobs", "1",
                    "--max-file-bytes", "5000")["reuse"]["new_commits"] == 0  # the job count changes no output


def test_a_damaged_last_harvest_means_a_full_harvest(team_repo: GitRepo, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    _harvest(team_repo, home, monkeypatch, "--no-dataset")
    commits = home / "harvest" / "team" / "commits.jsonl"
    commits.write_text(commits.read_text() + "not json\n")
    reuse = _harvest(team_repo, home, monkeypatch, "--no-dataset")["reuse"]
    assert reuse["full"].startswith("the previous harvest cannot be read")
    (home / "harvest" / "team" / "scrub-report.json").write_text("{")
    assert _harvest(team_repo, home, monkeypatch, "--no-dataset")["reuse"]["full"].startswith(
        "the previous harvest cannot be read")
