"""What a killed writer leaves (staging folders, temporary files, a half-swapped result) never counts
as an artifact, and the next writer clears it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from harvest.store import Artifacts, complete_artifacts, remove_leftovers, staged_dir
from router.strategies.loaded import LoadedStrategies
from tests.crash.helpers import home, one_line_error, run, small_repo

KILLED = ".small.k1ll3d.staging"  # the name `staged_dir` gives a stage: a killed run leaves it behind


def _harvested(make_repo) -> Path:
    repo = small_repo(make_repo("small")).path
    assert run("harvest", str(repo)).exit_code == 0
    assert run("index", str(repo)).exit_code == 0
    return repo


def _leave_what_kill_9_leaves() -> None:
    """Stages killed just before their swap (whole, manifest included) and half-written temporary files."""
    for folder in ("harvest", "datasets"):
        shutil.copytree(home() / folder / "small", home() / folder / KILLED)
        (home() / folder / ".small.h4lf.staging").mkdir()
    shutil.copytree(home() / "index", home() / ".index.k1ll3d.staging")
    (home() / "datasets" / "small" / ".conventions.yaml.x7y8.tmp").write_text("rules:\n  - id: half")
    (home() / "index" / ".graph.x7y8.staging").mkdir()


def test_every_picker_sees_one_dataset_beside_a_killed_writers_leftovers(make_repo) -> None:
    repo = _harvested(make_repo)
    _leave_what_kill_9_leaves()
    datasets = home() / "datasets"
    assert complete_artifacts(datasets) == ["small"] and complete_artifacts(home() / "harvest") == ["small"]
    artifacts = Artifacts(repo)
    assert artifacts.harvest().name == "small"
    assert artifacts.conventions() == datasets / "small" / "conventions.yaml"
    assert artifacts.dataset() == datasets / "small"
    assert LoadedStrategies(repo).available() == ["few_shot", "rag"]
    shown = run("conventions", "show", str(repo), "--json")
    assert shown.exit_code == 0 and json.loads(shown.output), shown.output
    found = run("search", "load a service item", "--repo", str(repo), "--json")
    assert found.exit_code == 0 and json.loads(found.output), found.output


def test_the_next_writer_clears_the_leftovers(make_repo) -> None:
    repo = _harvested(make_repo)
    _leave_what_kill_9_leaves()
    assert run("dataset", "build", str(repo)).exit_code == 0
    assert sorted(p.name for p in home().iterdir() if p.name.startswith(".")) == [".gitignore", ".lock"]
    for folder in ("harvest", "datasets", "index", "datasets/small"):
        assert not [p.name for p in (home() / folder).iterdir() if p.name.startswith(".")], folder


def test_a_result_half_swapped_by_the_two_rename_fallback_is_put_back(tmp_path: Path) -> None:
    # Without an atomic exchange, `staged_dir` renames the old result to `.NAME.old` first: a kill
    # right then leaves no NAME at all.
    with staged_dir(tmp_path / "team") as stage:
        (stage / "manifest.json").write_text("{}")
    (tmp_path / "team").rename(tmp_path / ".team.old")
    assert complete_artifacts(tmp_path) == []
    remove_leftovers(tmp_path)
    assert complete_artifacts(tmp_path) == ["team"] and not (tmp_path / ".team.old").exists()
    shutil.copytree(tmp_path / "team", tmp_path / ".team.old")  # killed after the second rename: stale copy
    remove_leftovers(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["team"]


def test_a_folder_without_its_manifest_is_not_an_artifact(make_repo) -> None:
    repo = small_repo(make_repo("small")).path
    (home() / "datasets" / "committed").mkdir(parents=True)
    (home() / "datasets" / "committed" / "pairs.jsonl").write_text("{}\n")  # no manifest: not a dataset
    assert LoadedStrategies(repo).available() == []
    assert "run `idiom harvest" in one_line_error(run("conventions", "show", str(repo)))


def test_a_damaged_harvest_manifest_is_one_line(make_repo) -> None:
    repo = small_repo(make_repo("small")).path
    assert run("harvest", str(repo), "--no-dataset").exit_code == 0
    (home() / "harvest" / "small" / "manifest.json").write_text("{not json")
    line = one_line_error(run("dataset", "build", str(repo)))
    assert "manifest.json is damaged" in line and "run `idiom harvest` again" in line


def test_the_sweep_leaves_what_is_not_its_own_in_the_home(make_repo) -> None:
    # IDIOM_HOME may be any folder: only the index's leftovers are cleared in the home itself.
    for name in (".config", ".config.old", ".cache.ab12.staging"):
        (home() / name).mkdir(parents=True)
    repo = small_repo(make_repo("small")).path
    assert run("harvest", str(repo)).exit_code == 0
    assert {".config", ".config.old", ".cache.ab12.staging"} <= {p.name for p in home().iterdir()}
