"""The secret scrubber: every text the harvester writes passes through `scrub` first (pipeline stage 1).

`scrub(text, allowlist, path)` returns the text with each secret replaced by a typed placeholder
(`<SECRET:github-token>`, `<PASSWORD>`, `<EMAIL>`) and findings that name the rule and line, never the
value. Detectors live in the `DETECTORS` registry; `.idiomignore` feeds the `Allowlist`.
"""

from harvest.scrub.allowlist import Allowlist, load_allowlist, parse_allowlist
from harvest.scrub.detectors import DETECTORS, UnknownDetectorError
from harvest.scrub.engine import Finding, ScrubResult, scrub

__all__ = [
    "DETECTORS",
    "Allowlist",
    "Finding",
    "ScrubResult",
    "UnknownDetectorError",
    "load_allowlist",
    "parse_allowlist",
    "scrub",
]
