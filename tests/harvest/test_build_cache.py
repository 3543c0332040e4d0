"""The dataset build's cache (harvest/dataset/cache.py): a warm, a cold and a `--no-cache` build write the same
dataset; a damaged cache is ignored; changed code or settings never reuse what they change; no secret in it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from harvest import commitlog
from harvest.cli import cli
from harvest.dataset import build, cache, quality, spill
from harvest.graph import graph
from harvest.pairs import commits, fim
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
    monkeypatch.setattr(commitlog, "commit_facts", counting("changed", commitlog.commit_facts))
    monkeypatch.setattr(commits, "_pairs_of", counting("history", commits._pairs_of))
    monkeypatch.setattr(quality, "verdict", counting("verdicts", quality.verdict))
    return counts


def test_warm_cold_and_no_cache_builds_write_the_same_dataset(team_repo: GitRepo, home: Path,
                                                              computed: Counter[str]) -> None:
    cold = _dataset(home)
    assert sorted(p.name for p in (home / "cache" / "team").iterdir()) == [
        "changed.jsonl", "facts.jsonl", "history.jsonl", "imports.jsonl", "lines.jsonl", "sketches.npz", "spans.jsonl",
        "tokens.jsonl", "units.jsonl", "verdicts.jsonl"]
    _run("dataset", "build", str(team_repo.path))
    assert _dataset(home) == cold
    assert computed == Counter(), "a warm build of the same harvest recomputes nothing"
    _run("dataset", "build", str(team_repo.path), "--no-cache")
    assert _dataset(home) == cold
    assert all(computed[kind] for kind in ("units", "spans", "sketches", "tokens", "facts", "imports", "lines",
                                           "changed", "history", "verdicts"))
    held = b"".join(p.read_bytes() for p in (home / "cache").rglob("*") if p.is_file())
    for secret in (AWS_KEY_ID, AWS_SECRET, DB_PASSWORD):
        assert secret.encode() not in held


def log_parses(monkeypatch: pytest.MonkeyPatch, log: Path) -> Path:
    """Have every parse into graph facts append its path to `log`, a file: with more than one job the test map is
    worked out in a forked worker, whose counts in memory this process would not see."""
    real = build.file_facts

    def logged(path: str, *rest: Any) -> Any:
        with log.open("a") as out:
            out.write(path + "\n")
        return real(path, *rest)

    monkeypatch.setattr(build, "file_facts", logged)
    monkeypatch.setattr(graph, "file_facts", logged)  # the test map's parse without a build cache
    return log


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_harvest_parses_each_file_once_for_its_test_map_and_its_graph(team_repo: GitRepo, home: Path, jobs: str,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    log = log_parses(monkeypatch, home.parent / "parsed.txt")
    outcome = CliRunner().invoke(cli, ["harvest", str(team_repo.path), "--name", "team", "--full", "--jobs", jobs])
    assert outcome.exit_code == 0, outcome.output
    entries = len((home / "cache" / "team" / "facts.jsonl").read_bytes().splitlines()) - 1  # after its header
    parsed = log.read_text().splitlines()
    assert len(parsed) == len(set(parsed)) == entries > 0


def test_a_new_commit_recomputes_only_what_it_changed(team_repo: GitRepo, home: Path, computed: Counter[str]) -> None:
    team_repo.write("service/app/handlers_0.py", '"""Handler 0."""\n\n\ndef handle_0(event: dict) -> dict:\n'
                                                 '    if not event:\n        return {}\n    return {"id": 0, **event}\n')
    team_repo.commit("fix: empty events")
    _run("harvest", str(team_repo.path), "--name", "team")
    warm = _dataset(home)
    assert computed["units"] == 1 and computed["spans"] == 1 and computed["facts"] == 1
    assert computed["imports"] <= 1  # parsed when the import miners look at the file (a package of the repo)
    assert computed["lines"] == 1, "the blame walks the new commit alone, then reads the last HEAD's lines"
    assert computed["changed"] == 1 and computed["history"] == 1  # the new commit's changes and pairs
    # the verdicts of its two pairs and of the new pairs of the file it changed
    assert 2 <= computed["verdicts"] < 20
    _run("dataset", "build", str(team_repo.path), "--no-cache")
    assert _dataset(home) == warm


def test_mining_alone_parses_only_the_changed_file_and_leaves_the_build_cache_as_it_was(
        team_repo: GitRepo, home: Path, computed: Counter[str]) -> None:
    def held() -> dict[str, bytes]:
        return {str(p.relative_to(home)): p.read_bytes() for p in (home / "cache").rglob("*") if p.is_file()}

    built = held()
    team_repo.write("service/tests/test_users.py", "from app.users import get_user\n\n\ndef test_get_user():\n"
                                                   "    assert get_user(2)['id'] == 2\n")  # a test: the map reads it
    team_repo.commit("test: another user")
    _run("harvest", str(team_repo.path), "--name", "team", "--no-dataset")
    assert computed["facts"] == 1  # for the test map, the file that changed; the others from the last build
    assert held() == built  # no build follows, so what the mining parsed is not kept


def test_a_damaged_cache_is_ignored_and_rebuilt(team_repo: GitRepo, home: Path, computed: Counter[str]) -> None:
    cold = _dataset(home)
    folder = home / "cache" / "team"
    units = (folder / "units.jsonl").read_bytes()
    (folder / "units.jsonl").write_bytes(units[:len(units) // 2])  # a line cut short
    (folder / "spans.jsonl").write_bytes(b"\x00\xff not ours\n")
    (folder / "sketches.npz").write_bytes(b"PK\x03\x04 truncated")
    lines_held = (folder / "lines.jsonl").read_bytes()
    (folder / "lines.jsonl").write_bytes(lines_held[:len(lines_held) // 2])
    history = (folder / "history.jsonl").read_bytes()
    (folder / "history.jsonl").write_bytes(history[:len(history) // 2])
    (folder / "verdicts.jsonl").write_bytes(b"\x00\xff not ours\n")
    (folder / "changed.jsonl").write_bytes(b"idiom-cache 1 changed\n" + b"00" * 16)  # a key without its entry
    _run("dataset", "build", str(team_repo.path))
    assert _dataset(home) == cold
    assert computed["spans"] and computed["sketches"] and computed["lines"]
    assert computed["history"] and computed["verdicts"] and computed["changed"]
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
    shapes = {"changed": b'{"merge": 1, "paths": "a", "renames": []}', "history": b'[{"id": 3}, "", ""]',
              "verdicts": b'["too-long"]', "lines": b"[[3, null], [1, null]]"}  # lines: runs out of order
    sizes = {}
    for kind, wrong in shapes.items():
        entries = (folder / f"{kind}.jsonl").read_bytes().splitlines()
        (folder / f"{kind}.jsonl").write_bytes(b"\n".join([entries[0], *(entry.split(b" ")[0] + b" " + wrong
                                                                          for entry in entries[1:])]) + b"\n")
        sizes[kind] = len(entries) - 1
    _run("dataset", "build", str(team_repo.path))
    assert _dataset(home) == cold
    assert computed["spans"] == len(lines) - 1 and computed["sketches"] and not computed["units"]
    assert computed["changed"] == sizes["changed"] and computed["history"] and computed["verdicts"]
    assert computed["lines"]
    computed.clear()
    _run("dataset", "build", str(team_repo.path))  # what replaced the wrong entries serves the next build
    assert computed == Counter() and _dataset(home) == cold


def test_a_changed_setting_builds_what_a_build_without_cache_builds(team_repo: GitRepo, home: Path) -> None:
    (team_repo.path / "idiom.toml").write_text("[harvest]\nnear_duplicate_jaccard = 0.5\nfim_spans_per_file = 2\n"
                                            "max_completion_chars = 120\n")
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


def test_a_commit_pair_the_filters_reject_is_cached_without_its_text(team_repo: GitRepo, home: Path,
                                                                       computed: Counter[str]) -> None:
    rows = "".join(f"    'row_{n}': 'generated fixture value number {n}',\n" for n in range(400))
    team_repo.write("service/app/fixture.py", f"FIXTURE = {{\n{rows}}}\n")
    team_repo.commit("test: a long fixture")
    _run("harvest", str(team_repo.path), "--name", "team")
    rejected = (home / "datasets" / "team" / "rejected.jsonl").read_text()
    assert '"kind":"commit","stage":"quality","reason":"too-long"' in rejected.replace(" ", "")
    assert b"fixture value number 399" not in (home / "cache" / "team" / "history.jsonl").read_bytes()
    warm = _dataset(home)
    computed.clear()
    _run("dataset", "build", str(team_repo.path))
    assert _dataset(home) == warm and computed == Counter()
    _run("dataset", "build", str(team_repo.path), "--no-cache")
    assert _dataset(home) == warm


def test_hub_files_come_from_the_cached_changes_and_key_the_commit_pairs(make_repo: Callable[[str], GitRepo],
                                                                          tmp_path: Path, computed: Counter[str],
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo("hubs")
    for n in range(52):  # past HUB_MIN_COMMITS: CHANGELOG.md, changed by every commit, becomes a hub
        repo.write("CHANGELOG.md", "".join(f"- change {m}\n" for m in range(n + 1)))
        repo.write(f"app/step_{n}.py", f"def step_{n}(x: int) -> int:\n    return x + {n}\n")
        repo.git("add", "-A")
        date = f"2025-{1 + n // 28:02d}-{1 + n % 28:02d}T12:00:00+00:00"
        repo.git("commit", "-q", "-m", f"feat: step {n}", GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    monkeypatch.setenv("IDIOM_HOME", str(tmp_path / "home"))
    _run("harvest", str(repo.path), "--name", "team")
    pairs = [line for line in (tmp_path / "home" / "datasets" / "team" / "pairs.jsonl").read_text().splitlines()
             if '"kind": "commit"' in line or '"kind":"commit"' in line]
    assert pairs and not any("CHANGELOG.md" in line for line in pairs)
    cold = _dataset(tmp_path / "home")
    computed.clear()
    repo.write("app/step_0.py", "def step_0(x: int) -> int:\n    return x\n")  # a commit without the hub
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "fix: step 0", GIT_AUTHOR_DATE="2025-03-01T12:00:00+00:00",
             GIT_COMMITTER_DATE="2025-03-01T12:00:00+00:00")
    _run("harvest", str(repo.path), "--name", "team")
    assert computed["changed"] == 1 and computed["history"] == 1
    warm = _dataset(tmp_path / "home")
    assert warm != cold
    _run("dataset", "build", str(repo.path), "--no-cache")
    assert _dataset(tmp_path / "home") == warm


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_kept_pairs_are_held_without_their_text_and_batches_change_nothing(
        team_repo: GitRepo, home: Path, monkeypatch: pytest.MonkeyPatch, jobs: str) -> None:
    whole = _dataset(home)
    texts_seen: list[int] = []
    dedupe = build.dedupe

    def watched(pairs: Any, *args: Any) -> Any:  # what reaches dedup: the pairs, and what they are compared by
        texts_seen.append(sum(len(p.prompt + p.completion + p.context + p.prefix + p.suffix) for p in pairs))
        return dedupe(pairs, *args)

    monkeypatch.setattr(build, "dedupe", watched)
    monkeypatch.setattr(build, "CLEAN_BATCH_MOST", 1)  # each pair filtered and formatted on its own
    monkeypatch.setattr(spill, "IN_MEMORY_BYTES", 0)  # every pair held on disk, as past the first 64 MiB
    # the sketches of the batches computed in this process, or by two workers while it builds the next batches;
    # then a warm build, which finds them in the cache
    for cache_flags in (["--no-cache"], []):
        outcome = CliRunner().invoke(cli, ["dataset", "build", str(team_repo.path), *cache_flags, "--jobs", jobs])
        assert outcome.exit_code == 0, outcome.output
        assert _dataset(home) == whole
    assert texts_seen == [0, 0], "the pairs past the filters are held without their text"
    assert not [p for p in home.iterdir() if p.name.startswith("spilled-pairs-")]


def test_spilled_texts_read_back_each_pair_whole(tmp_path: Path) -> None:
    from harvest.dataset.spill import spilled_texts
    from tests.harvest.pairs_helpers import pair

    fim_pair = replace(pair("return 1\n", kind="fim", id="f"), prefix="def f():\n    ", suffix="\n# ünïcode ✓\n")
    first, twin, blank = pair("def a():\n    return 1\n", id="same"), pair("def b(): ...\n", id="same"), pair("", id="b")
    with spilled_texts(tmp_path) as texts:
        texts.in_memory = len("Write total_price") + 1  # the first pair keeps its text, the next ones not
        kept = texts.hold(pair("def kept(): ...\n", id="kept"), b"\x01")
        assert kept.completion == "def kept(): ...\n" and texts.fingerprint(kept) == b"\x01"  # kept with the pair
        held = [texts.hold(p, len(p.completion).to_bytes(2, "little")) for p in (fim_pair, first, twin, blank)]
        assert [p.completion for p in held] == ["", "", twin.completion, ""]
        assert held[0].prefix == held[0].suffix == held[1].prompt == ""
        assert [texts.whole(p) for p in held] == [fim_pair, first, twin, blank]
        assert texts.whole(replace(held[1], split="train")) == replace(first, split="train")  # found by id
        assert [texts.fingerprint(p) for p in held] == [b"\x09\x00", b"\x16\x00", None, None]  # from the pairs whole
        other = texts.hold(pair("def other(): ...\n", id="kept"), b"\x02")  # an id kept already: kept whole
        assert other.completion and texts.fingerprint(other) is None and texts.fingerprint(kept) is None
    assert list(tmp_path.iterdir()) == []
