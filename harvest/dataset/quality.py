"""Quality filters for pairs, each a small rule that names why a pair is not worth training on.

`QUALITY_FILTERS` runs in order and the first that fires is recorded (stage "quality"). Commit messages
are prose and judged only as text; every other kind (code, tests, configs, diffs, reviewed lines as
merged) is also judged as code: placeholder bodies and the share of non-ASCII characters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from harvest.classify import GENERATED_MARKER
from harvest.config import HarvestConfig
from harvest.pairs.fim import MIN_MIDDLE_CHARS
from harvest.records import FIM_KIND, Pair, Rejection

PROSE_KINDS = frozenset({"commit-message"})  # short by nature: judged by their own minimum
MIN_PROSE_CHARS = 10
MINIMUMS = {"commit-message": MIN_PROSE_CHARS, FIM_KIND: MIN_MIDDLE_CHARS}  # kinds short by nature
# A body line that does nothing: a placeholder, a bare return or a comment (not `#include`). A docstring is
# content: an exception class with only a docstring is how a team declares its errors.
TRIVIAL_BODY = re.compile(r"^\s*(?:pass|\.\.\.|\{\s*\}|return\s*(?:null|None|undefined)?;?|//.*|#(?:\s.*)?)\s*$",
                          re.IGNORECASE)
BLOB = re.compile(r"\S{200,}")  # base64, hex or minified data: 200+ characters without whitespace
ODD = re.compile(r"[^ -~\s]")  # outside printable ASCII and not whitespace (`\s` is str.isspace's set)


def _empty(pair: Pair, _config: HarvestConfig) -> str:
    """The completion is blank."""
    return "blank completion" if not pair.completion.strip() else ""


def _trivial(pair: Pair, _config: HarvestConfig) -> str:
    """The body (after the first line) is only `pass`, `...`, `{}`, a bare return or comments (a TODO)."""
    lines = [line for line in pair.completion.strip().splitlines()[1:] if line.strip() and line.strip() not in "{}"]
    if pair.kind in PROSE_KINDS or not lines:
        return ""
    return "placeholder body" if all(TRIVIAL_BODY.match(line) for line in lines) else ""


def _too_short(pair: Pair, config: HarvestConfig) -> str:
    """Fewer non-whitespace characters than `min_completion_chars` (commit messages: 10, fim middles: 6)."""
    minimum = MINIMUMS.get(pair.kind, config.min_completion_chars)
    size = len("".join(pair.completion.split()))
    return f"{size} < {minimum} characters" if size < minimum else ""


def _too_long(pair: Pair, config: HarvestConfig) -> str:
    """More characters than `max_completion_chars`."""
    size = len(pair.completion)
    return f"{size} > {config.max_completion_chars} characters" if size > config.max_completion_chars else ""


def _prompt_too_long(pair: Pair, config: HarvestConfig) -> str:
    """Instruction and context together longer than `max_prompt_chars`."""
    size = len(pair.prompt) + len(pair.context)
    return f"{size} > {config.max_prompt_chars} characters" if size > config.max_prompt_chars else ""


def _non_code(pair: Pair, config: HarvestConfig) -> str:
    """Too many characters outside printable ASCII (data, mojibake), or 200+ characters without whitespace."""
    text = pair.completion
    if BLOB.search(text):
        return "200+ characters without whitespace (encoded data)"
    if pair.kind in PROSE_KINDS or not text:
        return ""
    odd = len(ODD.findall(text))  # in C: a character-by-character loop here took seconds on a large history
    share = odd / len(text)
    return f"{share:.0%} non-ASCII characters" if share > config.max_non_code_share else ""


def _generated(pair: Pair, _config: HarvestConfig) -> str:
    """The completion carries an `@generated` / `DO NOT EDIT` / auto-generated marker in a comment."""
    match = GENERATED_MARKER.search(pair.completion)
    return f"marker {match.group(1)!r}" if match else ""


QUALITY_FILTERS: dict[str, Callable[[Pair, HarvestConfig], str]] = {
    "empty": _empty,
    "trivial": _trivial,
    "too-short": _too_short,
    "too-long": _too_long,
    "prompt-too-long": _prompt_too_long,
    "non-code": _non_code,
    "generated": _generated,
}


def filter_pairs(pairs: Iterable[Pair], config: HarvestConfig) -> tuple[list[Pair], list[Rejection]]:
    """Pairs that pass every filter, and a Rejection naming the first filter each other pair failed."""
    kept: list[Pair] = []
    rejected: list[Rejection] = []
    for pair in pairs:
        for reason, check in QUALITY_FILTERS.items():
            detail = check(pair, config)
            if detail:
                rejected.append(Rejection(pair.id, pair.kind, "quality", reason, detail))
                break
        else:
            kept.append(pair)
    return kept, rejected
