"""BM25 over code units (bm25s), with identifier-aware tokens: `useDebounce` and `use_debounce` both
yield `use`, `debounce` and the whole name, so a query in words finds code named in either style."""

from __future__ import annotations

import functools
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy

from router.libraries import library

WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+")
PART = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
CACHED_SCORES_BYTES = 16 * 1024 * 1024  # the scores kept for queries of known terms asked again (at least two)


def tokens(text: str) -> list[str]:
    """Lower-cased identifiers and their camelCase/snake_case parts."""
    out: list[str] = []
    for word in WORD.findall(text):
        out.extend(_word_tokens(word))
    return out


@functools.lru_cache(maxsize=1 << 16)
def _word_tokens(word: str) -> tuple[str, ...]:
    """A word's tokens: itself, then its parts when it has several. Split once per distinct word: code repeats
    its names (a 100k-unit index's 1.8M words are 83k distinct ones), and splitting took a third of building
    BM25's tokens."""
    parts = [part.lower() for part in PART.findall(word)]
    return (word.lower(), *parts) if len(parts) > 1 else (word.lower(),)


class Lexical:
    """A BM25 index over unit texts, saved beside the vector index."""

    def __init__(self, retriever: object) -> None:
        self.retriever = retriever
        self.vocab: dict[str, int] = getattr(retriever, "vocab_dict", {}) or {}
        self._recent: OrderedDict[tuple[str, ...], numpy.ndarray] = OrderedDict()
        self._recent_lock = threading.Lock()

    @classmethod
    def build(cls, texts: Sequence[str]) -> Lexical:
        """Index `texts` (in the order their units are listed)."""
        bm25s = library("bm25s")
        retriever = bm25s.BM25()
        # Every document gets at least one token, so an empty unit cannot break the matrix.
        retriever.index([tokens(t) or ["_"] for t in texts], show_progress=False)
        return cls(retriever)

    def save(self, folder: Path) -> None:
        """Write the index files into `folder`."""
        self.retriever.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path) -> Lexical:
        """Read an index written by `save`."""
        bm25s = library("bm25s")
        return cls(bm25s.BM25.load(str(folder), show_progress=False))

    def scores(self, query: str) -> tuple[numpy.ndarray, list[str]]:
        """BM25 score of every unit for `query` (read-only), and the query terms the index knows.

        The scores depend on those terms alone, and a developer typing changes them far less often than the
        query's text (a half-typed word is seldom a term the index knows): the scores of recent sets of terms
        are kept, within CACHED_SCORES_BYTES. Scoring a 100k-unit index took about a millisecond a query."""
        known = sorted({t for t in tokens(query) if t in self.vocab})
        if not known:
            return numpy.zeros(self.size, dtype=numpy.float32), []
        key = tuple(known)
        with self._recent_lock:
            found = self._recent.get(key)
            if found is not None:
                self._recent.move_to_end(key)
                return found, known
        found = self.retriever.get_scores(known)
        found.flags.writeable = False
        with self._recent_lock:
            self._recent[key] = found
            while len(self._recent) > max(2, CACHED_SCORES_BYTES // max(found.nbytes, 1)):
                self._recent.popitem(last=False)
        return found, known

    @property
    def size(self) -> int:
        """Number of indexed units."""
        return int(self.retriever.scores["num_docs"])
