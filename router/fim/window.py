"""The code around the cursor that goes into a prompt: a window next to the cursor, scrubbed before cutting.

Both prompt shapes use it: the chat task text (router/strategies/prompting.py) and the infill prompt.
"""

from __future__ import annotations

from harvest.scrub import STRICT, scrub

CONTEXT_LINES = 60
CONTEXT_CHARS = 6_000  # per side of the cursor: a minified or generated one-line file must not go whole


def window(code: str, before: bool) -> str:
    """At most CONTEXT_LINES lines and CONTEXT_CHARS characters of `code` next to the cursor, scrubbed
    before they are cut out. Cut first, the window can begin inside a private key below its BEGIN line,
    or between a password's name and its value, and the guard then sees random lines with nothing that
    says they are secret. Twice the window around them gives the detectors that context."""
    lines = code.split("\n")  # not splitlines: a newline right at the cursor is part of what the model sees
    wide = "\n".join(lines[-CONTEXT_LINES * 2:] if before else lines[:CONTEXT_LINES * 2])
    wide = wide[-CONTEXT_CHARS * 2:] if before else wide[:CONTEXT_CHARS * 2]
    clean = scrub(wide, profile=STRICT).text.split("\n")  # the scrubber keeps the line count
    kept = "\n".join(clean[-CONTEXT_LINES:] if before else clean[:CONTEXT_LINES])
    return kept[-CONTEXT_CHARS:] if before else kept[:CONTEXT_CHARS]
