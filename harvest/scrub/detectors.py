"""The detector registry: every rule the scrubber runs, by kebab-case name.

Adding a provider (a documented token format) is one entry in `rules/providers.yaml` with its examples;
adding a rule found by the syntax around a secret is one decorated function in `structured.py`, or in
`generic.py` (keyword assignments, entropy), plus a row in the test table. Lookups of unknown names raise `UnknownDetectorError` listing the valid names.
"""

from __future__ import annotations

import ahocorasick

from harvest.errors import HarvestError
from harvest.scrub.base import Detector
from harvest.scrub.generic import GENERIC
from harvest.scrub.multiscan import ProviderGate
from harvest.scrub.rulefile import PROVIDERS
from harvest.scrub.structured import STRUCTURED


class UnknownDetectorError(HarvestError, LookupError):
    """A detector name that is not in the registry."""


class Registry(dict[str, Detector]):
    """Name → detector; a missing name is an error that says which names exist."""

    def __missing__(self, name: str) -> Detector:
        raise UnknownDetectorError(f"unknown detector {name!r}; valid names: {', '.join(sorted(self))}")


DETECTORS: Registry = Registry((d.name, d) for d in (*PROVIDERS, *STRUCTURED, *GENERIC))

# Evaluation order: most specific first, so overlap resolution can keep the first claim on a span.
ORDERED: tuple[Detector, ...] = tuple(sorted(DETECTORS.values(), key=lambda d: d.priority))


def _keyword_index() -> dict[str, frozenset[int]]:
    """Each distinct keyword with the positions (in ORDERED) of the detectors it wakes up."""
    index: dict[str, set[int]] = {}
    for position, detector in enumerate(ORDERED):
        for keyword in detector.keywords:
            index.setdefault(keyword, set()).add(position)
    return {keyword: frozenset(positions) for keyword, positions in index.items()}


def _automaton(index: dict[str, frozenset[int]]) -> ahocorasick.Automaton:
    """One Aho-Corasick pass finds every longer keyword at once: a substring test per keyword
    re-read the whole text ~70 times, which dominated whole-history harvests."""
    automaton = ahocorasick.Automaton()
    for keyword, positions in index.items():
        if len(keyword) > SHORT_KEYWORD:
            automaton.add_word(keyword, positions)
    automaton.make_automaton()
    return automaton


# Keywords of one character occur in nearly every text, so `in` finds them at once; they
# would flood the automaton with matches.
SHORT_KEYWORD = 1
_INDEX = _keyword_index()
SHORT_KEYWORDS = tuple((k, p) for k, p in _INDEX.items() if len(k) <= SHORT_KEYWORD)
KEYWORD_AUTOMATON = _automaton(_INDEX)
UNGATED = frozenset(position for position, detector in enumerate(ORDERED) if not detector.keywords)


def awake_detectors(low: str) -> list[Detector]:
    """The detectors whose keywords occur in the lower-cased text, most specific first."""
    awake = set(UNGATED)
    for keyword, positions in SHORT_KEYWORDS:
        if keyword in low:
            awake |= positions
    for _, positions in KEYWORD_AUTOMATON.iter(low):
        awake |= positions
    return [ORDERED[position] for position in sorted(awake)]


# Provider rules behind one RE2 pass: most texts wake a provider by a short keyword ("gh", "at", "s.")
# without holding anything of its shape, and one multi-pattern scan is cheaper than a regex per rule.
PROVIDER_GATE = ProviderGate(PROVIDERS)
GATED = frozenset(d.name for d in PROVIDERS)


def runnable_detectors(text: str, low: str) -> list[Detector]:
    """The awake detectors minus the provider rules whose patterns cannot match anywhere in `text`."""
    awake = awake_detectors(low)
    if not any(d.name in GATED for d in awake):
        return awake
    possible = PROVIDER_GATE.candidates(text)
    return [d for d in awake if d.name not in GATED or d.name in possible]
