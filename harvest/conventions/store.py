"""conventions.yaml in and out: rules as a human-editable YAML list, with their evidence.

A tech lead may edit or delete rules; loading checks the shape and says exactly what is wrong where.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from harvest import __version__
from harvest.atomic import atomic_write_text
from harvest.conventions.checks import PACKAGE_IMPORTS, compiled, parse_type
from harvest.conventions.rules import FILE_KINDS, SEVERITIES, Rule
from harvest.errors import ConfigError, InputError
from harvest.globs import glob_regex
from harvest.yamltext import load_yaml

HEADER = """\
# Conventions mined by Idiomatic from this repository. Each rule says what the team does (message),
# how it is checked (type + value, on files matching paths, of the kinds listed, minus those matching
# exclude), and the evidence: support = places it applies to, followed = places that follow it,
# confidence = followed / support, exceptions = places that break it today. severity: a warning
# (followed almost everywhere) fails `idiom lint` and the router's checks; info is shown, never a
# failure. status: proposed rules run in `idiom lint`; candidates (stated in review, not yet borne out
# by the code) do not. Edit or delete rules freely; re-mining overwrites this file.
"""
FIELDS = {f.name: f for f in dataclasses.fields(Rule)}
REQUIRED = ("id", "type", "value", "message")


def write_conventions(path: Path, rules: Sequence[Rule], repository: str, head: str) -> None:
    """Write `rules` to `path` atomically."""
    document = {"version": 1, "repository": repository, "head": head, "generated_by": f"idiomatic {__version__}",
                "rules": [_plain(rule) for rule in rules]}
    atomic_write_text(path, HEADER + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100))


def load_conventions(path: Path) -> list[Rule]:
    """Rules from a conventions file; a malformed file is an InputError naming the rule and the fix."""
    try:
        document = load_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such conventions file; run `idiom harvest` to mine one") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML ({str(exc).splitlines()[0]}); fix it or re-run `idiom harvest`") from None
    if not isinstance(document, dict) or not isinstance(document.get("rules"), list):
        raise InputError(f"{path}: expected a mapping with a `rules:` list")
    return [_rule(path, index, item) for index, item in enumerate(document["rules"])]


def _plain(rule: Rule) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, spec in FIELDS.items():
        value = getattr(rule, name)
        if name in REQUIRED or value != spec.default:
            data[name] = list(value) if isinstance(value, tuple) else round(value, 3) if isinstance(value, float) else value
    return data


def _rule(path: Path, index: int, item: Any) -> Rule:
    where = f"{path}: rule {index + 1}"
    if not isinstance(item, dict):
        raise InputError(f"{where} must be a mapping of fields")
    where += f" ({item.get('id', 'no id')})"
    unknown = sorted(set(item) - set(FIELDS))
    if unknown:
        raise InputError(f"{where}: unknown field(s) {', '.join(unknown)}; valid fields: {', '.join(FIELDS)}")
    missing = [key for key in REQUIRED if not item.get(key)]
    if missing:
        raise InputError(f"{where}: missing {', '.join(missing)}")
    values = {}
    for name, value in item.items():
        default = FIELDS[name].default
        if isinstance(default, tuple):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise InputError(f"{where}: {name} must be a list of strings")
            value = tuple(value)
        elif isinstance(default, float):
            value = float(value) if isinstance(value, (int, float)) else value
        expected = type(default) if default is not dataclasses.MISSING else str
        if not isinstance(value, expected):
            raise InputError(f"{where}: {name} must be {expected.__name__}, got {value!r}")
        values[name] = value
    if values.get("severity", "") not in ("", *SEVERITIES):
        raise InputError(f"{where}: severity must be {' or '.join(SEVERITIES)}, got {values['severity']!r}")
    unknown_kinds = [k for k in values.get("kinds", ()) if k not in FILE_KINDS]
    if unknown_kinds:
        raise InputError(f"{where}: unknown kind(s) {', '.join(unknown_kinds)} in kinds; valid: {', '.join(FILE_KINDS)}")
    rule = Rule(**values)
    try:
        name, _ = parse_type(rule)
        if name == "package-imports" and rule.value not in PACKAGE_IMPORTS:
            raise ConfigError(f"rule {rule.id}: package-imports takes {' or '.join(PACKAGE_IMPORTS)}, not {rule.value!r}")
        if name not in ("contains", "path-layout", "package-imports"):
            compiled(rule.id, rule.value)
        for glob in rule.paths + rule.exclude:
            glob_regex(glob)
    except ConfigError as exc:  # the checks' message, reported as bad input of this file
        raise InputError(f"{where}: {exc}") from None
    return rule
