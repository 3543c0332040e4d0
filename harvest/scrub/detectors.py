"""The detector registry: every rule the scrubber runs, by kebab-case name.

Adding a provider (a documented token format) is one entry in `rules/providers.yaml` with its examples;
adding a rule found by the syntax around a secret is one decorated function in `structured.py`, or in
`generic.py` (keyword assignments, entropy), plus a row in the test table. Lookups of unknown names raise
`UnknownDetectorError` listing the valid names.

The registry is built on first use, not at import: a malformed rule file then surfaces as one
`RuleFileError` line from the command that scrubs, instead of a traceback from `import`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

import re2

from harvest.errors import HarvestError
from harvest.scrub.base import Detector
from harvest.scrub.contexts import CONTEXTS
from harvest.scrub.generic import GENERIC
from harvest.scrub.multiscan import Gate, provider_gate, shape_gate
from harvest.scrub.profile import Profile
from harvest.scrub.rulefile import provider_detectors
from harvest.scrub.strict import STRICT_ONLY
from harvest.scrub.structured import STRUCTURED

CHOSEN_MOST = 1 << 15  # combinations `Scanner.runnable` remembers before it starts again


class UnknownDetectorError(HarvestError, LookupError):
    """A detector name that is not in the registry."""


class Registry(dict[str, Detector]):
    """Name → detector; a missing name is an error that says which names exist."""

    def __missing__(self, name: str) -> Detector:
        raise UnknownDetectorError(f"unknown detector {name!r}; valid names: {', '.join(sorted(self))}")


class Keywords:
    """Which detectors a text wakes up: every keyword as a literal in one RE2 set, so one pass over the text
    says which keywords occur in it, however often. (An Aho-Corasick automaton reported every occurrence, and
    looping over them in Python cost 2.7 times as much on a real repository's history.)"""

    def __init__(self, index: dict[str, frozenset[int]]) -> None:
        options = re2.Options()
        options.literal = True
        self._set = re2.Set.SearchSet(options)
        self._positions: list[frozenset[int]] = []
        for keyword, positions in index.items():
            self._set.Add(keyword)
            self._positions.append(positions)
        self._set.Compile()

    def found(self, low: str) -> tuple[int, ...]:
        """Which keywords occur in the lower-cased text, as sorted indices."""
        return tuple(sorted(self._set.Match(low.encode()) or ()))

    def positions(self, found: tuple[int, ...]) -> set[int]:
        """The positions (in evaluation order) of the detectors the `found` keywords wake."""
        return set().union(*(self._positions[index] for index in found))


@dataclass(frozen=True)
class Scanner:
    """The compiled registry: detectors in evaluation order, the keyword prefilter and the gates."""

    registry: Registry
    ordered: tuple[Detector, ...]  # most specific first, so overlap resolution keeps the first claim
    keywords: Keywords
    keywordless: frozenset[int]
    gates: tuple[Gate, ...]
    gated: frozenset[str]
    # What `runnable` chose, by what the RE2 passes found: a repository's texts share a few thousand
    # combinations (10,322 over 140,713 hunks of sqlalchemy's history), so each list is made once.
    chosen: dict[tuple[Any, ...], tuple[Detector, ...]] = field(default_factory=dict, compare=False)

    def awake(self, low: str) -> list[Detector]:
        """The detectors whose keywords occur in the lower-cased text, most specific first."""
        return self._awake(self.keywords.found(low))

    def _awake(self, found: tuple[int, ...]) -> list[Detector]:
        return [self.ordered[position] for position in sorted(self.keywordless | self.keywords.positions(found))]

    def runnable(self, text: str, low: str, profile: Profile) -> tuple[Detector, ...]:
        """The awake detectors of `profile`'s mode minus those whose gates say their patterns cannot match."""
        raw = text.encode()
        key = (profile.strict, self.keywords.found(low), *(gate.found(raw) for gate in self.gates))
        chosen = self.chosen.get(key)
        if chosen is None:
            if len(self.chosen) >= CHOSEN_MOST:
                self.chosen.clear()
            possible = set().union(*(gate.owners_of(found) for gate, found in zip(self.gates, key[2:], strict=True)))
            chosen = self.chosen[key] = tuple(
                d for d in self._awake(key[1])
                if (profile.strict or not d.strict_only) and (d.name not in self.gated or d.name in possible))
        return chosen


def _keyword_index(ordered: tuple[Detector, ...]) -> dict[str, frozenset[int]]:
    """Each distinct keyword with the positions (in `ordered`) of the detectors it wakes up."""
    index: dict[str, set[int]] = {}
    for position, detector in enumerate(ordered):
        for keyword in detector.keywords:
            index.setdefault(keyword, set()).add(position)
    return {keyword: frozenset(positions) for keyword, positions in index.items()}


@cache
def scanner() -> Scanner:
    """Load the rule file and compile every detector (once per process)."""
    providers = provider_detectors()
    registry = Registry((d.name, d) for d in (*providers, *STRUCTURED, *CONTEXTS, *GENERIC, *STRICT_ONLY))
    ordered = tuple(sorted(registry.values(), key=lambda d: d.priority))
    index = _keyword_index(ordered)
    return Scanner(
        registry=registry,
        ordered=ordered,
        keywords=Keywords(index),
        keywordless=frozenset(position for position, detector in enumerate(ordered) if not detector.keywords),
        # Provider rules behind one RE2 pass: most texts wake a provider by a short keyword ("gh", "at", "s.")
        # without holding anything of its shape, and one multi-pattern scan is cheaper than a regex per rule.
        gates=(gates := (provider_gate(providers), shape_gate(registry.values()))),
        gated=frozenset().union(*(gate.owners for gate in gates)),
    )


def detectors() -> Registry:
    """Name → detector for every rule (loads the rule file on first use)."""
    return scanner().registry
