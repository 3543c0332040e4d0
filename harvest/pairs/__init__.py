"""Pair builders: turn a harvest (files, units, history, reviews) into prompt/completion pairs.

`PAIR_BUILDERS` is the registry; each builder is a function of `Sources` yielding `Pair`s of its kind(s).
Filtering, deduplication and splitting happen afterwards (`harvest.dataset.quality`, `harvest.dataset.dedup`,
`harvest.dataset.split`), so builders stay simple and say only what a pair teaches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from harvest.errors import ConfigError
from harvest.pairs.code import code_pairs
from harvest.pairs.commits import commit_message_pairs, commit_pairs
from harvest.pairs.configs import config_pairs
from harvest.pairs.fim import fim_pairs
from harvest.pairs.reviews import review_pairs
from harvest.pairs.sources import Sources
from harvest.pairs.tests import team_test_pairs
from harvest.records import Pair

PairBuilder = Callable[[Sources], Iterator[Pair]]

PAIR_BUILDERS: dict[str, PairBuilder] = {
    "code": code_pairs,
    "test": team_test_pairs,
    "config": config_pairs,
    "commit": commit_pairs,
    "commit-message": commit_message_pairs,
    "review": review_pairs,
    "fim": fim_pairs,
}


def build_pairs(sources: Sources, builders: Iterable[str] = tuple(PAIR_BUILDERS)) -> list[Pair]:
    """Run the named builders over `sources`, in registry order."""
    return list(each_pair(sources, builders))


def each_pair(sources: Sources, builders: Iterable[str] = tuple(PAIR_BUILDERS)) -> Iterator[Pair]:
    """The pairs of the named builders over `sources`, in registry order, as they are built (a dataset build
    filters them a batch at a time); raises ConfigError at once on an unknown builder."""
    unknown = sorted(set(builders) - set(PAIR_BUILDERS))
    if unknown:
        raise ConfigError(f"unknown pair builder(s) {', '.join(unknown)}; valid ones are {', '.join(PAIR_BUILDERS)}")
    return (pair for name in PAIR_BUILDERS if name in builders for pair in PAIR_BUILDERS[name](sources))
