"""Provider rules as data: load, validate and compile `rules/providers.yaml` into detectors.

The rule file lists every credential whose issuer documents its format. Each entry:

    id           kebab-case name, also the finding's rule and the default placeholder <SECRET:id>
    description  what the token is and its documented shape
    keywords     lower-case substrings, one of which must occur for the rule to run (the prefilter)
    pattern      a regex (or a list of them), each starting with a literal anchor; group `b` is the random part
    check        how a match is confirmed: a name in `harvest.scrub.checks.CHECKS` (default `token`)
    lowered      run the pattern over the lower-cased text (case-insensitive anchors at C speed)
    boundary     characters besides word characters that may not touch the match (default "-")
    min_length, min_entropy   bounds on group `b` for the `random` check
    placeholder  replacement text (default <SECRET:id>)
    source       the provider documentation the format comes from (an https URL)
    examples     {positive: [...], negative: [...]}: texts the rule must find / leave alone (tested)

A malformed file is a `RuleFileError` naming the rule and the field; it is raised on first use, so a bad
entry stops the command that scrubs with one line instead of scanning with a rule missing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, partial
from pathlib import Path
from typing import Any, NoReturn

import yaml

from harvest.errors import HarvestError
from harvest.scrub.base import PROVIDER, Detector, ProviderRule
from harvest.scrub.checks import CHECKS
from harvest.yamltext import load_yaml

RULE_FILE = Path(__file__).with_name("rules") / "providers.yaml"
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_FIELDS = frozenset({"id", "description", "keywords", "pattern", "check", "lowered", "boundary", "min_length",
                     "min_entropy", "placeholder", "source", "examples"})
_REQUIRED = ("id", "description", "keywords", "pattern", "source", "examples")


class RuleFileError(HarvestError, ValueError):
    """The provider rule file is malformed: the message names the file, rule and field."""


def _strings(value: Any, fail: Callable[[str, str], NoReturn], field: str, allow_empty: bool = False) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        fail(field, "must be a string or a list of non-empty strings")
    if not value and not allow_empty:
        fail(field, "must not be empty")
    return tuple(value)


def _rule(entry: Any, index: int, source: str) -> ProviderRule:
    """Validate one entry; the first problem is a `RuleFileError`."""
    name = entry.get("id") if isinstance(entry, dict) else None
    label = f"rule {name!r}" if isinstance(name, str) else f"rule #{index + 1}"

    def fail(field: str, problem: str) -> NoReturn:
        raise RuleFileError(f"{source}: {label}: field {field!r} {problem}")

    if not isinstance(entry, dict):
        fail("-", "entry must be a mapping of fields")
    for field in _REQUIRED:
        if field not in entry:
            fail(field, "is missing")
    for field in sorted(entry.keys() - _FIELDS):
        fail(field, f"is unknown; valid fields: {', '.join(sorted(_FIELDS))}")
    if not isinstance(name, str) or not _ID.fullmatch(name):
        fail("id", "must be kebab-case (lower-case letters, digits, dashes)")
    for field in ("description", "source", "boundary", "placeholder", "check"):
        if field in entry and not isinstance(entry[field], str):
            fail(field, "must be a string")
    if not entry["description"].strip():
        fail("description", "must not be empty")
    if not entry["source"].startswith("https://"):
        fail("source", "must be the https URL of the provider documentation the format comes from")
    keywords = _strings(entry["keywords"], fail, "keywords")
    if any(k != k.lower() for k in keywords):
        fail("keywords", "must be lower-case (they are matched against the lower-cased text)")
    patterns: list[re.Pattern[str]] = []
    for pattern in _strings(entry["pattern"], fail, "pattern"):
        try:
            patterns.append(re.compile(pattern))
        except re.error as exc:
            fail("pattern", f"does not compile: {exc}")
    check = entry.get("check", "token")
    if check not in CHECKS:
        fail("check", f"names no check; valid checks: {', '.join(sorted(CHECKS))}")
    lowered = entry.get("lowered", False)
    if not isinstance(lowered, bool):
        fail("lowered", "must be true or false")
    min_length, min_entropy = entry.get("min_length", 0), entry.get("min_entropy", 0.0)
    if not isinstance(min_length, int) or isinstance(min_length, bool) or min_length < 0:
        fail("min_length", "must be a whole number >= 0")
    if not isinstance(min_entropy, int | float) or isinstance(min_entropy, bool) or not 0 <= min_entropy <= 8:
        fail("min_entropy", "must be a number of bits per character between 0 and 8")
    if check == "random" and not min_length:
        fail("min_length", "is required by check 'random'")
    examples = entry["examples"]
    if not isinstance(examples, dict) or set(examples) - {"positive", "negative"}:
        fail("examples", "must be a mapping with keys positive and negative")
    positive = _strings(examples.get("positive", []), fail, "examples.positive")
    negative = _strings(examples.get("negative", []), fail, "examples.negative", allow_empty=True)
    return ProviderRule(
        id=name, description=entry["description"].strip(), keywords=keywords, patterns=tuple(patterns),
        check=check, lowered=lowered, boundary=entry.get("boundary", "-"), min_length=min_length,
        min_entropy=float(min_entropy), placeholder=entry.get("placeholder", f"<SECRET:{name}>"),
        source=entry["source"], positive=positive, negative=negative,
    )


def parse_rules(text: str, source: str = "providers.yaml") -> tuple[ProviderRule, ...]:
    """Validate rule-file content: a mapping with a `rules` list of entries with unique ids."""
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        # libyaml puts an error at the end of the text on the line after it: name the last line instead
        where = f" line {min(mark.line + 1, len(text.splitlines()) or 1)}" if mark is not None else ""
        raise RuleFileError(f"{source}:{where} is not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RuleFileError(f"{source}: must be a mapping with a 'rules' list")
    rules = tuple(_rule(entry, i, source) for i, entry in enumerate(data["rules"]))
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise RuleFileError(f"{source}: rule {rule.id!r}: field 'id' is used by an earlier rule")
        seen.add(rule.id)
    return rules


def load_rules(path: Path = RULE_FILE) -> tuple[ProviderRule, ...]:
    """Read and validate a rule file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleFileError(f"cannot read provider rules {path}: {exc.strerror}; reinstall idiomatic") from None
    return parse_rules(text, str(path))


def compile_rule(rule: ProviderRule) -> Detector:
    """The detector that runs `rule`: its patterns confirmed by its named check."""
    return Detector(
        name=rule.id,
        keywords=rule.keywords,
        patterns=rule.patterns,
        check=partial(CHECKS[rule.check], rule=rule),
        doc=rule.description,
        placeholder=rule.placeholder,
        priority=PROVIDER,
        lowered=rule.lowered,
    )


@cache
def provider_detectors() -> tuple[Detector, ...]:
    """Every rule of the shipped rule file, compiled (read once per process, on first use)."""
    return tuple(compile_rule(rule) for rule in load_rules())
