"""`idiom suite generate`: a default suite from the held-out test pairs, so a team gets one without
writing it. Each case asks for a held-out unit; it must parse, not be degenerate, hold no secret,
define the symbol asked for, follow every mined convention that applies to its path, and resemble the
team's own answer. Cases never come from a training pair, and they are drawn round-robin over the code
kinds (and, within a kind, over files), so every kind the test split holds is represented and no one
file or kind fills the suite.

Span-completion cases (kind `inline`) come from the held-out `fim` pairs (eval and test: the split holds out
whole files, so none of their spans trained): the code before and after a span, and its middle as the
reference. The answer must not be degenerate, hold no secret, parse in place and follow the conventions
(judged on the file with the answer in place) and be within EDIT_SIMILARITY of the middle; exact match and
edit similarity are measured on every one (router/validate.py). They are drawn round-robin over languages
and, within a language, over files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import zip_longest
from pathlib import Path
from typing import TypeVar

from harvest.conventions.checks import applies
from harvest.conventions.rules import Rule
from harvest.conventions.store import load_conventions
from harvest.dataset.dedup import normalize
from harvest.dataset.formats import user_message
from harvest.pairs.code import CODE_KINDS as UNIT_KINDS
from harvest.records import FIM_KIND, Pair, read_records
from harvest.units.languages import GRAMMARS
from router.kinds import INLINE
from router.validation.rules import EDIT_SIMILARITY
from router.validation.suite import Assertion, Case, Suite

CODE_KINDS = UNIT_KINDS | {"test"}  # the kinds whose answer is code a case can check
SIMILARITY = 0.3  # edit similarity to the team's answer: loose, a different but valid answer should pass
T = TypeVar("T")


def generate_suite(dataset: Path, max_cases: int = 40, max_inline: int = 40) -> Suite:
    """The suite for the dataset in `dataset`: up to `max_cases` cases from its test split's code pairs, then
    up to `max_inline` span completions from its held-out fim pairs."""
    pairs = list(read_records(dataset / "pairs.jsonl", Pair))
    trained = {normalize(p.completion) for p in pairs if p.split == "train"}
    conventions = [r for r in load_conventions(dataset / "conventions.yaml") if r.status == "proposed"] \
        if (dataset / "conventions.yaml").is_file() else []
    held = [p for p in pairs if p.split == "test" and p.kind in CODE_KINDS and normalize(p.completion) not in trained]
    cases: list[Case] = []
    seen: set[str] = set()
    for pair in round_robin(round_robin(_grouped(ps, lambda p: p.path)) for ps in _grouped(held, lambda p: p.kind)):
        if len(cases) == max_cases:
            break
        symbol = pair.unit.split("#", 1)[1].rsplit("@", 1)[0].split(" > ")[-1].split(".")[-1] if "#" in pair.unit \
            else ""
        asserts = [Assertion("not-degenerate"), Assertion("no-secret")]
        asserts += [Assertion("parses")] if pair.language in GRAMMARS else []
        asserts += [Assertion("defines", symbol)] if symbol and pair.kind != "test" else []
        asserts += [Assertion("convention", r.id) for r in conventions if applies(r, pair.path, pair.language)]
        asserts.append(Assertion("similar", SIMILARITY))
        case_id = _unique(f"{pair.kind}-{symbol or pair.path.rsplit('/', 1)[-1]}".lower().replace(" ", "-"), seen)
        cases.append(Case(case_id, prompt=user_message(pair), path=pair.path, language=pair.language,
                          kind=pair.kind, symbol=symbol, reference=pair.completion, asserts=tuple(asserts)))
    return Suite(dataset.name, (*cases, *inline_cases(pairs, conventions, max_inline, seen)))


def inline_cases(pairs: list[Pair], conventions: list[Rule], max_cases: int, seen: set[str]) -> list[Case]:
    """Up to `max_cases` span completions from the held-out fim pairs, round-robin over languages and files."""
    held = [p for p in pairs if p.kind == FIM_KIND and p.split in ("eval", "test") and (p.prefix or p.suffix)]
    cases: list[Case] = []
    for pair in round_robin(round_robin(_grouped(ps, lambda p: p.path)) for ps in _grouped(held, lambda p: p.language)):
        if len(cases) == max_cases:
            break
        asserts = [Assertion("not-degenerate"), Assertion("no-secret")]
        asserts += [Assertion("parses")] if pair.language in GRAMMARS else []
        asserts += [Assertion("convention", r.id) for r in conventions if applies(r, pair.path, pair.language)]
        asserts.append(Assertion("edit-similarity", EDIT_SIMILARITY))
        name = pair.path.rsplit("/", 1)[-1].split(".")[0]
        case_id = _unique(f"{INLINE}-{name}-{pair.span or 'span'}".lower().replace(" ", "-"), seen)
        cases.append(Case(case_id, prefix=pair.prefix, suffix=pair.suffix, path=pair.path, language=pair.language,
                          kind=INLINE, reference=pair.completion, asserts=tuple(asserts)))
    return cases


def round_robin(sequences: Iterable[Iterable[T]]) -> Iterator[T]:
    """One item from each sequence in turn, skipping the ones used up: [a1 a2 a3] [b1] → a1 b1 a2 a3."""
    sentinel = object()
    for row in zip_longest(*sequences, fillvalue=sentinel):
        yield from (item for item in row if item is not sentinel)


def _grouped(pairs: list[Pair], key: Callable[[Pair], str]) -> list[list[Pair]]:
    """`pairs` in groups by `key`, groups in order of first appearance, each in the pairs' order."""
    groups: dict[str, list[Pair]] = {}
    for pair in pairs:
        groups.setdefault(key(pair), []).append(pair)
    return list(groups.values())


def _unique(name: str, seen: set[str]) -> str:
    candidate, n = name, 1
    while candidate in seen:
        n += 1
        candidate = f"{name}-{n}"
    seen.add(candidate)
    return candidate
