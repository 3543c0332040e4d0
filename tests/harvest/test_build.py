"""The second half end to end on the example: `idiom dataset build`, its files, splits and secrets."""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from harvest.cli import cli
from harvest.errors import InputError
from harvest.records import Pair, Rejection, Unit, read_records
from harvest.store import complete_artifacts, dataset_file


@pytest.fixture
def harvested(acme_harvest) -> tuple[Path, Path]:
    """The example's harvest copied under this test's IDIOM_HOME, so builds here never touch other tests."""
    repo, source = acme_harvest
    target = Path(os.environ["IDIOM_HOME"]) / "harvest" / source.name
    shutil.copytree(source, target)
    return repo, target


def _build(repo: Path, *flags: str) -> dict:
    result = CliRunner().invoke(cli, ["dataset", "build", str(repo), "--json", *flags])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_build_writes_every_artifact_and_keeps_files_in_one_split(harvested) -> None:
    repo, source = harvested
    summary = _build(repo)
    out = Path(summary["output"])
    names = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert {"units.jsonl", "pairs.jsonl", "rejected.jsonl", "conventions.yaml", "DATASET.md", "manifest.json",
            "openai/train.jsonl", "trl/test.jsonl", "instruct/eval.jsonl"} <= names
    pairs = list(read_records(out / "pairs.jsonl", Pair))
    assert {p.kind for p in pairs} >= {"component", "styled", "hook", "route", "test", "config", "commit",
                                      "commit-message", "review"}
    split_of: dict[str, str] = {}
    for pair in pairs:
        for path in pair.files:
            assert split_of.setdefault(path, pair.split) == pair.split
    units = list(read_records(out / "units.jsonl", Unit))
    assert all(u.commit for u in units)
    rejected = list(read_records(out / "rejected.jsonl", Rejection))
    assert {"deprecation", "quality"} <= {r.stage for r in rejected}
    manifest = orjson.loads((out / "manifest.json").read_bytes())
    assert manifest["counts"]["pairs"] == summary["pairs"] and manifest["versions"]["datasketch"] == "2.0.0"
    card = (out / "DATASET.md").read_text()
    assert "## Pairs by kind" in card and "Write test cases with `it(`" in card


def test_no_secret_reaches_the_dataset(harvested) -> None:
    import importlib.util

    repo, _ = harvested
    spec = importlib.util.spec_from_file_location("b", Path(__file__).parents[2] / "examples" / "build_example.py")
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    out = Path(_build(repo)["output"])
    written = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file())
    for value in builder.PLANTED_SECRETS.values():
        assert value not in written


def test_held_out_files_and_temporal_split(harvested) -> None:
    repo, _ = harvested
    summary = _build(repo, "--exclude-files", "src/components/Button/**", "--split", "temporal")
    out = Path(summary["output"])
    pairs = list(read_records(out / "pairs.jsonl", Pair))
    assert not any(f.startswith("src/components/Button/") for p in pairs for f in p.files)
    assert not any(u.path.startswith("src/components/Button/") for u in read_records(out / "units.jsonl", Unit))
    dated = sorted((datetime.fromisoformat(p.date), p.split) for p in pairs if p.date)
    test_dates = [d for d, s in dated if s == "test"]
    train_dates = [d for d, s in dated if s == "train"]
    assert test_dates[len(test_dates) // 2] > train_dates[len(train_dates) // 2]


def test_a_missing_harvest_is_a_one_line_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["dataset", "build", str(tmp_path)])
    assert result.exit_code == 1 and "run `idiom harvest" in result.output


def test_conventions_mine_and_export_on_their_own(harvested) -> None:
    repo, _ = harvested
    runner = CliRunner()
    mined = runner.invoke(cli, ["conventions", "mine", str(repo)])
    assert mined.exit_code == 0 and "conventions.yaml" in mined.output
    datasets = Path(os.environ["IDIOM_HOME"]) / "datasets"
    assert complete_artifacts(datasets) == ["acme-web"]  # a dataset of conventions alone, with its manifest
    with pytest.raises(InputError, match=r"has no pairs.jsonl \(only its conventions were mined\); build the dataset"):
        dataset_file(datasets / "acme-web", "pairs.jsonl")
    shown = runner.invoke(cli, ["conventions", "show", str(repo), "--json"])
    assert any(r["id"] == "specs-use-it-not-test" for r in json.loads(shown.output))
    exported = runner.invoke(cli, ["conventions", "export", str(repo), "--format", "agents"])
    assert exported.exit_code == 0 and Path(exported.output.split("wrote ", 1)[1].strip()).name == "AGENTS.md"
