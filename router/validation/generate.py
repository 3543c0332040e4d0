"""`idiom suite generate`: a default suite from the held-out test pairs, so a team gets one without
writing it. Each case asks for a held-out unit; it must parse, not be degenerate, hold no secret,
define the symbol asked for, follow every mined convention that applies to its path, and resemble the
team's own answer. Cases never come from a training pair.
"""

from __future__ import annotations

from pathlib import Path

from harvest.conventions.checks import applies
from harvest.conventions.store import load_conventions
from harvest.dataset.formats import user_message
from harvest.dedup import normalize
from harvest.records import Pair, read_records
from harvest.units.languages import GRAMMARS
from router.validation.suite import Assertion, Case, Suite

CODE_KINDS = frozenset({"component", "function", "method", "class", "hook", "styled", "route", "test"})
SIMILARITY = 0.3  # edit similarity to the team's answer: loose, a different but valid answer should pass


def generate_suite(dataset: Path, max_cases: int = 40) -> Suite:
    """The suite for the dataset in `dataset`, from its test split."""
    pairs = list(read_records(dataset / "pairs.jsonl", Pair))
    trained = {normalize(p.completion) for p in pairs if p.split == "train"}
    conventions = [r for r in load_conventions(dataset / "conventions.yaml") if r.status == "proposed"] \
        if (dataset / "conventions.yaml").is_file() else []
    cases: list[Case] = []
    seen: set[str] = set()
    for pair in pairs:
        if pair.split != "test" or pair.kind not in CODE_KINDS or normalize(pair.completion) in trained:
            continue
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
        if len(cases) == max_cases:
            break
    return Suite(dataset.name, tuple(cases))


def _unique(name: str, seen: set[str]) -> str:
    candidate, n = name, 1
    while candidate in seen:
        n += 1
        candidate = f"{name}-{n}"
    seen.add(candidate)
    return candidate
