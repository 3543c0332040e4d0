"""`idiom index`: embed the dataset's units into Chroma and build BM25 beside them, incrementally; keep
the dataset's code graph (built by harvest, reparsed only for changed files) alongside.

Beside the vectors and BM25, the index keeps what every reader would otherwise work out again when it opens
the index: the files' roles as learned from all of them (roles.py), the units' vectors as one matrix in row
order, and the units' texts, so an index serves without the dataset it was built from.

Units are keyed by a hash of their path, kind, name and text: a unit that only moved keeps its
embedding (its line numbers are updated), a changed unit is re-embedded, a vanished one deleted.
Identical units of one file (an `__init__` repeated in two classes) are told apart by their order. The
manifest records the embedding model; reopening with another model is an error that says to rebuild.

Queries are embedded without torch, through an ONNX export of the model kept beside the index
(query_encoder.py; the manifest's `query_encoder` says "onnx-int8", "onnx" or why there is none).

The new index is built in a staging folder, from a copy of the current embedded store, and swapped in
whole (harvest/atomic.py `staged_dir`) under the repository's writer lock: an interrupted run leaves the
previous index serving. With a Chroma server the collection is synced in place and the manifest, written
last, is what a reader checks it against (retrieve.py).
"""

from __future__ import annotations

import hashlib
import itertools
import os
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy
import orjson

from harvest.atomic import atomic_write_json, staged_dir
from harvest.classify import kind_of
from harvest.graph.graph import FILES, copy_saved
from harvest.lock import writing
from harvest.mapped import mapped
from harvest.records import Unit, read_records
from harvest.store import MANIFEST
from harvest.testkind.profile import DiscoveryProfile
from harvest.testkind.recorded import harvest_profile
from router.config import IndexConfig
from router.errors import IndexStoreError

if TYPE_CHECKING:  # chromadb is imported when a store is opened (store.py), not when the CLI starts
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection
from router.strategies.rag.encoders import default_model
from router.strategies.rag.lexical import Lexical
from router.strategies.rag.query_encoder import QUANTIZED, export_query_encoder
from router.strategies.rag.roles import Roles
from router.strategies.rag.rows import UNITS, UnitRows
from router.strategies.rag.store import (
    chroma_errors,
    client,
    collection_of,
    copy_local,
    damaged,
    zero_unused_slots,
)

ROLES = "roles.json"  # the indexed files' roles, learned once here (roles.py `Roles.to_json`, `level_table`)
VECTORS = "vectors.npy"  # the units' unit-length embeddings, in row order (rows.py)
TEXTS = "texts.bin"  # the units' texts in UTF-8, end to end in row order (rows.py: each one's length)
KEPT = (UNITS, ROLES, VECTORS, TEXTS)  # what a reader takes as the index kept it, rather than working it out
IDS_PER_CALL = 5_000  # ids asked of Chroma in one call: well under the 32,766 variables SQLite takes in a statement
MAX_DOCUMENT_CHARS = 2_000  # MiniLM reads 256 tokens; the rest would only cost time
MANIFEST_FIELDS = {"model": str, "collection": str, "units_file": str, "units": int}
METADATA_FIELDS = ("unit", "path", "name", "kind", "language", "start_line", "end_line")  # metadata_of's


@dataclass
class IndexStats:
    """What an index build did."""

    units: int = 0
    embedded: int = 0
    kept: int = 0  # unchanged or only moved: no new embedding
    deleted: int = 0
    model: str = ""
    query_encoder: str = ""  # "onnx-int8", "onnx", or why queries are embedded by the model itself
    seconds: float = 0.0


@dataclass
class Current:
    """What the index being updated holds, for the new build to keep rather than read back from Chroma."""

    rows: dict[str, int] = field(default_factory=dict)  # each key's row
    vectors: numpy.ndarray | None = None  # its VECTORS, mapped
    metadata: dict[str, dict[str, Any]] | None = None  # each key's metadata as its rows list it (embedded store)


def keys_of(units: Sequence[Unit]) -> list[str]:
    """Each unit's identity in the index, unique: a hash of its content, not its position. The second and
    later of identical units in one file (same kind, name and text: an `__init__` or `toString` repeated in
    two classes) add their order among them, so every row of the index has a vector of its own."""
    keys: list[str] = []
    seen: Counter[str] = Counter()
    for unit in units:
        content = hashlib.sha256("\x00".join((unit.path, unit.kind, unit.name, unit.text)).encode()).hexdigest()[:32]
        repeat = seen[content]
        seen[content] += 1
        keys.append(content if not repeat else hashlib.sha256(f"{content}\x00{repeat}".encode()).hexdigest()[:32])
    return keys


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
    """Bring the index in `folder` (and the Chroma collection) up to date with `units_file`.

    `folder` is `<idiom home>/index`: the home's writer lock is held throughout.
    """
    started = time.perf_counter()
    units = [u for u in read_records(units_file, Unit) if not u.deprecated]
    if not units:
        raise IndexStoreError(f"{units_file} holds no code units to index; is the repository's code in a "
                              "language Idiomatic parses (Python, JS/TS, Go, Java)?")
    model = model_name(config)
    with writing(folder.parent, "index"):
        previous = {} if rebuild else read_manifest(folder)
        if previous and previous["model"] != model:
            raise IndexStoreError(f"the index was built with {previous['model']!r} and [index] embedding_model is "
                                  f"now {model!r}; re-index with `idiom index --rebuild`")
        with staged_dir(folder) as stage:
            if previous and not config.url:
                copy_local(folder / "chroma", stage / "chroma")  # unchanged units keep their embeddings
            keys = keys_of(units)
            with chroma_errors(folder):
                stats = _sync_store(config, stage, rebuild, dict(zip(keys, units, strict=True)), model, progress,
                                    _current(folder, embedded=not config.url) if previous else Current())
            # An index whose encoder is not int8 (built before quantization, or one that disagreed) exports again.
            reuse = previous.get("query_encoder") == QUANTIZED
            encoder = export_query_encoder(model, stage, folder if reuse else None)
            Lexical.build([document_of(u) for u in units]).save(stage / "bm25")
            graph = _copy_graph(units_file.parent / "graph", stage / "graph")
            tests = _recorded_tests(units_file)
            kinds = _file_kinds(dict.fromkeys(u.path for u in units), tests)
            texts = [u.text.encode() for u in units]
            (stage / TEXTS).write_bytes(b"".join(texts))
            rows = UnitRows.of([{"key": k, **metadata_of(u), "text_bytes": len(text)}
                                for k, u, text in zip(keys, units, texts, strict=True)])
            (stage / UNITS).write_bytes(orjson.dumps(rows.to_json()))
            roles = Roles.learned(kinds, kinds.__getitem__)
            (stage / ROLES).write_bytes(orjson.dumps({**roles.to_json(), **roles.level_table(kinds)}))
            atomic_write_json(stage / MANIFEST, {
                "model": model, "collection": config.collection, "url": config.url,
                # Relative to the index folder, so the index works from any directory and moves with its home.
                "units_file": os.path.relpath(units_file.resolve(), folder.resolve()),
                "units_sha256": hashlib.sha256(units_file.read_bytes()).hexdigest(), "units": len(units),
                "graph_files": graph, "tests": tests, "build": uuid.uuid4().hex,
                "query_encoder": encoder})
    stats.query_encoder = encoder
    stats.seconds = round(time.perf_counter() - started, 2)
    return stats


def read_manifest(folder: Path) -> dict[str, Any]:
    """The index manifest, or {} when there is no index yet; a damaged one is a one-line error."""
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    try:
        manifest = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError:
        raise damaged(folder, f"{MANIFEST} is not JSON") from None
    if not isinstance(manifest, dict) or not all(isinstance(manifest.get(k), t) for k, t in MANIFEST_FIELDS.items()):
        raise damaged(folder, f"{MANIFEST} lacks one of {', '.join(MANIFEST_FIELDS)}")
    return manifest


def _sync_store(config: IndexConfig, stage: Path, rebuild: bool, wanted: dict[str, Unit], model: str,
                progress: Callable[[int], None], current: Current) -> IndexStats:
    """Sync the collection (the staged embedded store, or the server's) with `wanted`."""
    store = client(config, stage)
    try:
        if rebuild:
            _drop(store, config.collection)
        collection = collection_of(store, config.collection, model, create=True)
        # The staged embedded store is a copy of the current one, which holds what the current rows list.
        recorded = current.metadata if current.metadata is not None and collection.count() == len(current.metadata) \
            else None
        stats = _sync(collection, wanted, config.batch_size, progress, recorded)
        numpy.save(stage / VECTORS, _unit_vectors(collection, list(wanted), current))
    finally:
        store.close()  # the embedded store's files are whole on disk once it is closed
    if not config.url:
        zero_unused_slots(stage / "chroma")
    stats.model = model
    return stats


def _sync(collection: Collection, wanted: dict[str, Unit], batch: int, progress: Callable[[int], None],
          recorded: dict[str, dict[str, Any]] | None) -> IndexStats:
    present = recorded if recorded is not None else _stored_metadata(collection)
    # Similar lengths in a batch waste less padding in the encoder: embed shortest first.
    new = sorted((k for k in wanted if k not in present), key=lambda k: len(document_of(wanted[k])))
    kept = [k for k in wanted if k in present]
    gone = sorted(set(present) - set(wanted))
    for start in range(0, len(gone), IDS_PER_CALL):
        collection.delete(ids=gone[start:start + IDS_PER_CALL])
    for start in range(0, len(new), batch):
        chunk = new[start:start + batch]
        collection.add(ids=chunk, documents=[document_of(wanted[k]) for k in chunk],
                       metadatas=[metadata_of(wanted[k]) for k in chunk])
        progress(len(chunk))
    # Moved units keep their vectors; only metadata that changed (line numbers, unit id) is rewritten.
    moved = [k for k in kept if present[k] != metadata_of(wanted[k])]
    for start in range(0, len(moved), IDS_PER_CALL):
        chunk = moved[start:start + IDS_PER_CALL]
        collection.update(ids=chunk, metadatas=[metadata_of(wanted[k]) for k in chunk])
    return IndexStats(units=len(wanted), embedded=len(new), kept=len(kept), deleted=len(gone))


def _stored_metadata(collection: Collection) -> dict[str, Any]:
    """Every stored id's metadata, a page at a time: Chroma asks SQLite for all of them with one variable each,
    and SQLite takes at most 32,766 (an index of more units could not be updated)."""
    present: dict[str, Any] = {}
    for offset in itertools.count(0, IDS_PER_CALL):
        stored = collection.get(include=["metadatas"], limit=IDS_PER_CALL, offset=offset)
        present.update(zip(stored["ids"], stored["metadatas"], strict=True))
        if len(stored["ids"]) < IDS_PER_CALL:
            break
    return present


def _current(folder: Path, embedded: bool) -> Current:
    """What the current index in `folder` holds (nothing when its rows or vectors cannot be read: an index from
    before it kept them); the metadata only for an `embedded` store, which the new build starts from a copy of.
    Reading either back from Chroma took seconds for a large index (3.5 s of a 100k-unit one's update)."""
    try:
        rows = unit_rows(folder)
        vectors = unit_vectors(folder, len(rows))
    except IndexStoreError:
        return Current()
    metadata = {row["key"]: {name: row[name] for name in METADATA_FIELDS} for row in rows} if embedded else None
    return Current({key: number for number, key in enumerate(rows.keys)}, vectors, metadata)


def _unit_vectors(collection: Collection, keys: list[str], current: Current) -> numpy.ndarray:
    """The embeddings of `keys`, in that order and of unit length: kept beside the index, so that a reader
    ranks a role's units over a matrix it maps rather than fetching their vectors from Chroma (a third of a
    second for a role of a thousand units, on the first request that needs them). A unit the current index
    already has keeps its row (a key is the unit's content, and the model cannot change without a rebuild);
    the others are read back from Chroma."""
    rows_of, previous = current.rows, current.vectors
    if previous is None:
        return _stored_vectors(collection, keys)
    vectors = numpy.empty((len(keys), previous.shape[1]), dtype=numpy.float32)
    new = [row for row, key in enumerate(keys) if key not in rows_of]
    if new:
        vectors[new] = _stored_vectors(collection, [keys[row] for row in new])
    old = [row for row, key in enumerate(keys) if key in rows_of]
    vectors[old] = previous[[rows_of[keys[row]] for row in old]]
    return vectors


def _stored_vectors(collection: Collection, keys: list[str]) -> numpy.ndarray:
    """Chroma's embeddings of `keys`, in that order, of unit length."""
    ids: list[str] = []
    chunks = []
    for start in range(0, len(keys), IDS_PER_CALL):  # Chroma returns them in an order of its own
        stored = collection.get(ids=keys[start:start + IDS_PER_CALL], include=["embeddings"])
        ids += stored["ids"]
        chunks.append(numpy.asarray(stored["embeddings"], dtype=numpy.float32).reshape(len(stored["ids"]), -1))
    position = {key: row for row, key in enumerate(ids)}
    vectors = numpy.concatenate(chunks)[[position[key] for key in keys]]
    norms = numpy.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / numpy.where(norms == 0, 1.0, norms)


def _copy_graph(source: Path, target: Path) -> int:
    """Keep the dataset's code graph with the index, so units and graph always come from one harvest."""
    if not copy_saved(source, target):
        return 0
    return sum(1 for line in (target / FILES).open("rb") if line.strip())


def _recorded_tests(units_file: Path) -> dict[str, Any]:
    """The test-discovery profile of the harvest the dataset was built from (`<home>/harvest/<name>/` beside
    `<home>/datasets/<name>/`), kept with the index so retrieval judges files' kinds as the harvest did."""
    home = units_file.parent.parent.parent
    profile = harvest_profile(home / "harvest" / units_file.parent.name)
    return profile.to_json() if profile else {}


def _file_kinds(paths: Iterable[str], tests: dict[str, Any]) -> dict[str, str]:
    """Each indexed file's kind (source, test, …) as the harvest judged it, in the order of `paths`: what its
    role is learned from."""
    profile = recorded_profile(tests)
    return {path: kind_of(path, profile) for path in paths}


def recorded_profile(tests: Any) -> DiscoveryProfile | None:
    """The test-discovery profile an index's manifest recorded (None: the runners' defaults)."""
    return DiscoveryProfile.from_json(tests) if isinstance(tests, dict) and tests else None


def _drop(store: ClientAPI, name: str) -> None:
    if name in [c.name if hasattr(c, "name") else c for c in store.list_collections()]:
        store.delete_collection(name)


def unit_rows(folder: Path) -> UnitRows:
    """The indexed units' facts, in row order (rows.py)."""
    for name in KEPT:
        if not (folder / name).is_file():
            raise IndexStoreError(f"the index at {folder} was built by an older Idiomatic (it has no {name}); run "
                                  "`idiom index` to bring it up to date")
    try:
        return UnitRows.from_json(orjson.loads((folder / UNITS).read_bytes()))
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError, ValueError, OverflowError) as exc:
        raise damaged(folder, f"its {UNITS} does not list its units ({type(exc).__name__})") from None


def unit_vectors(folder: Path, rows: int) -> numpy.ndarray:
    """The indexed units' embeddings (VECTORS), one per row of UNITS (`rows` of them), mapped
    rather than read: a request reads only the rows it ranks."""
    try:
        vectors = numpy.load(folder / VECTORS, mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise damaged(folder, f"its {VECTORS} cannot be read: {type(exc).__name__}") from None
    if vectors.ndim != 2 or vectors.shape[0] != rows or vectors.dtype != numpy.float32:
        raise damaged(folder, f"its {VECTORS} holds {vectors.shape} {vectors.dtype} for {rows} units")
    return vectors


class UnitTexts(Mapping[str, str]):
    """The indexed units' texts by unit id, each read from the index's TEXTS when asked: a request needs a few,
    where decoding all of them from the dataset when the index opened took a quarter of a second for 100k units."""

    def __init__(self, folder: Path, rows: UnitRows) -> None:
        self.bounds = numpy.concatenate(([0], numpy.cumsum(rows.text_bytes)))  # row n's: bounds[n] to bounds[n + 1]
        self.data = mapped(folder / TEXTS)
        if self.bounds[-1] != len(self.data):
            raise damaged(folder, f"its {TEXTS} does not hold the texts its {UNITS} lists")
        self.row_of = {unit: number for number, unit in enumerate(rows.units)}

    def __getitem__(self, unit: str) -> str:
        row = self.row_of[unit]
        return self.data[int(self.bounds[row]):int(self.bounds[row + 1])].decode("utf-8", errors="replace")

    def __iter__(self) -> Iterator[str]:
        return iter(self.row_of)

    def __len__(self) -> int:
        return len(self.row_of)
