"""`Artifacts(repo)`: where each artifact lives, and the one rule (and one message) for choosing a dataset."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harvest.errors import InputError
from harvest.store import Artifacts


def _finished(folder: Path, *names: str) -> None:
    """Datasets or harvests as their writers leave them: a folder whose manifest.json is written last."""
    for name in names:
        (folder / name).mkdir(parents=True)
        (folder / name / "manifest.json").write_text("{}")


def test_every_artifact_lives_under_idiom_home(tmp_path: Path) -> None:
    home = Path(os.environ["IDIOM_HOME"])
    artifacts = Artifacts(tmp_path)
    assert artifacts.home == home
    assert (artifacts.harvests, artifacts.datasets, artifacts.index, artifacts.models, artifacts.reports) == (
        home / "harvest", home / "datasets", home / "index", home / "models", home / "reports")
    assert (artifacts.db, artifacts.suite) == (home / "idiom.db", home / "suites" / "default.yaml")
    assert not home.exists()  # naming a place creates nothing


def test_idiom_home_moves_them_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IDIOM_HOME")
    assert Artifacts(tmp_path).datasets == tmp_path / ".idiom" / "datasets"
    monkeypatch.setenv("IDIOM_HOME", str(tmp_path / "elsewhere"))
    _finished(tmp_path / "elsewhere" / "datasets", "team")
    _finished(tmp_path / ".idiom" / "datasets", "ignored")  # the repository's own folder no longer counts
    assert Artifacts(tmp_path).dataset() == tmp_path / "elsewhere" / "datasets" / "team"
    assert Artifacts(tmp_path).conventions() == tmp_path / "elsewhere" / "datasets" / "team" / "conventions.yaml"


def test_none_yet_says_to_harvest(tmp_path: Path) -> None:
    artifacts = Artifacts(tmp_path)
    assert artifacts.find_dataset() is None and artifacts.find_harvest() is None
    with pytest.raises(InputError, match=rf"^no dataset for {tmp_path} yet \(none under .*\); run `idiom harvest "):
        artifacts.dataset()
    with pytest.raises(InputError, match="^no dataset for"):
        artifacts.conventions()
    with pytest.raises(InputError, match="^no harvest for"):
        artifacts.harvest()
    with pytest.raises(InputError, match=r"^no dataset 'team' under .* \(have: none\)"):
        artifacts.dataset("team")


def test_the_only_one_is_chosen_and_a_killed_writers_stage_never_counts(tmp_path: Path) -> None:
    artifacts = Artifacts(tmp_path)
    _finished(artifacts.datasets, "team", ".team.x1y2.staging")
    (artifacts.datasets / "half").mkdir()  # no manifest yet: a build still running, or one that died
    assert artifacts.dataset_names() == ["team"]
    assert artifacts.dataset() == artifacts.dataset("team") == artifacts.datasets / "team"


def test_of_several_the_named_one_else_a_line_saying_how_to_choose(tmp_path: Path) -> None:
    artifacts = Artifacts(tmp_path)
    _finished(artifacts.datasets, "a", "b")
    _finished(artifacts.harvests, "a", "b")
    assert artifacts.dataset("b") == artifacts.datasets / "b" and artifacts.harvest("a") == artifacts.harvests / "a"
    assert artifacts.find_dataset() is None and artifacts.find_harvest() is None
    with pytest.raises(InputError, match=r"^several datasets under .* \(a, b\); pass --name NAME, or make one the "
                                         r"default by indexing it \(`idiom index .* --name NAME`\)$"):
        artifacts.dataset()
    with pytest.raises(InputError, match=r"\(a, b\); pass --dataset NAME, or"):
        artifacts.dataset(option="--dataset")
    with pytest.raises(InputError, match=r"\(a, b\); make one the default by indexing it"):  # the editor: no flag
        artifacts.conventions(option="")
    with pytest.raises(InputError, match=r"^several harvests under .* \(a, b\); pass --name NAME"):
        artifacts.harvest()
    with pytest.raises(InputError, match=r"^no dataset 'c' under .* \(have: a, b\)"):
        artifacts.dataset("c")


def test_an_unreadable_index_chooses_nothing(tmp_path: Path) -> None:
    artifacts = Artifacts(tmp_path)
    _finished(artifacts.datasets, "a", "b")
    artifacts.index.mkdir(parents=True)
    for broken in ("{not json", "[]", '{"units_file": 3}', '{"units_file": "../../elsewhere/a/units.jsonl"}'):
        (artifacts.index / "manifest.json").write_text(broken)
        assert artifacts.indexed_dataset() == "" and artifacts.find_dataset() is None
    (artifacts.index / "manifest.json").write_text('{"units_file": "../datasets/b/units.jsonl"}')
    assert artifacts.indexed_dataset() == "b" and artifacts.find_dataset() == artifacts.datasets / "b"
