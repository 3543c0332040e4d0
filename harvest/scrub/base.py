"""What a detector is: a name, keyword prefilter, compiled regex(es) and a check that turns a match
into the span to replace. Structural and generic detectors are declared with `Collector` decorators;
provider detectors are compiled from `rules/providers.yaml` (see `rulefile.py`), each entry a `ProviderRule`
that its check (`checks.py`) receives with the match.

`scrub` runs a detector only when one of its keywords occurs in the lower-cased text and its gate (if it
has one, see `multiscan.py`) matches, then runs its regexes over the whole text (or the lower-cased copy,
same offsets) and keeps the spans the check returns.
A check that declares a `path` parameter gets the file path, one that declares `profile` gets the scrub
mode's thresholds (`profile.py`); `strict_only` detectors run in strict mode alone.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from harvest.scrub.profile import PRECISE, Profile

Span = tuple[int, int]
Check = Callable[..., "Span | None"]  # (match, text[, path=][, profile=]) → span to replace, or None

# Lower numbers win when spans overlap: a provider's own format beats a keyword guess or entropy.
PROVIDER, STRUCTURE, ASSIGNMENT, ENTROPY, PII = range(5)


@dataclass(frozen=True)
class Detector:
    """One rule: find candidates with `patterns`, confirm each with `check`, replace with `placeholder`."""

    name: str
    keywords: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]  # one per literal anchor: a leading alternation defeats fast search
    check: Check
    doc: str
    placeholder: str
    kind: str = "secret"
    priority: int = PROVIDER
    lowered: bool = False  # run `patterns` over the lower-cased text (case-insensitive anchors, C speed)
    path_aware: bool = False  # `check` also takes the file path (unquoted values are literals in config files)
    profile_aware: bool = False  # `check` also takes the scrub mode's thresholds
    strict_only: bool = False  # runs in strict mode only
    # An RE2 pattern matching wherever one of `patterns` can (a looser shape, no lookaround), for the texts
    # that wake the detector by its keywords (or have none) but cannot hold a match.
    gate: str | None = None

    def spans(self, text: str, low: str, path: str | None = None, profile: Profile = PRECISE) -> Iterator[Span]:
        """Spans of `text` this detector would replace (keyword prefilter included; precise unless told)."""
        if not self.keywords or any(keyword in low for keyword in self.keywords):
            yield from self.matches(text, low, path, profile)

    def matches(self, text: str, low: str, path: str | None, profile: Profile) -> Iterator[Span]:
        """Spans this detector replaces, for a text already known to hold one of its keywords."""
        extra: dict[str, Any] = {}
        if self.path_aware:
            extra["path"] = path
        if self.profile_aware:
            extra["profile"] = profile
        subject = low if self.lowered else text
        for pattern in self.patterns:
            for m in pattern.finditer(subject):
                span = self.check(m, text, **extra)
                if span is not None:
                    yield span


class Collector(list[Detector]):
    """A list of detectors filled by decorating their check functions (the docstring documents the rule)."""

    def __call__(
        self,
        name: str,
        keywords: tuple[str, ...],
        pattern: str | tuple[str, ...],
        *,
        flags: int = 0,
        placeholder: str = "",
        kind: str = "secret",
        priority: int = PROVIDER,
        lowered: bool = False,
        strict_only: bool = False,
        gate: str | None = None,
    ) -> Callable[[Check], Check]:
        """Decorator registering `check` as detector `name` (`gate`: see `Detector.gate`)."""

        def register(check: Check) -> Check:
            parameters = inspect.signature(check).parameters
            self.append(
                Detector(
                    name=name,
                    keywords=keywords,
                    patterns=tuple(re.compile(p, flags) for p in ((pattern,) if isinstance(pattern, str) else pattern)),
                    check=check,
                    doc=(check.__doc__ or "").strip(),
                    placeholder=placeholder or f"<SECRET:{name}>",
                    kind=kind,
                    priority=priority,
                    lowered=lowered,
                    path_aware="path" in parameters,
                    profile_aware="profile" in parameters,
                    strict_only=strict_only,
                    gate=gate,
                )
            )
            return check

        return register


@dataclass(frozen=True)
class ProviderRule:
    """One validated entry of `rules/providers.yaml` (rulefile.py loads it; checks.py confirms its matches)."""

    id: str
    description: str
    keywords: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    check: str
    lowered: bool
    boundary: str
    min_length: int
    min_entropy: float
    placeholder: str
    source: str
    positive: tuple[str, ...]
    negative: tuple[str, ...]
