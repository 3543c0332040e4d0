"""The secret scrubber: every text the harvester writes passes through `scrub` first (pipeline stage 1).

`scrub(text, allowlist, path)` returns the text with each secret replaced by a typed placeholder
(`<SECRET:github-token>`, `<PASSWORD>`, `<EMAIL>`) and findings that name the rule and line, never the
value. `profile` picks the mode (strict for what leaves the machine, precise for a pre-commit gate).
Detectors live in the `detectors()` registry; `.idiomignore` feeds the `Allowlist`.
"""

from harvest.scrub.allowlist import Allowlist, load_allowlist, parse_allowlist
from harvest.scrub.detectors import UnknownDetectorError, detectors
from harvest.scrub.engine import Finding, ScrubResult, scrub
from harvest.scrub.profile import PRECISE, PROFILES, STRICT, Profile, profile_named

__all__ = [
    "PRECISE",
    "PROFILES",
    "STRICT",
    "Allowlist",
    "Finding",
    "Profile",
    "ScrubResult",
    "UnknownDetectorError",
    "detectors",
    "load_allowlist",
    "parse_allowlist",
    "profile_named",
    "scrub",
]
