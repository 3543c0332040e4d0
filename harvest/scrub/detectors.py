"""The detector registry: every rule the scrubber runs, by kebab-case name.

Adding a provider (a documented token format) is one entry in `rules/providers.yaml` with its examples;
adding a rule found by the syntax around a secret is one decorated function in `structured.py`, or in
`generic.py` (keyword assignments, entropy), plus a row in the test table. Lookups of unknown names raise
`UnknownDetectorError` listing the valid names.

The registry is built on first use, not at import: a malformed rule file then surfaces as one
`RuleFileError` line from the command that scrubs, instead of a traceback from `import`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import ahocorasick

from harvest.errors import HarvestError
from harvest.scrub.base import Detector
from harvest.scrub.contexts import CONTEXTS
from harvest.scrub.generic import GENERIC
from harvest.scrub.multiscan import ProviderGate
from harvest.scrub.profile import Profile
from harvest.scrub.rulefile import provider_detectors
from harvest.scrub.strict import STRICT_ONLY
from harvest.scrub.structured import STRUCTURED

# Keywords of one character occur in nearly every text, so `in` finds them at once; they
# would flood the automaton with matches.
SHORT_KEYWORD = 1


class UnknownDetectorError(HarvestError, LookupError):
    """A detector name that is not in the registry."""


class Registry(dict[str, Detector]):
    """Name → detector; a missing name is an error that says which names exist."""

    def __missing__(self, name: str) -> Detector:
        raise UnknownDetectorError(f"unknown detector {name!r}; valid names: {', '.join(sorted(self))}")


@dataclass(frozen=True)
class Scanner:
    """The compiled registry: detectors in evaluation order, the keyword prefilter and the provider gate."""

    registry: Registry
    ordered: tuple[Detector, ...]  # most specific first, so overlap resolution keeps the first claim
    short_keywords: tuple[tuple[str, frozenset[int]], ...]
    automaton: ahocorasick.Automaton
    ungated: frozenset[int]
    gate: ProviderGate
    gated: frozenset[str]

    def awake(self, low: str) -> list[Detector]:
        """The detectors whose keywords occur in the lower-cased text, most specific first."""
        awake = set(self.ungated)
        for keyword, positions in self.short_keywords:
            if keyword in low:
                awake |= positions
        for _, positions in self.automaton.iter(low):
            awake |= positions
        return [self.ordered[position] for position in sorted(awake)]

    def runnable(self, text: str, low: str, profile: Profile) -> list[Detector]:
        """The awake detectors of `profile`'s mode minus the provider rules whose patterns cannot match."""
        awake = [d for d in self.awake(low) if profile.strict or not d.strict_only]
        if not any(d.name in self.gated for d in awake):
            return awake
        possible = self.gate.candidates(text)
        return [d for d in awake if d.name not in self.gated or d.name in possible]


def _keyword_index(ordered: tuple[Detector, ...]) -> dict[str, frozenset[int]]:
    """Each distinct keyword with the positions (in `ordered`) of the detectors it wakes up."""
    index: dict[str, set[int]] = {}
    for position, detector in enumerate(ordered):
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
        short_keywords=tuple((k, p) for k, p in index.items() if len(k) <= SHORT_KEYWORD),
        automaton=_automaton(index),
        ungated=frozenset(position for position, detector in enumerate(ordered) if not detector.keywords),
        # Provider rules behind one RE2 pass: most texts wake a provider by a short keyword ("gh", "at", "s.")
        # without holding anything of its shape, and one multi-pattern scan is cheaper than a regex per rule.
        gate=ProviderGate(providers),
        gated=frozenset(d.name for d in providers),
    )


def detectors() -> Registry:
    """Name → detector for every rule (loads the rule file on first use)."""
    return scanner().registry
