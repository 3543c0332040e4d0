"""Fixtures for the harvester's tests: a repository of a given layout, mined."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from harvest.config import HarvestConfig
from harvest.mining.pipeline import mine
from harvest.records import FileRecord, read_records

Harvest = Callable[[dict[str, str]], tuple[dict[str, FileRecord], dict]]


@pytest.fixture
def harvest_layout(make_repo) -> Harvest:
    """Commit `files` (path → text) to a fresh repository, mine it, return (records by path, manifest)."""

    def run(files: dict[str, str]) -> tuple[dict[str, FileRecord], dict]:
        repo = make_repo("layout")
        for path, text in files.items():
            repo.write(path, text)
        repo.commit("feat: the layout")
        out = Path(mine(repo.path, HarvestConfig(), progress=False).output)
        records = {r.path: r for r in read_records(out / "files.jsonl", FileRecord)}
        return records, json.loads((out / "manifest.json").read_text())

    return run
