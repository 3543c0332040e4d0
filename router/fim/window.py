"""The code around the cursor that goes into a prompt: the cursor's line, then whole lines outward within a
token budget, cut as the `fim` training pairs are cut (harvest/pairs/fim.py `around`), scrubbed before cutting.

Both prompt shapes use it: the chat task text (router/strategies/prompting.py) and the infill prompt. It is
on every editor request's path, so it is cheap to repeat: the last few cursors' windows are remembered (a
request's cascade and the strategies in it ask for the same one), and the token count of each line is
remembered by harvest's `_tokens`, so after a keystroke only the edited line is counted again.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import chain

from harvest.config import FIM_CONTEXT_TOKENS
from harvest.pairs.fim import around
from harvest.scrub import STRICT, scrub

CONTEXT_CHARS = 6_000  # per side of the cursor: the cursor's line of a minified file must not go whole
DETECTOR_MARGIN = 2  # the scrubber sees this many times the budget around the cursor


@lru_cache(maxsize=16)
def cursor_window(prefix: str, suffix: str, budget: int = FIM_CONTEXT_TOKENS) -> tuple[str, str]:
    """The scrubbed prefix and suffix to send for a cursor between `prefix` and `suffix`: at most `budget`
    estimated tokens together (see `around`) and CONTEXT_CHARS characters a side.

    Scrubbed before the final cut: cut first, the window can begin inside a private key below its BEGIN
    line, or between a password's name and its value, and the guard then sees random lines with nothing
    that says they are secret. Twice the budget around them gives the detectors that context."""
    wide_prefix, wide_suffix = _cut(prefix, suffix, budget * DETECTOR_MARGIN, CONTEXT_CHARS * DETECTOR_MARGIN)
    # The scrubber keeps the line count, so the cursor's line stays the last of the prefix, the first of the suffix.
    clean_prefix, clean_suffix = scrub(wide_prefix, profile=STRICT).text, scrub(wide_suffix, profile=STRICT).text
    return _cut(clean_prefix, clean_suffix, budget, CONTEXT_CHARS)


def _cut(prefix: str, suffix: str, budget: int, chars: int) -> tuple[str, str]:
    """`around` on the `chars` characters each side of the cursor, split at `\n` (not splitlines: a newline
    right at the cursor is part of what the model sees)."""
    above = prefix[-chars:].split("\n")
    head = above.pop()
    below = suffix[:chars].split("\n")
    tail = below.pop(0) + ("\n" if below else "")
    last = below.pop() if below else ""
    return around(head, tail, (line + "\n" for line in reversed(above)),
                  chain((line + "\n" for line in below), [last] if last else []), budget)
