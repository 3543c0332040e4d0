"""Retrieval for a request: the code it depends on (through the code graph) and the team's look-alikes
(files of the same role, ranked by BM25 fused with embedding similarity), packed side by side.

Modes: `deps` (dependencies alone), `similar` (look-alikes alone), `hybrid` (both, the default), and for
comparison the plain text retrievers: `text` (BM25 + embeddings by reciprocal rank), `bm25`, `embedding`.
Every hit says why it was chosen: the import and re-exports that lead to it, its role, its ranks.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy
import orjson

from harvest.classify import kind_of
from harvest.errors import HarvestError
from harvest.globs import matches_glob
from harvest.graph import CodeGraph
from router.config import IndexConfig
from router.errors import IndexStoreError
from router.strategies.rag.deps import Dependency, dependencies
from router.strategies.rag.focus import Focus
from router.strategies.rag.index import (
    ROLES,
    model_name,
    read_manifest,
    recorded_profile,
    unit_rows,
    unit_vectors,
)
from router.strategies.rag.lexical import Lexical, tokens
from router.strategies.rag.modes import MODES
from router.strategies.rag.query_encoder import query_vectors
from router.strategies.rag.roles import LEVELS, Roles
from router.strategies.rag.rows import UNITS, Coded
from router.strategies.rag.store import (
    LazyCollection,
    chroma_errors,
    client,
    collection_of,
    damaged,
)

CANDIDATES = 50  # from each list before fusion
DENSE_QUERY_LINES = 2  # lines above the cursor the query embedding reads (BM25 reads focus.QUERY_LINES)
REPEATED_PUNCTUATION = re.compile(r"([^\w\s])\1{3,}")
FILTER_SHARE = 0.2  # more than this share of a large index allowed: Chroma's HNSW (once open), not an exact search
# Up to this many units, an exact search over all the index's vectors costs less than a Chroma HNSW query:
# 0.13 against 1.5 ms with 4,221 units, 6.0 against 2.0 ms with 100,001 (bench/RESULTS.md, issue 17, stop 41).
EXACT_UNITS = 25_000


@dataclass
class Hit:
    """One retrieved snippet: a code unit, or for dependencies the definition's compact text."""

    path: str
    name: str
    kind: str
    language: str
    unit: str  # the unit's id in the dataset ("" for a definition that is not a unit: a type, a constant)
    start_line: int
    end_line: int
    score: float
    why: list[str] = field(default_factory=list)
    source: str = "text"  # deps, similar or text
    text: str = ""  # set for dependencies; units' texts live in the index's texts (index.py UnitTexts)


class Retriever:
    """Opens an index once and answers many queries."""

    def __init__(self, folder: Path, config: IndexConfig) -> None:
        manifest = read_manifest(folder)
        if not manifest:
            raise IndexStoreError(f"no index at {folder}; run `idiom index` first")
        if manifest["model"] != model_name(config):
            raise IndexStoreError(f"the index was built with {manifest['model']!r}, not {model_name(config)!r}; "
                                  "re-index with `idiom index --rebuild`")
        self.config = config
        self.manifest = manifest
        self.rows = unit_rows(folder)
        self.lexical = _lexical(folder)
        if not len(self.rows) == self.lexical.size == manifest["units"]:
            raise damaged(folder, f"its manifest lists {manifest['units']} units, {UNITS} {len(self.rows)}, "
                                  f"BM25 {self.lexical.size}")
        _check_store_place(folder, config, manifest)
        # Opened the first time a wide search of a large index asks for it, on a thread of its own (`_dense`).
        self.store = LazyCollection(functools.partial(_collection, folder, config, manifest, len(self.rows)))
        self.query_vector = query_vectors(folder, manifest["model"])
        self.graph = _graph(folder)
        self.roles, self.role_levels = _roles(folder, manifest, self.rows.paths)
        self.vectors = unit_vectors(folder, len(self.rows))

    def search(self, focus: Focus | str, k: int = 10, mode: str = "hybrid", language: str = "", kind: str = "",
               path: str = "") -> list[Hit]:
        """The `k` best snippets for `focus` (a position in a file, or a free-text query).

        `language`, `kind` and `path` (a glob) narrow the results. They never include the focus's own file.
        """
        if mode not in MODES:
            raise IndexStoreError(f"unknown retrieval mode {mode!r}; valid: {', '.join(MODES)}")
        if isinstance(focus, str):
            focus = Focus(instruction=focus)
        if mode not in ("deps", "hybrid"):
            mask = self._mask(focus, language, kind, path)
            return self.look_alikes(focus, k, mask) if mode == "similar" else self._text(focus, k, mask, mode)
        if mode == "hybrid":
            self.embed_ahead(focus)  # encoded while the dependencies are found
        deps = [h for h in self.dependencies(focus) if (not language or h.language == language)
                and (not kind or h.kind == kind) and (not path or matches_glob(h.path, path))]
        if mode == "deps":  # the graph's answer alone: no unit needs to be looked at
            return deps[:k]
        return pack(deps, self.look_alikes(focus, k, self._mask(focus, language, kind, path)), k)

    def dependencies(self, focus: Focus) -> list[Hit]:
        """Definitions the code at the focus uses, most relevant first (see `deps.dependencies`)."""
        if self.graph is None:
            raise IndexStoreError("this index has no code graph; run `idiom harvest` and then `idiom index` again")
        found = dependencies(self.graph, focus)
        return [self._dependency_hit(d, 1.0 / rank) for rank, d in enumerate(found, 1)]

    def look_alikes(self, focus: Focus, k: int, mask: numpy.ndarray) -> list[Hit]:
        """Units of files with the focus's role, ranked by text similarity; then of what remains of the
        role level by level (roles.py); then any unit of its language, so there are always `k` when the
        index has them."""
        query = focus.query()
        pending = self._vector_soon(focus)
        self.lexical.scores(query)  # while the encoder runs
        tiers: list[tuple[numpy.ndarray, str]] = []
        if focus.path:
            levels = self.roles.of(focus.path).levels()
            seen = {""}
            for (reason, key), keys in zip(levels, self.role_levels, strict=True):
                if key not in seen:
                    tiers.append((keys.equal(key), f"{reason} ({key})"))
                    seen.add(key)
        language = self.rows.languages.equal(focus.language) if focus.language else \
            numpy.ones(len(self.rows), dtype=bool)
        tiers.append((language, "similar text"))
        vector = pending.result() if pending else None
        hits: list[Hit] = []
        taken = numpy.zeros(len(self.rows), dtype=bool)
        for tier, reason in tiers:
            allowed = mask & tier & ~taken
            if len(hits) >= k or not allowed.any():
                continue
            for index, score, why in self._ranked(query, k - len(hits), allowed, "text", vector):
                hits.append(self._unit_hit(index, score, [reason, *why], "similar"))
                taken[index] = True
        return hits

    def _text(self, focus: Focus, k: int, mask: numpy.ndarray, mode: str) -> list[Hit]:
        query = focus.query()
        pending = self._vector_soon(focus) if mode != "bm25" else None
        if mode != "embedding":
            self.lexical.scores(query)  # while the encoder runs
        vector = pending.result() if pending else None
        return [self._unit_hit(i, score, why) for i, score, why in self._ranked(query, k, mask, mode, vector)]

    def embed_ahead(self, focus: Focus) -> None:
        """Start encoding the query embedding of `focus` on an encoding thread, for the look-alikes asked next: what
        the caller does meanwhile (finding the dependencies) runs while the encoder does."""
        self._vector_soon(focus)

    def _vector_soon(self, focus: Focus) -> Future[numpy.ndarray] | None:
        """The query embedding under way (see `dense_query`)."""
        query = dense_query(focus)
        return self.query_vector.soon(query) if query else None

    def _ranked(self, query: str, k: int, mask: numpy.ndarray, mode: str,
                vector: Any) -> list[tuple[int, float, list[str]]]:
        """BM25 and/or embedding similarity over the units `mask` allows, fused by reciprocal rank."""
        if not mask.any() or not query:
            return []
        bm25: dict[int, int] = {}  # unit -> rank
        dense: dict[int, tuple[int, float]] = {}  # unit -> (rank, similarity)
        terms: frozenset[str] = frozenset()
        if mode != "embedding":
            scores, terms = self.lexical.scores(query)
            scores = numpy.where(mask, scores, 0.0)
            best = _best(scores, CANDIDATES)
            bm25 = {int(index): rank for rank, index in enumerate(best[scores[best] > 0], 1)}
        if mode != "bm25" and vector is not None:
            dense = {index: (rank, similarity) for rank, (index, similarity) in enumerate(self._dense(vector, mask), 1)}
        fused = dict.fromkeys([*bm25, *dense], 0.0)  # ties keep this order: BM25's ranks first
        for index, rank in [*bm25.items(), *((index, rank) for index, (rank, _) in dense.items())]:
            fused[index] += 1.0 / (self.config.rrf_k + rank)
        chosen = sorted(fused, key=lambda i: -fused[i])[:k]
        return [(i, fused[i], self._why(i, bm25.get(i), dense.get(i), terms)) for i in chosen]

    def _why(self, index: int, bm25_rank: int | None, dense: tuple[int, float] | None,
             terms: frozenset[str]) -> list[str]:
        """Why unit `index` was retrieved: its rank in each list, with the query's terms its name and path share.
        Worked out for the units kept, not for every candidate."""
        why = []
        if bm25_rank is not None:
            shared = sorted(_terms(self.rows.names[index] + " " + self.rows.paths.value(index)).intersection(terms))
            why.append(f"bm25 #{bm25_rank}" + (f" ({', '.join(shared)})" if shared else ""))
        if dense is not None:
            why.append(f"embedding #{dense[0]} (cosine {dense[1]:.2f})")
        return why

    def _dense(self, vector: numpy.ndarray, mask: numpy.ndarray) -> list[tuple[int, float]]:
        """Nearest units by cosine among those `mask` allows: exact over their vectors, unless they are many
        of a large index (more than FILTER_SHARE of more than EXACT_UNITS) and its Chroma store is open; then
        Chroma's HNSW, with enough candidates to filter. The store opens the first time it would be used, on
        its own thread; searches are exact until it is open, and when it cannot be."""
        allowed = int(mask.sum())
        wide = allowed > FILTER_SHARE * len(self.rows) and len(self.rows) > EXACT_UNITS
        collection = self.store.ready() if wide else None
        if collection is None:
            indices = numpy.flatnonzero(mask)
            query = numpy.asarray(vector, dtype=numpy.float32)
            query = query / (numpy.linalg.norm(query) or 1.0)
            # Gathering the allowed rows first costs about as much again as multiplying them in place.
            similarities = self.vectors[indices] @ query if 2 * allowed < len(self.rows) else \
                (self.vectors @ query)[indices]
            best = _best(similarities, CANDIDATES)
            return [(int(indices[i]), float(similarities[i])) for i in best]
        wanted = min(len(self.rows), -(-CANDIDATES * len(self.rows) // allowed))
        found = collection.query(query_embeddings=[vector], n_results=max(1, wanted), include=["distances"])
        pairs = zip(found["ids"][0], found["distances"][0], strict=True)
        return [(self.position[key], 1.0 - distance) for key, distance in pairs
                if key in self.position and mask[self.position[key]]]

    @functools.cached_property
    def position(self) -> dict[str, int]:
        """Each unit's row by its key, as Chroma names it: worked out when a search first asks Chroma, not
        when the index opens (17 ms of a 100k-unit index's open)."""
        return {key: i for i, key in enumerate(self.rows.keys)}

    def _mask(self, focus: Focus, language: str, kind: str, path: str) -> numpy.ndarray:
        """The units a search may return: of `language`, `kind` and `path` (a glob) when given, never of the
        focus's own file."""
        mask = ~self.rows.paths.equal(focus.path)
        if language:
            mask &= self.rows.languages.equal(language)
        if kind:
            mask &= self.rows.kinds.equal(kind)
        if path:
            mask &= self.rows.paths.matching(lambda value: matches_glob(value, path))
        return mask

    def _unit_hit(self, index: int, score: float, reasons: list[str], source: str = "text") -> Hit:
        row = self.rows.row(index)
        return Hit(row["path"], row["name"], row["kind"], row["language"], row["unit"], row["start_line"],
                   row["end_line"], round(score, 5), reasons, source)

    def _dependency_hit(self, dependency: Dependency, score: float) -> Hit:
        definition = dependency.definition
        facts = self.graph.files.get(dependency.path) if self.graph else None
        language = facts.language if facts else ""
        if definition is None:
            return Hit(dependency.path, dependency.name, "module", language, "", 1, 1, round(score, 5),
                       list(dependency.why), "deps")
        rows = self.rows
        unit = next((rows.units[i] for i in rows.paths.rows_of(dependency.path)
                     if rows.start_lines[i] <= definition.start_line <= rows.end_lines[i]), "")
        return Hit(dependency.path, definition.name, definition.kind, language, unit, definition.start_line,
                   definition.end_line, round(score, 5), list(dependency.why), "deps", definition.snippet)


def _best(values: numpy.ndarray, n: int) -> numpy.ndarray:
    """The positions of the `n` largest `values`, largest first: partitioned, then only those sorted (a whole
    index's scores are never sorted for the few kept)."""
    if len(values) > n:
        kept = numpy.argpartition(-values, n - 1)[:n]
        return kept[numpy.argsort(-values[kept])]
    return numpy.argsort(-values)


@functools.lru_cache(maxsize=8192)
def _terms(text: str) -> frozenset[str]:
    """The BM25 terms of a unit's name and path, which every request's reasons name: worked out once each."""
    return frozenset(tokens(text))


def dense_query(focus: Focus) -> str:
    """What the query embedding reads of `focus`: fewer lines than BM25, since encoding time grows with the
    tokens, and a run of one punctuation character cut to three: a comment banner of dashes is a token every
    character or two, and says no more at length (one took a query of radix-ui's from 40 to 200 tokens, and
    its encoding from 4 to 16 ms)."""
    return REPEATED_PUNCTUATION.sub(r"\1\1\1", focus.query(DENSE_QUERY_LINES))


def _lexical(folder: Path) -> Lexical:
    try:
        lexical = Lexical.load(folder / "bm25")
        lexical.size  # noqa: B018 - reading it proves the parameters are there
        return lexical
    except (OSError, ValueError, EOFError, KeyError, TypeError) as exc:  # what bm25s and numpy raise on bad files
        raise damaged(folder, f"its BM25 files cannot be read: {type(exc).__name__}") from None


def _roles(folder: Path, manifest: dict[str, Any], paths: Coded) -> tuple[Roles, list[Coded]]:
    """The roles `idiom index` learned of the indexed files (index.py ROLES), and each row's key at every level
    of its role. A file's kind is judged by the test-discovery profile of the harvest the index was built from
    (the runners' defaults for an index that predates it), as the index judged the indexed files'."""
    try:
        learned = orjson.loads((folder / ROLES).read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        raise damaged(folder, f"its {ROLES} cannot be read: {type(exc).__name__}") from None
    try:
        roles = Roles.from_json(learned, functools.partial(kind_of, profile=recorded_profile(manifest.get("tests"))))
        files, keys = learned["files"], learned["levels"]
        per_file = numpy.array([files[path] for path in paths.values], dtype=numpy.int32)
        if per_file.shape != (len(paths.numbers), LEVELS) or len(keys) != LEVELS:
            raise ValueError("not one key per level")
        levels = [Coded(per_file[:, n][paths.codes], [str(key) for key in keys[n]]) for n in range(LEVELS)]
    except (KeyError, TypeError, ValueError, OverflowError) as exc:  # a path it does not list, a number too large
        raise damaged(folder, f"its {ROLES} does not describe its units ({type(exc).__name__})") from None
    return roles, levels


def _graph(folder: Path) -> CodeGraph | None:
    try:
        return CodeGraph.load(folder / "graph")
    except (OSError, ValueError, KeyError, TypeError, HarvestError):  # a malformed modules.json or files.jsonl
        raise damaged(folder, "its code graph cannot be read") from None


def _check_store_place(folder: Path, config: IndexConfig, manifest: dict[str, Any]) -> None:
    """The index's vectors are where `[index] url` says to look for them."""
    if manifest.get("url", "") != config.url:
        built = f"on the Chroma server at {manifest['url']}" if manifest.get("url") else "in the embedded store"
        raise IndexStoreError(f"the index at {folder} was built {built} and [index] url is now "
                              f"{config.url or 'unset'}; run `idiom index` to build it there")


def _collection(folder: Path, config: IndexConfig, manifest: dict[str, Any], vectors: int) -> Any:
    """The index's Chroma collection, checked once to hold one vector per indexed unit."""
    with chroma_errors(folder):
        collection = collection_of(client(config, folder, manifest.get("build", "")), manifest["collection"],
                                   manifest["model"])
        count = collection.count()
    if count != vectors and not config.url:
        raise damaged(folder, f"its Chroma store holds {count} vectors for {vectors} units")
    if count != vectors:  # the collection is synced in place; the manifest, written last, is the older
        raise IndexStoreError(f"the Chroma collection {manifest['collection']!r} at {config.url} holds {count} "
                              f"vectors but the index at {folder} lists {vectors} units: an `idiom index` was "
                              "interrupted; run `idiom index` again")
    return collection


def pack(deps: Sequence[Hit], alikes: Sequence[Hit], budget: float,
         cost: Callable[[Hit], float] = lambda hit: 1) -> list[Hit]:
    """Dependencies and look-alikes within `budget` (a count of hits, or tokens with `cost`).

    Priority: dependencies take up to half the budget (rounded up, so one slot goes to the most
    relevant dependency), look-alikes fill what is left, then remaining dependencies use any room the
    look-alikes did not need. A snippet already chosen (same file and lines) is not taken twice.
    """
    chosen: list[Hit] = []
    seen: set[tuple[str, int]] = set()
    used = 0.0

    def take(hits: Sequence[Hit], limit: float) -> None:
        nonlocal used
        for hit in hits:
            spot = (hit.path, hit.start_line)
            if spot not in seen and used + cost(hit) <= limit:
                chosen.append(hit)
                seen.add(spot)
                used += cost(hit)

    take(deps, budget - budget // 2)
    take(alikes, budget)
    take(deps, budget)
    return [h for h in chosen if h.source == "deps"] + [h for h in chosen if h.source != "deps"]
