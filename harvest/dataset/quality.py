"""Quality filters for pairs, each a small rule that names why a pair is not worth training on.

`QUALITY_FILTERS` runs in order and the first that fires is recorded (stage "quality"). Commit messages
are prose and judged only as text; every other kind (code, tests, configs, diffs, reviewed lines as
merged) is also judged as code: placeholder bodies and the share of non-ASCII characters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property, partial
from itertools import islice
from typing import TYPE_CHECKING, Any

import orjson

from harvest.classify import generated_marker
from harvest.config import HarvestConfig, recorded_settings
from harvest.dataset.cache import digest
from harvest.patterns import linear
from harvest.records import FIM_KIND, MIN_MIDDLE_CHARS, Pair, Rejection

if TYPE_CHECKING:
    from harvest.dataset.cache import BuildCache

PROSE_KINDS = frozenset({"commit-message"})  # short by nature: judged by their own minimum
MIN_PROSE_CHARS = 10
Verdict = tuple[str, str]  # (the first filter a pair fails, why)
PASSES: Verdict = ("", "")
MINIMUMS = {"commit-message": MIN_PROSE_CHARS, FIM_KIND: MIN_MIDDLE_CHARS}  # kinds short by nature
# A body line that does nothing: a placeholder, a bare return or a comment (not `#include`). A docstring is
# content: an exception class with only a docstring is how a team declares its errors.
TRIVIAL_BODY = re.compile(r"^\s*(?:pass|\.\.\.|\{\s*\}|return\s*(?:null|None|undefined)?;?|//.*|#(?:\s.*)?)\s*$",
                          re.IGNORECASE)
# Python's whitespace on text (str.isspace, what `re`'s `\s` matches), spelled out because RE2's `\s` is ASCII's.
WHITESPACE = "\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# Base64, hex or minified data: 200+ characters without whitespace. On RE2: every pair's completion is
# searched, and `re` took 3.5 times as long (it tries each start inside a long run again).
BLOB = linear(f"[^{WHITESPACE}]{{200,}}", multiline=False)
ODD = re.compile(r"[^ -~\s]")  # outside printable ASCII and not whitespace (`\s` is str.isspace's set)
LINE = re.compile(r"[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")  # a non-empty line, as str.splitlines ends them
SHORT_SCAN = 4096  # characters of a completion counted first: enough to pass any usual minimum


def _empty(pair: Pair, _config: HarvestConfig) -> str:
    """The completion is blank."""
    return "blank completion" if not pair.completion.strip() else ""


def _trivial(pair: Pair, _config: HarvestConfig) -> str:
    """The body (after the first line) is only `pass`, `...`, `{}`, a bare return or comments (a TODO)."""
    if pair.kind in PROSE_KINDS:
        return ""
    placeholder = False
    # Lines read one by one, to stop at the first that does something: splitting a long diff whole took seconds.
    for match in islice(LINE.finditer(pair.completion.strip()), 1, None):
        line = match.group()
        if line.strip() in "{}":  # blank, or a lone brace
            continue
        if not TRIVIAL_BODY.match(line):
            return ""
        placeholder = True
    return "placeholder body" if placeholder else ""


def _too_short(pair: Pair, config: HarvestConfig) -> str:
    """Fewer non-whitespace characters than `min_completion_chars` (commit messages: 10, fim middles: 6)."""
    minimum = MINIMUMS.get(pair.kind, config.min_completion_chars)
    if _visible(pair.completion[:SHORT_SCAN]) >= minimum:  # a start long enough settles it
        return ""
    size = _visible(pair.completion)
    return f"{size} < {minimum} characters" if size < minimum else ""


def _visible(text: str) -> int:
    """The non-whitespace characters of `text`."""
    return len("".join(text.split()))


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
    match = generated_marker(pair.completion)
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


def verdict(pair: Pair, config: HarvestConfig) -> Verdict:
    """The first filter `pair` fails and why, or PASSES."""
    for reason, check in QUALITY_FILTERS.items():
        detail = check(pair, config)
        if detail:
            return reason, detail
    return PASSES


@dataclass
class Verdicts:
    """The quality verdicts of one build's pairs. The commit pairs are judged as they are built, so that their
    build cache entries can hold a rejected pair without its text (harvest/pairs/commits.py): theirs are known
    by pair id. The others' are read from the build cache (`verdicts`) when it holds the same text judged under
    the same settings: every filter is a function of the pair's text and the settings alone."""

    config: HarvestConfig
    cache: BuildCache | None = None
    known: dict[str, Verdict] = field(default_factory=dict)

    @cached_property
    def settings(self) -> bytes:
        """A digest of the settings a verdict depends on, for the keys of entries holding one: all that shape the
        artifacts, so that a filter added later cannot read one the key misses."""
        return digest(orjson.dumps(recorded_settings(self.config), option=orjson.OPT_SORT_KEYS))

    def judge(self, pair: Pair) -> Verdict:
        """The verdict of `pair`, found now and kept by its id."""
        found = self.known[pair.id] = verdict(pair, self.config)
        return found

    def of(self, pair: Pair) -> Verdict:
        """The verdict of `pair`: known, cached, else found now."""
        found = self.known.get(pair.id)
        if found is not None:
            return found
        if self.cache is None:
            return verdict(pair, self.config)
        # The fields a filter reads are among these (a filter reading another must add it here).
        key = self.cache.key("verdicts", self.settings, pair.kind, pair.language, pair.prompt, pair.completion,
                             pair.context, pair.prefix, pair.suffix)
        return self.cache.verdicts.fetch(key, partial(verdict, pair, self.config), _decode_verdict)


def _decode_verdict(value: Any) -> Verdict:
    """A `verdicts` entry: [reason, detail], both strings (empty when the pair passes)."""
    reason, detail = value
    if type(reason) is not str or type(detail) is not str:
        raise TypeError("not a quality verdict")
    return reason, detail


def filter_pairs(pairs: Iterable[Pair], config: HarvestConfig,
                 verdicts: Verdicts | None = None) -> tuple[list[Pair], list[Rejection]]:
    """Pairs that pass every filter, and a Rejection naming the first filter each other pair failed; the
    verdicts taken from `verdicts` where given (known or cached ones, and those of commit pairs read back from
    the build cache without their text)."""
    judge = verdicts.of if verdicts is not None else partial(verdict, config=config)
    kept: list[Pair] = []
    rejected: list[Rejection] = []
    for pair in pairs:
        reason, detail = judge(pair)
        if reason:
            rejected.append(Rejection(pair.id, pair.kind, "quality", reason, detail))
        else:
            kept.append(pair)
    return kept, rejected
