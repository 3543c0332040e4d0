"""`scrub`: replace every secret in a text with a typed placeholder and report where it was.

Runs once per file, diff hunk, commit message and review comment, so the hot path is a handful of
whole-text regex scans gated by substring checks; Python only touches the few matches.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from harvest.scrub.allowlist import Allowlist
from harvest.scrub.base import Detector
from harvest.scrub.detectors import scanner
from harvest.scrub.profile import STRICT, Profile

PRAGMA = "pragma: allowlist secret"


@dataclass(frozen=True)
class Finding:
    """One replaced secret: which rule, on which 1-based line of the input, secret or personal data."""

    rule: str
    line: int
    kind: str


@dataclass(frozen=True)
class ScrubResult:
    """The scrubbed text (same number of lines as the input) and what was replaced."""

    text: str
    findings: tuple[Finding, ...]


def _lower(text: str) -> str:
    """Lower-case copy with the same offsets (U+0130 is the only character whose lower() grows)."""
    return (text.replace("\u0130", "I") if "\u0130" in text else text).lower()


def _claim(spans: list[tuple[int, int, Detector]], starts: list[int], start: int, end: int, det: Detector) -> None:
    """Keep [start, end) unless an earlier (more specific) claim overlaps it."""
    i = bisect.bisect_right(starts, start)
    if i and spans[i - 1][1] > start:
        return
    if i < len(spans) and spans[i][0] < end:
        return
    spans.insert(i, (start, end, det))
    starts.insert(i, start)


def _replacement(text: str, start: int, end: int, placeholder: str) -> str:
    """The placeholder, then every newline of the span with the next line's diff marker and indentation."""
    if "\n" not in text[start:end]:
        return placeholder
    line_start = text.rfind("\n", 0, start) + 1
    marker = text[line_start] if line_start < start and text[line_start] in "+-" else ""
    parts = [placeholder]
    pos = text.find("\n", start, end)
    while pos != -1:
        keep = pos + 1
        if marker and text.startswith(marker, keep):
            keep += 1
        while keep < end and text[keep] in " \t":
            keep += 1
        parts.append(("\r" if text[pos - 1] == "\r" and pos > start else "") + text[pos:keep])
        pos = text.find("\n", pos + 1, end)
    return "".join(parts)


def _pragma_lines(text: str, low: str) -> set[int]:
    """1-based numbers of the lines carrying `pragma: allowlist secret`."""
    lines, pos = set(), low.find(PRAGMA)
    while pos != -1:
        lines.add(text.count("\n", 0, pos) + 1)
        pos = low.find(PRAGMA, pos + 1)
    return lines


def scrub(text: str, allowlist: Allowlist | None = None, path: str | None = None,
          profile: Profile = STRICT) -> ScrubResult:
    """Replace each secret in `text` with its placeholder; findings name the rule and line, never the value.

    `profile` is the mode: `STRICT` (the default, for text that is written or sent; it also scrubs lines
    marked `pragma: allowlist secret`) or `PRECISE` (a pre-commit gate, which honours the marker)."""
    if not text or (allowlist is not None and path and allowlist.path_allowed(path)):
        return ScrubResult(text, ())
    low = _lower(text)
    spans: list[tuple[int, int, Detector]] = []
    starts: list[int] = []
    for det in scanner().runnable(text, low, profile):
        for start, end in det.matches(text, low, path, profile):
            _claim(spans, starts, start, end, det)
    if not spans:
        return ScrubResult(text, ())
    pragma = _pragma_lines(text, low) if profile.honour_pragma and PRAGMA in low else set()
    out: list[str] = []
    findings: list[Finding] = []
    line, counted, last = 1, 0, 0
    for start, end, det in spans:
        line += text.count("\n", counted, start)
        counted = start
        if line in pragma or (allowlist is not None and allowlist.value_allowed(text[start:end])):
            continue
        out.append(text[last:start])
        out.append(_replacement(text, start, end, det.placeholder))
        last = end
        findings.append(Finding(det.name, line, det.kind))
    out.append(text[last:])
    return ScrubResult("".join(out), tuple(findings))
