"""`idiom index`: embed the dataset's units into Chroma and build BM25 beside them, incrementally; keep
the dataset's code graph (built by harvest, reparsed only for changed files) alongside.

Units are keyed by a hash of their path, kind, name and text: a unit that only moved keeps its
embedding (its line numbers are updated), a changed unit is re-embedded, a vanished one deleted. The
manifest records the embedding model; reopening with another model is an error that says to rebuild.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from harvest.records import Unit, read_records
from harvest.store import atomic_write_json, atomic_write_text, choose, staged_dir
from router.config import IndexConfig
from router.errors import IndexStoreError
from router.strategies.rag.embeddings import default_model, embedding_function
from router.strategies.rag.lexical import Lexical
from router.strategies.rag.store import client, writer_lock

MAX_DOCUMENT_CHARS = 2_000  # MiniLM reads 256 tokens; the rest would only cost time


@dataclass
class IndexStats:
    """What an index build did."""

    units: int = 0
    embedded: int = 0
    kept: int = 0  # unchanged or only moved: no new embedding
    deleted: int = 0
    model: str = ""
    seconds: float = 0.0


def key_of(unit: Unit) -> str:
    """The unit's identity in the index: its content, not its position."""
    return hashlib.sha256("\x00".join((unit.path, unit.kind, unit.name, unit.text)).encode()).hexdigest()[:32]


def document_of(unit: Unit) -> str:
    """What gets embedded: where the unit is, what it says about itself, and its code."""
    return f"{unit.path}\n{unit.signature}\n{unit.doc}\n{unit.text}"[:MAX_DOCUMENT_CHARS]


def metadata_of(unit: Unit) -> dict[str, Any]:
    """Filterable facts kept with each vector."""
    return {"unit": unit.id, "path": unit.path, "name": unit.name, "kind": unit.kind, "language": unit.language,
            "start_line": unit.start_line, "end_line": unit.end_line}


def model_name(config: IndexConfig) -> str:
    """The configured embedding model, or the bundled MiniLM."""
    return config.embedding_model or default_model()


def build_index(units_file: Path, folder: Path, config: IndexConfig, rebuild: bool = False,
                progress: Callable[[int], None] = lambda n: None) -> IndexStats:
    """Bring the index in `folder` (and the Chroma collection) up to date with `units_file`."""
    started = time.perf_counter()
    units = [u for u in read_records(units_file, Unit) if not u.deprecated]
    if not units:
        raise IndexStoreError(f"{units_file} holds no code units to index; is the repository's code in a "
                              "language Idiomatic parses (Python, JS/TS, Go, Java)?")
    model = model_name(config)
    with writer_lock(folder):
        manifest = read_manifest(folder)
        if manifest and manifest["model"] != model and not rebuild:
            raise IndexStoreError(f"the index was built with {manifest['model']!r} and [index] embedding_model is "
                                  f"now {model!r}; re-index with `idiom index --rebuild`")
        store = client(config, folder)
        if rebuild:
            _drop(store, config.collection)
        function = embedding_function(model)
        collection = store.get_or_create_collection(config.collection, embedding_function=function,
                                                    metadata={"hnsw:space": "cosine"})
        stats = _sync(collection, {key_of(u): u for u in units}, config.batch_size, progress)
        stats.model = model
        keys = [key_of(u) for u in units]
        Lexical.build([document_of(u) for u in units]).save(folder / "bm25")
        graph = _copy_graph(units_file.parent / "graph", folder / "graph")
        atomic_write_text(folder / "units.jsonl", "".join(
            orjson.dumps({"key": k, **metadata_of(u)}).decode() + "\n" for k, u in zip(keys, units, strict=True)))
        atomic_write_json(folder / "manifest.json", {
            "model": model, "collection": config.collection, "url": config.url, "units_file": str(units_file),
            "units_sha256": hashlib.sha256(units_file.read_bytes()).hexdigest(), "units": len(units),
            "graph_files": graph})
    stats.seconds = round(time.perf_counter() - started, 2)
    return stats


def read_manifest(folder: Path) -> dict[str, Any]:
    """The index manifest, or {} when there is no index yet."""
    path = folder / "manifest.json"
    return orjson.loads(path.read_bytes()) if path.is_file() else {}


def _sync(collection: Any, wanted: dict[str, Unit], batch: int, progress: Callable[[int], None]) -> IndexStats:
    stored = collection.get(include=["metadatas"])
    present = dict(zip(stored["ids"], stored["metadatas"], strict=True))
    # Similar lengths in a batch waste less padding in the encoder: embed shortest first.
    new = sorted((k for k in wanted if k not in present), key=lambda k: len(document_of(wanted[k])))
    kept = [k for k in wanted if k in present]
    gone = sorted(set(present) - set(wanted))
    for start in range(0, len(gone), 5_000):
        collection.delete(ids=gone[start:start + 5_000])
    for start in range(0, len(new), batch):
        chunk = new[start:start + batch]
        collection.add(ids=chunk, documents=[document_of(wanted[k]) for k in chunk],
                       metadatas=[metadata_of(wanted[k]) for k in chunk])
        progress(len(chunk))
    # Moved units keep their vectors; only metadata that changed (line numbers, unit id) is rewritten.
    moved = [k for k in kept if present[k] != metadata_of(wanted[k])]
    for start in range(0, len(moved), 5_000):
        chunk = moved[start:start + 5_000]
        collection.update(ids=chunk, metadatas=[metadata_of(wanted[k]) for k in chunk])
    return IndexStats(units=len(wanted), embedded=len(new), kept=len(kept), deleted=len(gone))


def _copy_graph(source: Path, target: Path) -> int:
    """Keep the dataset's code graph with the index, so units and graph always come from one harvest."""
    if not (source / "modules.json").is_file():
        return 0
    with staged_dir(target) as stage:
        for name in ("files.jsonl", "modules.json"):
            shutil.copyfile(source / name, stage / name)
    return sum(1 for line in (target / "files.jsonl").open("rb") if line.strip())


def _drop(store: Any, name: str) -> None:
    if name in [c.name if hasattr(c, "name") else c for c in store.list_collections()]:
        store.delete_collection(name)


def units_file_for(datasets: Path, name: str) -> Path:
    """`<datasets>/<name>/units.jsonl`, the only dataset when `name` is empty."""
    names = sorted(p.parent.name for p in datasets.glob("*/units.jsonl")) if datasets.is_dir() else []
    chosen = choose(names, name)
    if not chosen:
        raise IndexStoreError(f"no dataset {name!r} under {datasets} (have: {', '.join(names) or 'none'}); "
                              "run `idiom harvest` first or pass --name")
    return datasets / chosen / "units.jsonl"


def unit_rows(folder: Path) -> Sequence[dict[str, Any]]:
    """The indexed units' metadata, in BM25 order."""
    path = folder / "units.jsonl"
    if not path.is_file():
        raise IndexStoreError(f"no index at {folder}; run `idiom index` first")
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
