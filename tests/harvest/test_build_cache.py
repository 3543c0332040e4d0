"""The dataset build's cache (harvest/dataset/cache.py): a warm, a cold and a `--no-cache` build write the same
dataset; a damaged cache is ignored; changed code or settings never reuse what they change; no secret in it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from harvest.cli import cli
from harvest.dataset import build, cache
from harvest.pairs import fim
from harvest.units import lastchange
from tests.conftest import AWS_KEY_ID, AWS_SECRET, DB_PASSWORD, GitRepo
from tests.harvest.test_jobs import _artifacts, _grow


@pytest.fixture
def home(team_repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The grown team repository harvested once (which builds its dataset with a cold cache), a secret in a
    file at HEAD."""
    _grow(team_repo)
    team_repo.write("service/app/config.py",
                    f'def credentials() -> dict:\n    return {{"key": "{AWS_KEY_ID}", "secret": "{AWS_SECRET}"}}\n')
    team_repo.commit("feat: credentials inline")
    monkeypatch.setenv("IDIOM_HOME", str(tmp_path / "home"))
    _run("harvest", str(team_repo.path), "--name", "team")
    return tmp_path / "home"


def _run(*args: str) -> None:
    outcome = CliRunner().invoke(cli, [*args, "--jobs", "1", "--json"])
    assert outcome.exit_code == 0, outcome.output


def _dataset(home: Path) -> dict[str, bytes]:
    return {path: data for path, data in _artifacts(home, "team").items() if path.startswith("datasets/")}


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many times the build computed each cached kind of result (the real functions, counted)."""
    counts: Counter[str] = Counter()

    def counting(kind: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any, **kwargs: Any) -> Any:
            counts[kind] += 1
            return function(*args, **kwargs)
        return counted

    monkeypatch.setattr(build, "extract_units", counting("units", build.extract_units))
    monkeypatch.setattr(fim, "candidate_spans", counting("spans", fim.candidate_spans))
    monkeypatch.setattr(build, "hash_values", counting("sketches", build.hash_values))
    monkeypatch.setattr(build, "estimate_tokens", counting("tokens", build.estimate_tokens))
    monkeypatch.setattr(build, "file_facts", counting("facts", build.file_facts))
    monkeypatch.setattr(build, "parsed_imports", counting("imports", build.parsed_imports))
    # A change the units' blame walks (fim's blame of the newest commits walks them on every build).
    blame, follow, blaming = build.last_changes, lastchange._follow, []

    def units_blame(*args: Any) -> Any:
        blaming.append(True)
        try:
            return blame(*args)
        finally:
            blaming.clear()

    def walked(*args: Any) -> Any:
        counts.update(["lines"] if blaming else [])
        return follow(*args)

    monkeypatch.setattr(build, "last_changes", units_blame)
    monkeypatch.setattr(lastchange, "_follow", walked)
    return counts


def test_warm_cold_and_no_cache_builds_write_the_same_dataset(team_repo: GitRepo, home: Path,
                                                              computed: Counter[str]) -> None:
    cold = _dataset(home)
    assert sorted(p.name for p in (home / "cache" / "team").iterdir()) == [
        "facts.jsonl", "imports.jsonl", "lines.jsonl", "sketches.npz", "spans.jsonl", "tokens.jsonl", "units.jsonl"]
    _run("dataset", "build", str(team_repo.path))
    assert _dataset(home) == cold
    assert computed == Counter(), "a warm build of the same harvest recomputes nothing"
    _run("dataset", "build", str(team_repo.path), "--no-cache")
    assert _dataset(home) == cold
    assert all(computed[kind] for kind in ("units", "spans", "sketches", "tokens", "facts", "imports", "lines"))
    held = b"".join(p.read_bytes() for p in (home / "cache").rglob("*") if p.is_file())
    for secret in (AWS_KEY_ID, AWS_SECRET, DB_PASSWORD):
        assert secret.encode() not in held


def test_a_new_commit_recomputes_only_what_it_changed(team_repo: GitRepo, home: Path, computed: Counter[str]) -> None:
    team_repo.write("service/app/handlers_0.py", '"""Handler 0."""\n\n\ndef handle_0(event: dict) -> dict:\n'
                                                 '    if not event:\n        return {}\n    return {"id": 0, **event}\n')
    team_repo.commit("fix: empty events")
    _run("harvest", str(team_repo.path), "--name", "team")
    warm = _dataset(home)
    assert computed["units"] == 1 and computed["spans"] == 1 and computed["facts"] == 1
    assert computed["imports"] <= 1  # parsed when the import miners look at the file (a package of the repo)
    assert computed["lines"] == 1, "the blame walks the new commit alone, then reads the last HEAD's lines"
    _run("dataset", "build", str(team_repo.path), "--no-cache")
    assert _dataset(home) == warm


def test_a_damaged_cache_is_ignored_and_rebuilt(team_repo: GitRepo, home: Path, computed: Counter[str]) -> None:
    cold = _dataset(home)
    folder = home / "cache" / "team"
    units = (folder / "units.jsonl").read_bytes()
    (folder / "units.jsonl").write_bytes(units[:len(units) // 2])  # a line cut short
    (folder / "spans.jsonl").write_bytes(b"\x00\xff not ours\n")
    (folder / "sketches.npz").write_bytes(b"PK\x03\x04 truncated")
    history = (folder / "lines.jsonl").read_bytes()
    (folder / "lines.jsonl").write_bytes(history[:len(history) // 2])
    _run("dataset", "build", str(team_repo.path))
    assert _dataset(home) == cold
    assert computed["spans"] and computed["sketches"] and computed["lines"]
    computed.clear()
    _run("dataset", "build", str(team_repo.path))  # the rebuilt cache serves again
    assert computed == Counter() and _dataset(home) == cold


def test_entries_of_the_wrong_shape_are_recomputed(team_repo: GitRepo, home: Path, computed: Counter[str]) -> None:
    cold = _dataset(home)
    folder = home / "cache" / "team"
    lines = (folder / "spans.jsonl").read_bytes().splitlines()
    (folder / "spans.jsonl").write_bytes(b"\n".join([lines[0], *(line.split(b" ")[0] + b' {"line": [["a", 2]]}'
                                                                  for line in lines[1:])]) + b"\n")
    with np.load(folder / "sketches.npz") as arrays:
        keys = arrays["keys"]
    with (folder / "sketches.npz").open("wb") as out:
        np.savez(out, keys=keys, values=np.zeros((len(keys), 3), dtype=np.uint64))
    history = (folder / "lines.jsonl").read_bytes().splitlines()  # runs out of order, a path list of numbers
    (folder / "lines.jsonl").write_bytes(b"\n".join([history[0], *(line.split(b" ")[0] + b" [[3, null], [1, null]]"
                                                                    for line in history[1:])]) + b"\n")
    _run("dataset", "build", str(team_repo.path))
    assert _dataset(home) == cold
    assert computed["spans"] == len(lines) - 1 and computed["sketches"] and not computed["units"]
    assert computed["lines"]


def test_a_changed_setting_builds_what_a_build_without_cache_builds(team_repo: GitRepo, home: Path) -> None:
    (team_repo.path / "idiom.toml").write_text("[harvest]\nnear_duplicate_jaccard = 0.5\nfim_spans_per_file = 2\n")
    _run("dataset", "build", str(team_repo.path))
    warm = _dataset(home)
    _run("dataset", "build", str(team_repo.path), "--no-cache")
    assert _dataset(home) == warm


def test_other_code_never_reads_the_entries(team_repo: GitRepo, home: Path, computed: Counter[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    cold = _dataset(home)
    monkeypatch.setattr(cache, "__version__", "0.0.0-other")
    cache.code_stamp.cache_clear()
    try:
        _run("dataset", "build", str(team_repo.path))
    finally:
        cache.code_stamp.cache_clear()
    assert computed["units"] and computed["spans"] and computed["sketches"] and computed["lines"]
    assert _dataset(home) == cold


def test_entries_are_read_where_they_lie_and_written_as_they_are_used(tmp_path: Path) -> None:
    last = cache.Entries("tokens")
    last.start(tmp_path / "last.jsonl")
    last.put(b"a" * 16, 1)
    last.put(b"b" * 16, 2)
    last.close()
    with (tmp_path / "last.jsonl").open("ab") as damaged:
        damaged.write(b"63" * 16 + b" {not json")  # a last line cut short

    entries = cache.Entries("tokens")
    entries.load(tmp_path / "last.jsonl")
    assert set(entries.found) == {b"a" * 16, b"b" * 16, b"c" * 16}  # offsets only: nothing decoded yet
    entries.start(tmp_path / "this.jsonl")
    assert entries.get(b"b" * 16, cache.count) == 2
    assert entries.get(b"c" * 16, cache.count) is None  # damaged: absent
    assert entries.fetch(b"d" * 16, lambda: 4, cache.count) == 4
    assert entries.get(b"d" * 16, cache.count) == 4  # what this build wrote, read back
    assert entries.get(b"b" * 16, cache.count) == 2
    entries.close()
    again = cache.Entries("tokens")
    again.load(tmp_path / "this.jsonl")  # only what this build used or made
    assert {key: again.get(key, cache.count) for key in again.found} == {b"b" * 16: 2, b"d" * 16: 4}
    again.close()
