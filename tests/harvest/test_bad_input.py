"""Bad input: one line on stderr, exit code 1, and never a half-written or lost harvest."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from server.cli import idiom
from tests.conftest import GitRepo


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(idiom, list(args))
    return result.exit_code, result.stdout, result.stderr


def assert_one_line_error(code: int, stderr: str, *needles: str) -> None:
    assert code == 1, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    for needle in needles:
        assert needle in lines[0]


def test_not_a_repository(tmp_path: Path) -> None:
    code, _, err = run("harvest", str(tmp_path))
    assert_one_line_error(code, err, "not inside a git repository")


def test_missing_path(tmp_path: Path) -> None:
    code, _, err = run("harvest", str(tmp_path / "nope"))
    assert_one_line_error(code, err, "no such directory")


def test_empty_repository(make_repo) -> None:
    repo = make_repo("empty")
    code, _, err = run("harvest", str(repo.path))
    assert_one_line_error(code, err, "no commits yet")


def test_unknown_ref(team_repo: GitRepo) -> None:
    code, _, err = run("harvest", str(team_repo.path), "--ref", "no-such-branch")
    assert_one_line_error(code, err, "no-such-branch", "git branch -a")


def test_malformed_config(team_repo: GitRepo) -> None:
    team_repo.write("idiom.toml", "[harvest]\nrefs = main\n")
    code, _, err = run("harvest", str(team_repo.path))
    assert_one_line_error(code, err, "idiom.toml", "not valid TOML")


@pytest.mark.parametrize("content, needle", [
    ("{not json", "not valid JSON"),
    ('{"number": 1}', "expected a JSON array"),
    ('[{"title": "no number"}]', "item 0 has no integer 'number'"),
    ('[{"number": 2, "comments": "x"}]', "'comments' must be a list"),
])
def test_malformed_pr_export(team_repo: GitRepo, tmp_path: Path, content: str, needle: str) -> None:
    export = tmp_path / "prs.json"
    export.write_text(content)
    code, _, err = run("harvest", str(team_repo.path), "--prs", str(export))
    assert_one_line_error(code, err, needle)


def test_shallow_clone_is_mined_and_flagged(team_repo: GitRepo, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "2", f"file://{team_repo.path}", str(clone)], check=True)
    code, out, err = run("harvest", str(clone), "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["shallow"] is True and summary["counts"]["commits"] == 2


def test_detached_head_is_mined(team_repo: GitRepo) -> None:
    team_repo.git("checkout", "-q", "--detach", "HEAD~2")
    code, out, err = run("harvest", str(team_repo.path), "--json")
    assert code == 0, err
    assert json.loads(out)["head"] == team_repo.git("rev-parse", "HEAD")


def test_corrupt_object_fails_cleanly_and_keeps_the_previous_harvest(team_repo: GitRepo) -> None:
    code, out, _ = run("harvest", str(team_repo.path), "--json")
    assert code == 0
    output = Path(json.loads(out)["output"])
    before = (output / "files.jsonl").read_text()
    blob = team_repo.git("rev-parse", "HEAD:README.md")
    obj = team_repo.path / ".git" / "objects" / blob[:2] / blob[2:]
    obj.chmod(0o644)
    obj.write_bytes(b"garbage")
    code, _, err = run("harvest", str(team_repo.path))
    assert_one_line_error(code, err, "git fsck")
    assert (output / "files.jsonl").read_text() == before
    assert sorted(p.name for p in output.parent.iterdir()) == [output.name]


@pytest.mark.slow
def test_a_200_mb_file_is_skipped_unread(make_repo) -> None:
    repo = make_repo("huge")
    repo.write("src/app.py", "print('hi')\n")
    with (repo.path / "dump.sql").open("wb") as out:
        out.truncate(200 * 1024 * 1024)
    repo.commit("add a database dump")
    code, out, err = run("harvest", str(repo.path), "--json")
    assert code == 0, err
    excluded = (Path(json.loads(out)["output"]) / "excluded.jsonl").read_text()
    assert '"path":"dump.sql","reason":"too-large"' in excluded


def test_entry_points_run_as_commands(team_repo: GitRepo) -> None:
    for argv in ([sys.executable, "-m", "harvest", "--help"], [sys.executable, "-m", "server", "--help"]):
        result = subprocess.run(argv, capture_output=True, text=True, check=True)
        assert "harvest" in result.stdout
    result = subprocess.run([sys.executable, "-m", "server", "harvest", "--help"], capture_output=True, text=True)
    assert "--prs" in result.stdout and "--max-commits" in result.stdout
