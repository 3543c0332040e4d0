"""BM25 over unit texts (real bm25s): identifier-aware terms, and the scores kept per set of known terms."""

from __future__ import annotations

import numpy
import pytest

from router.strategies.rag import lexical as lexical_module
from router.strategies.rag.lexical import Lexical, tokens

TEXTS = ["export function useDebounce(value) { return value; }",
         "def clamp_value(value: int) -> int:\n    return max(0, value)",
         "class Cart:\n    def add(self, item): self.items.append(item)"]


def test_terms_split_identifiers_in_either_style() -> None:
    assert tokens("useDebounce use_debounce") == ["usedebounce", "use", "debounce", "use_debounce", "use", "debounce"]


def test_a_query_with_the_same_known_terms_reuses_the_scores_a_fresh_index_gives(monkeypatch) -> None:
    """Typing a word the index does not know (yet) leaves the known terms, and so the scores, as they were: they
    are computed once, read-only, and equal what a fresh index computes for the new query."""
    lexical = Lexical.build(TEXTS)
    computed: list[list[str]] = []
    scoring = lexical.retriever.get_scores
    monkeypatch.setattr(lexical.retriever, "get_scores", lambda terms: computed.append(terms) or scoring(terms))
    first, known = lexical.scores("clamp the value")
    again, known_again = lexical.scores("clamp the value zzq")  # a half-typed word
    assert known == known_again == ["clamp", "value"] and again is first and len(computed) == 1
    assert not first.flags.writeable
    assert numpy.array_equal(first, Lexical.build(TEXTS).scores("clamp the value zzq")[0])
    other, _ = lexical.scores("add an item to the cart")
    assert len(computed) == 2 and int(numpy.argmax(other)) == 2
    assert lexical.scores("nothing known here")[1] == []


def test_the_kept_scores_stay_within_their_budget(monkeypatch) -> None:
    monkeypatch.setattr(lexical_module, "CACHED_SCORES_BYTES", 3 * 4 * len(TEXTS))  # three queries' scores
    lexical = Lexical.build(TEXTS)
    for query in ("clamp", "value", "cart", "item", "debounce"):
        lexical.scores(query)
    assert list(lexical._recent) == [("cart",), ("item",), ("debounce",)]


@pytest.mark.parametrize("budget", [0, 1])
def test_at_least_two_queries_are_kept_however_small_the_budget(monkeypatch, budget: int) -> None:
    monkeypatch.setattr(lexical_module, "CACHED_SCORES_BYTES", budget)
    lexical = Lexical.build(TEXTS)
    for query in ("clamp", "value", "cart"):
        lexical.scores(query)
    assert list(lexical._recent) == [("value",), ("cart",)]
