"""Rows 4, 5 and 7 of the audit: what a repository's committed `.idiom/` and its registry, database and
names can do. A committed `.idiom/` is refused until trusted; a `.idiom` symlink is refused; a regex
that backtracks catastrophically runs in linear time; registry values reach no shell unquoted; the ROI
report escapes every value; `--name` cannot leave the artifact folder."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import orjson
import pytest

from router.database import database
from tests.security.conftest import run, small_team_repo

# A classic catastrophic pattern: Python's re needs ~2^n steps on n word characters followed by a mismatch.
EVIL_REGEX = r"^(\w+\s?)+$"


@pytest.fixture
def own_home(monkeypatch: pytest.MonkeyPatch) -> None:
    """Artifacts in the repository's own `.idiom/`, as for a user without IDIOM_HOME."""
    monkeypatch.delenv("IDIOM_HOME")


def _conventions(rule_value: str) -> str:
    rule = {"id": "no-long-lines", "type": "not-regex", "value": rule_value, "message": "Keep it short",
            "paths": ["**/*.py"], "support": 9, "followed": 9, "confidence": 1.0}
    return orjson.dumps({"version": 1, "repository": "x", "head": "0", "rules": [rule]}).decode()


@pytest.mark.timeout(120)
def test_a_committed_catastrophic_regex_neither_runs_untrusted_nor_freezes_when_trusted(make_repo, own_home) -> None:
    repo = small_team_repo(make_repo)
    repo.write(".idiom/datasets/x/conventions.yaml", _conventions(EVIL_REGEX))
    repo.write(".idiom/datasets/x/manifest.json", "{}")
    repo.write("app/slow.py", "a" * 5_000 + "!\n")  # 2^5000 backtracking steps for Python's re
    repo.write("app/words.py", "just some words\n")  # the rule does run: this line breaks it
    repo.git("add", "-f", ".idiom", "app")
    repo.commit("chore: conventions")

    done = run("lint", str(repo.path / "app"))
    assert done.exit_code == 1 and "is committed to the repository" in done.stderr and "Traceback" not in done.output

    assert run("trust", str(repo.path), "--artifacts").exit_code == 0
    done = run("lint", str(repo.path / "app"))  # on Python's re this line would not return in our lifetime
    assert done.exit_code == 1 and "app/words.py:1" in done.stdout and "slow.py" not in done.stdout


def test_a_lookaround_rule_is_rejected_at_load_with_the_reason(make_repo, tmp_path: Path) -> None:
    repo = small_team_repo(make_repo)
    rules = tmp_path / "conventions.yaml"
    rules.write_text(_conventions(r"(?<!self\.)assert"))
    done = run("lint", str(repo.path / "app"), "--conventions", str(rules))
    assert done.exit_code == 1 and done.stderr.count("\n") == 1
    assert "lookahead and lookbehind are not supported" in done.stderr


def test_a_symlinked_idiom_folder_is_refused_and_nothing_is_written_through_it(make_repo, tmp_path: Path,
                                                                               own_home) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    repo = small_team_repo(make_repo)
    (repo.path / ".idiom").symlink_to(outside)
    repo.git("add", "-f", ".idiom")
    repo.commit("chore: share artifacts")
    for args in (("harvest", str(repo.path)), ("search", "x", "--repo", str(repo.path))):
        done = run(*args)
        assert done.exit_code == 1 and "is a symbolic link" in done.stderr and done.stderr.count("\n") == 1
    assert list(outside.iterdir()) == []


def test_registry_values_reach_the_shell_quoted(make_repo, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    base = f"x; touch {marker}; #"
    repo = small_team_repo(make_repo)
    version = Path(os.environ["IDIOM_HOME"]) / "models" / "m" / "v1"
    version.mkdir(parents=True)
    (version / "training.json").write_text(orjson.dumps({"backend": "local", "base_model": base}).decode())
    done = run("models", "export-vllm", "m", "--repo", str(repo.path))
    assert done.exit_code == 0, done.output
    command = done.stdout.split("\n\n")[0].replace("vllm serve", "printf '%s\\n'", 1)
    printed = subprocess.run(["sh", "-c", command], capture_output=True, text=True, check=True).stdout
    assert not marker.exists()
    assert printed.splitlines()[0] == base  # one argument, exactly as recorded
    assert shlex.split(command)[2] == base


MARKUP = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_the_roi_report_escapes_every_value(repo: Path) -> None:
    from harvest.store import idiom_home

    run_id = f"run-{MARKUP}"
    with database(repo) as db:
        db.exec_driver_sql("INSERT INTO runs VALUES (?, 'now', ?, ?, ?, 0, '')", (run_id, MARKUP, MARKUP, MARKUP))
        db.exec_driver_sql("INSERT INTO results VALUES (?, ?, ?, ?, ?, ?, '[]', ?, ?, 900, 100, 0.01, 0.4, ?)",
                           [(run_id, MARKUP, f"c{n}", MARKUP, MARKUP, int(n < 8), MARKUP, MARKUP, MARKUP)
                        for n in range(10)])
        db.exec_driver_sql("INSERT INTO requests (at, kind, language, path, strategy, reason, attempts, "
                           "input_tokens, output_tokens, cost_usd, latency_s, outcome) VALUES ('now', ?, ?, ?, ?, ?, "
                           "'[]', 9, 9, 0.01, 0.4, 'answered')", (MARKUP, MARKUP, MARKUP, MARKUP, MARKUP))
    version = idiom_home(repo) / "models" / "m" / "v1"
    version.mkdir(parents=True)
    (version / "training.json").write_text(orjson.dumps({"backend": MARKUP, "base_model": MARKUP}).decode())
    (version / "metrics.json").write_text(orjson.dumps({"wall_seconds": 36}).decode())
    (version.parent / "registry.json").write_text(orjson.dumps({"promoted": "v1", "history": []}).decode())

    done = run("roi", str(repo))
    assert done.exit_code == 0, done.output
    for name in ("roi.html", "roi.md"):
        text = (idiom_home(repo) / "reports" / name).read_text()
        assert "&lt;script&gt;" in text  # the names are there, as text
        assert "<script" not in text and "<img" not in text


def test_a_harvest_name_cannot_leave_the_artifact_folder(make_repo, own_home) -> None:
    repo = small_team_repo(make_repo)
    before = (repo.path / "app" / "prices.py").read_text()
    (repo.path / "app" / "uncommitted.py").write_text("work in progress\n")
    done = run("harvest", str(repo.path), "--name", "../../app", "--json")
    assert done.exit_code == 0, done.output
    assert (repo.path / "app" / "prices.py").read_text() == before
    assert (repo.path / "app" / "uncommitted.py").read_text() == "work in progress\n"
    assert (repo.path / ".idiom" / "harvest" / "app" / "manifest.json").is_file()
