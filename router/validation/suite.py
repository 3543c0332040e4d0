"""Validation suites: YAML files of cases a tech lead edits.

    name: acme-web
    cases:
      - id: button-component
        prompt: Create a Button component with a variant prop
        path: src/components/Button/Button.tsx
        kind: component
        symbol: Button               # what `defines` checks when it has no value
        reference: |                 # optional: what `similar` compares with
          export const Button …
        assert:
          - {type: contains, value: "import styled"}
          - {type: not-contains, value: "import './styles.css'"}
          - {type: parses}

A malformed suite is an error naming the file and line, found when the suite is loaded: before any
model is asked (and paid) for an answer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from harvest.atomic import atomic_write_text
from harvest.classify import language_of
from harvest.errors import ConfigError
from harvest.patterns import linear
from router.validation.rules import rule_name

LINE = "__line__"
# Rules whose value is a number, with its range (None: unbounded); the similarity rules may leave it out.
NUMERIC = {"max-tokens": (0, None), "max-cost": (0, None), "max-latency": (0, None), "similar": (0, 1),
           "edit-similarity": (0, 1)}
OPTIONAL = frozenset({"similar", "edit-similarity"})


@dataclass(frozen=True)
class Assertion:
    """One rule of a case: its type (maybe `not-`), its value, and the suite line it came from."""

    type: str
    value: Any = None
    line: int = 0


@dataclass(frozen=True)
class Case:
    """A request and the rules its completion must follow."""

    id: str
    prompt: str = ""
    prefix: str = ""
    suffix: str = ""
    path: str = ""
    language: str = ""
    kind: str = ""
    symbol: str = ""
    reference: str = ""
    asserts: tuple[Assertion, ...] = ()


@dataclass(frozen=True)
class Suite:
    """A named list of cases."""

    name: str
    cases: tuple[Case, ...] = field(default_factory=tuple)


class _Lined(yaml.SafeLoader):
    """A YAML loader that remembers the line of every mapping, for error messages."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE] = node.start_mark.line + 1
        return mapping


def load_suite(path: Path) -> Suite:
    """Read and check a suite file."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Lined)  # noqa: S506 - a SafeLoader subclass
    except OSError as exc:
        raise ConfigError(f"cannot read suite {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise ConfigError(f"{path}: a suite is a mapping with a `cases:` list")
    cases = [_case(path, n, raw) for n, raw in enumerate(data["cases"], 1)]
    duplicates = sorted({c.id for c in cases if [d.id for d in cases].count(c.id) > 1})
    if duplicates:
        raise ConfigError(f"{path}: case ids must be unique; repeated: {', '.join(duplicates)}")
    return Suite(str(data.get("name") or path.stem), tuple(cases))


def _case(path: Path, number: int, raw: Any) -> Case:
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: case {number} is not a mapping")
    line = raw.get(LINE, 0)
    known = {"id", "prompt", "prefix", "suffix", "path", "language", "kind", "symbol", "reference", "assert", LINE}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigError(f"{path}:{line}: unknown key(s) {', '.join(unknown)} in a case; "
                          f"valid: {', '.join(sorted(known - {LINE}))}")
    if not (raw.get("prompt") or raw.get("prefix") or raw.get("suffix")):
        raise ConfigError(f"{path}:{line}: a case needs a `prompt` (or `prefix`/`suffix` code)")
    asserts = raw.get("assert") or []
    if not isinstance(asserts, list):
        raise ConfigError(f"{path}:{line}: `assert` must be a list of {{type, value}}")
    checks = tuple(_assertion(path, line, a) for a in asserts)
    text = {k: str(raw.get(k) or "") for k in ("prompt", "prefix", "suffix", "path", "kind", "symbol", "reference")}
    return Case(str(raw.get("id") or f"case-{number}"), language=str(raw.get("language") or language_of(text["path"])),
                asserts=checks, **text)


def _assertion(path: Path, case_line: int, raw: Any) -> Assertion:
    line = raw.get(LINE, case_line) if isinstance(raw, dict) else case_line
    if not isinstance(raw, dict) or "type" not in raw:
        raise ConfigError(f"{path}:{line}: an assertion is a mapping with `type` (and usually `value`)")
    try:
        name, _ = rule_name(str(raw["type"]))
        if name == "regex":  # compiled now, so a pattern RE2 cannot run fails before any model is paid for
            linear(str(raw.get("value")))
    except ConfigError as exc:
        raise ConfigError(f"{path}:{line}: {exc}") from None
    value = raw.get("value")
    if name in NUMERIC and not (name in OPTIONAL and value is None) and not _in_range(value, *NUMERIC[name]):
        low, high = NUMERIC[name]
        span = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ConfigError(f"{path}:{line}: {raw['type']} takes a number {span} as its value, got {value!r}")
    return Assertion(str(raw["type"]), value, line)


def _in_range(value: Any, low: float, high: float | None) -> bool:
    number = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    return number and low <= value and (high is None or value <= high)


def write_suite(path: Path, suite: Suite) -> None:
    """Write `suite` as YAML a person can edit (atomically)."""
    cases = []
    for case in suite.cases:
        entry: dict[str, Any] = {"id": case.id}
        entry |= {k: v for k, v in (("prompt", case.prompt), ("prefix", case.prefix), ("suffix", case.suffix),
                                    ("path", case.path), ("language", case.language), ("kind", case.kind),
                                    ("symbol", case.symbol), ("reference", case.reference)) if v}
        entry["assert"] = [{"type": a.type} | ({"value": a.value} if a.value is not None else {})
                           for a in case.asserts]
        cases.append(entry)
    atomic_write_text(path, yaml.dump({"name": suite.name, "cases": cases}, Dumper=_Readable, sort_keys=False,
                                      allow_unicode=True, width=120))


class _Readable(yaml.SafeDumper):
    """Writes multi-line strings (prompts, reference code) as literal blocks a person can read and edit."""


def _string(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    block = "\n" in value and not any(line != line.rstrip() for line in value.splitlines())
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if block else None)


_Readable.add_representer(str, _string)
