"""The detector registry: every rule the scrubber runs, by kebab-case name.

Adding a rule is one decorated function in `providers.py` (documented token formats), `structured.py`
(secrets found by the syntax around them) or `generic.py` (keyword assignments, entropy), plus a row
in the test table. Lookups of unknown names raise `UnknownDetectorError` listing the valid names.
"""

from __future__ import annotations

from harvest.errors import HarvestError
from harvest.scrub.base import Detector
from harvest.scrub.generic import GENERIC
from harvest.scrub.providers import PROVIDERS
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
