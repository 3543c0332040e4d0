"""Compact text of a definition for a prompt: its first lines whole, long bodies cut with a marker."""

from __future__ import annotations

MAX_LINES = 15
MAX_CHARS = 1_200


def compact(lines: list[str], start: int, end: int) -> str:
    """Lines `start`..`end` (0-based, inclusive), at most MAX_LINES and MAX_CHARS, cut with "…"."""
    body = lines[start:end + 1]
    cut = len(body) > MAX_LINES
    text = "".join(body[:MAX_LINES])
    if len(text) > MAX_CHARS:
        text, cut = text[:MAX_CHARS].rsplit("\n", 1)[0] + "\n", True
    return text + ("    …\n" if cut else "")
