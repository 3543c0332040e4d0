"""Hybrid retrieval: BM25 over identifiers and text fused with embedding similarity by reciprocal rank.

Each result says why it matched (its rank in each list, the query terms it shares, its cosine
similarity), so a person can see what RAG put in a prompt and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy

from harvest.globs import matches_glob
from router.config import IndexConfig
from router.errors import IndexStoreError
from router.strategies.rag.embeddings import embedding_function
from router.strategies.rag.index import model_name, read_manifest, unit_rows
from router.strategies.rag.lexical import Lexical, tokens
from router.strategies.rag.store import client

CANDIDATES = 50  # from each list before fusion
MODES = ("hybrid", "bm25", "embedding")


@dataclass
class Hit:
    """One retrieved unit."""

    path: str
    name: str
    kind: str
    language: str
    unit: str
    start_line: int
    end_line: int
    score: float
    why: list[str] = field(default_factory=list)


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
        self.rows = list(unit_rows(folder))
        self.lexical = Lexical.load(folder / "bm25")
        self.collection = client(config, folder).get_collection(
            manifest["collection"], embedding_function=embedding_function(manifest["model"]))
        self.languages = numpy.array([r["language"] for r in self.rows])
        self.kinds = numpy.array([r["kind"] for r in self.rows])
        self.position = {r["key"]: i for i, r in enumerate(self.rows)}

    def search(self, query: str, k: int = 10, language: str = "", kind: str = "", path: str = "",
               mode: str = "hybrid") -> list[Hit]:
        """The `k` best units for `query`, optionally only of a language, a kind, or paths matching a glob.

        `mode` "bm25" or "embedding" uses one list alone (for comparing them); "hybrid" fuses both.
        """
        if mode not in MODES:
            raise IndexStoreError(f"unknown retrieval mode {mode!r}; valid: {', '.join(MODES)}")
        mask = self._mask(language, kind, path)
        if not mask.any():
            return []
        lexical_top: list[int] = []
        terms: list[str] = []
        if mode != "embedding":
            scores, terms = self.lexical.scores(query)
            scores = numpy.where(mask, scores, 0.0)
            lexical_top = [int(i) for i in numpy.argsort(-scores)[:CANDIDATES] if scores[i] > 0]
        dense = self._dense(query, language, kind, int(mask.sum())) if mode != "bm25" else []
        fused: dict[int, float] = {}
        why: dict[int, list[str]] = {}
        for rank, index in enumerate(lexical_top, 1):
            fused[index] = fused.get(index, 0.0) + 1.0 / (self.config.rrf_k + rank)
            shared = sorted(set(terms) & set(tokens(self.rows[index]["name"] + " " + self.rows[index]["path"])))
            why.setdefault(index, []).append(f"bm25 #{rank}" + (f" ({', '.join(shared)})" if shared else ""))
        for rank, (index, similarity) in enumerate((d for d in dense if mask[d[0]]), 1):
            fused[index] = fused.get(index, 0.0) + 1.0 / (self.config.rrf_k + rank)
            why.setdefault(index, []).append(f"embedding #{rank} (cosine {similarity:.2f})")
        best = sorted(fused, key=lambda i: -fused[i])[:k]
        return [self._hit(i, fused[i], why[i]) for i in best]

    def _mask(self, language: str, kind: str, path: str) -> numpy.ndarray:
        mask = numpy.ones(len(self.rows), dtype=bool)
        if language:
            mask &= self.languages == language
        if kind:
            mask &= self.kinds == kind
        if path:
            mask &= numpy.array([matches_glob(r["path"], path) for r in self.rows])
        return mask

    def _dense(self, query: str, language: str, kind: str, available: int) -> list[tuple[int, float]]:
        where: dict[str, Any] = {}
        conditions = [{"language": language}] if language else []
        conditions += [{"kind": kind}] if kind else []
        if conditions:
            where = conditions[0] if len(conditions) == 1 else {"$and": conditions}
        found = self.collection.query(query_texts=[query], n_results=max(1, min(CANDIDATES, available)),
                                      where=where or None, include=["distances"])
        return [(self.position[key], 1.0 - distance) for key, distance in zip(found["ids"][0], found["distances"][0],
                                                                              strict=True) if key in self.position]

    def _hit(self, index: int, score: float, reasons: list[str]) -> Hit:
        row = self.rows[index]
        return Hit(row["path"], row["name"], row["kind"], row["language"], row["unit"], row["start_line"],
                   row["end_line"], round(score, 5), reasons)
