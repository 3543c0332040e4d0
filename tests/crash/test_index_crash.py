"""The index is built in staging and swapped in: an interrupted `idiom index` leaves the previous index
whole and serving; a re-index in the same process is seen by the next reader; a damaged index is one
line that says how to rebuild it."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from harvest.records import Unit, read_records
from router.config import IndexConfig
from router.errors import IndexStoreError
from router.strategies.rag.index import build_index
from router.strategies.rag.retrieve import Retriever
from tests.crash.helpers import change, home, one_line_error, run, small_repo

HASH = IndexConfig(embedding_model="hash", batch_size=2)


class Interrupted(Exception):
    """Raised from the progress callback: the run stops in the middle of embedding."""


def _interrupt_after_first_batch(count: int) -> None:
    raise Interrupted


def _units(dataset: Path) -> int:
    return sum(1 for u in read_records(dataset / "units.jsonl", Unit) if not u.deprecated)


@pytest.fixture
def indexed(make_repo):
    repo = small_repo(make_repo("small"))
    assert run("harvest", str(repo.path)).exit_code == 0
    build_index(home() / "datasets" / "small" / "units.jsonl", home() / "index", HASH)
    return repo


def test_an_interrupted_index_leaves_the_previous_one_whole_and_serving(indexed) -> None:
    before = Retriever(home() / "index", HASH)
    count = before.store.wait().count()
    change(indexed, 1)
    assert run("harvest", str(indexed.path)).exit_code == 0
    with pytest.raises(Interrupted):
        build_index(home() / "datasets" / "small" / "units.jsonl", home() / "index", HASH,
                    progress=_interrupt_after_first_batch)
    after = Retriever(home() / "index", HASH)
    assert after.store.wait().count() == count == len(after.rows)
    assert [h.name for h in after.search("feature", k=20, mode="bm25")] == []  # nothing of the new run shows
    assert sorted(p.name for p in home().iterdir() if p.name.startswith(".")) == [".gitignore", ".lock"]
    stats = build_index(home() / "datasets" / "small" / "units.jsonl", home() / "index", HASH)
    assert stats.embedded == 1 and stats.kept == count  # still incremental after the interruption
    assert Retriever(home() / "index", HASH).search("feature", k=1, mode="bm25")[0].name == "feature_1"


def test_a_reindex_in_the_same_process_is_what_the_next_reader_sees(indexed) -> None:
    # The language server re-indexes in its own process: chromadb's cached store for the index's
    # path must not outlive the swap.
    first = Retriever(home() / "index", HASH)
    assert first.search("feature", k=3, mode="embedding")
    first_count = first.store.wait().count()
    change(indexed, 2)
    assert run("harvest", str(indexed.path)).exit_code == 0
    build_index(home() / "datasets" / "small" / "units.jsonl", home() / "index", HASH)
    second = Retriever(home() / "index", HASH)
    assert second.store.wait().count() == _units(home() / "datasets" / "small") == first_count + 1
    assert second.search("feature_2", k=1, mode="embedding")[0].name == "feature_2"
    assert first.search("feature", k=3, mode="embedding")  # a reader opened before keeps answering


def _garble_manifest(index: Path) -> None:
    (index / "manifest.json").write_text("{not json")


def _garble_units(index: Path) -> None:
    (index / "units.json").write_text('{"key": ["k"]}')


def _garble_bm25(index: Path) -> None:
    for part in (index / "bm25").iterdir():
        part.write_bytes(b"\x00garbage")


def _garble_chroma(index: Path) -> None:
    (index / "chroma" / "chroma.sqlite3").write_bytes(b"garbage" * 100)


def _drop_vectors(index: Path) -> None:
    with sqlite3.connect(index / "chroma" / "chroma.sqlite3") as db:
        db.execute("DELETE FROM embeddings WHERE id IN (SELECT id FROM embeddings LIMIT 3)")


@pytest.mark.parametrize("damage", [_garble_manifest, _garble_units, _garble_bm25])
def test_a_damaged_index_is_one_line_that_says_how_to_rebuild(indexed, damage) -> None:
    repo = str(indexed.path)
    damage(home() / "index")
    for command in (["search", "load", "--repo", repo], ["index", repo, "--stats"],
                    ["generate", "Add a loader", "--repo", repo, "--strategy", "rag"]):
        result = run(*command)
        if result.exit_code == 0:  # --stats reads only the manifest
            continue
        line = one_line_error(result)
        assert "is damaged" in line and "`idiom index --rebuild`" in line, line
    reindexed = run("index", repo)  # rewrites BM25 and units.json; a damaged manifest stops it
    if reindexed.exit_code:
        assert "`idiom index --rebuild`" in one_line_error(reindexed)
    assert run("index", repo, "--rebuild").exit_code == 0
    assert run("search", "load", "--repo", repo).exit_code == 0


def test_a_garbled_store_stops_what_reads_it_and_nothing_else(indexed) -> None:
    repo = str(indexed.path)
    _garble_chroma(home() / "index")
    assert run("search", "load", "--repo", repo).exit_code == 0  # it reads the index's own vectors
    with pytest.raises(IndexStoreError, match=r"is damaged \(Chroma: .*`idiom index --rebuild`$"):
        Retriever(home() / "index", HASH).store.wait()
    line = one_line_error(run("index", repo))
    assert "is damaged" in line and "`idiom index --rebuild`" in line, line
    assert run("index", repo, "--rebuild").exit_code == 0
    assert Retriever(home() / "index", HASH).store.wait().count() == _units(home() / "datasets" / "small")


def test_a_store_that_lost_vectors_is_caught_when_it_is_opened(indexed, caplog: pytest.LogCaptureFixture) -> None:
    _drop_vectors(home() / "index")
    # What a search reads (the rows, BM25, the index's own vectors) is whole: it answers without the store.
    assert run("search", "load", "--repo", str(indexed.path)).exit_code == 0
    reader = Retriever(home() / "index", HASH)
    with caplog.at_level(logging.WARNING), pytest.raises(IndexStoreError, match=(
            r"its Chroma store holds 13 vectors for 16 units\); rebuild it with `idiom index --rebuild`$")) as raised:
        reader.store.wait()
    assert [r.getMessage() for r in caplog.records if "Chroma" in r.getMessage()] == [
        f"{raised.value} (searching the index's own vectors instead)"]  # logged once, on the store's thread
    assert reader.search("feature", k=3, mode="embedding")
    assert run("index", str(indexed.path)).exit_code == 0  # the missing vectors are embedded again
    assert Retriever(home() / "index", HASH).store.wait().count() == 16
