"""Artifact location and atomic writes: readers never see half an artifact."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvest.atomic import atomic_write_text, staged_dir
from harvest.store import ensure_home, idiom_home


def test_home_defaults_to_the_repo_and_hides_itself_from_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IDIOM_HOME")
    assert idiom_home(tmp_path) == tmp_path / ".idiom"
    assert not (tmp_path / ".idiom").exists()  # finding the folder creates nothing
    home = ensure_home(tmp_path)
    assert home == tmp_path / ".idiom"
    assert (home / ".gitignore").read_text() == "*\n"


def test_idiom_home_overrides_the_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IDIOM_HOME", str(tmp_path / "elsewhere"))
    assert idiom_home(tmp_path / "repo") == tmp_path / "elsewhere"


def test_atomic_write_leaves_no_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "a" / "manifest.json"
    atomic_write_text(target, "one")
    atomic_write_text(target, "two")
    assert target.read_text() == "two"
    assert [p.name for p in target.parent.iterdir()] == ["manifest.json"]


def test_a_failed_stage_keeps_the_previous_directory(tmp_path: Path) -> None:
    final = tmp_path / "harvest" / "team"
    with staged_dir(final) as stage:
        (stage / "files.jsonl").write_text("old\n")
    with pytest.raises(RuntimeError), staged_dir(final) as stage:
        (stage / "files.jsonl").write_text("half")
        raise RuntimeError("crash in the middle")
    assert (final / "files.jsonl").read_text() == "old\n"
    assert sorted(p.name for p in final.parent.iterdir()) == ["team"]
