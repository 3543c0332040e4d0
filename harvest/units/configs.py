"""Config units: one per top-level block of a JSON, YAML or TOML file (a key, or a `[table]`).

No tree-sitter grammar for these formats is installed, and none is needed: top-level blocks are found
by scanning lines and brackets, so a file the format's parser would reject still yields its blocks.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable

import yaml

from harvest.records import Unit

JSON_TOKEN = re.compile(r'"(?:\\.|[^"\\])*"|[{}\[\]:]')
YAML_KEY = re.compile(r"^(?:\"([^\"]+)\"|'([^']+)'|([A-Za-z_$][\w$.\-/ ]*?))\s*:(?:\s|$)")
TOML_TABLE = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")


def config_units(path: str, language: str, text: str) -> list[Unit]:
    """The file's top-level blocks as `config` units."""
    lines = text.splitlines(keepends=True)
    starts = BLOCK_FINDERS[language](text, lines)
    valid = _parses(language, text)
    units = []
    for index, (name, start) in enumerate(starts):
        end = starts[index + 1][1] - 1 if index + 1 < len(starts) else len(lines) - 1
        while end > start and not lines[end].strip():
            end -= 1
        if language == "json" and index == len(starts) - 1 and lines[end].strip() == "}" and end > start:
            end -= 1  # the closing brace of the whole document
        body = "".join(lines[start:end + 1])
        units.append(Unit(
            id=f"{path}#{name}@{start + 1}", path=path, language=language, kind="config", name=name,
            start_line=start + 1, end_line=end + 1, signature=lines[start].strip(), doc=_comment_above(lines, start),
            imports=(), text=body, parse_errors=0 if valid else 1,
        ))
    return units


def _json_blocks(text: str, lines: list[str]) -> list[tuple[str, int]]:
    starts = []
    depth = 0
    tokens = list(JSON_TOKEN.finditer(text))
    for i, token in enumerate(tokens):
        value = token.group(0)
        if value in "{[":
            depth += 1
        elif value in "}]":
            depth -= 1
        elif depth == 1 and value.startswith('"') and i + 1 < len(tokens) and tokens[i + 1].group(0) == ":":
            starts.append((value[1:-1], text.count("\n", 0, token.start())))
    return starts


def _yaml_blocks(_text: str, lines: list[str]) -> list[tuple[str, int]]:
    starts = []
    for number, line in enumerate(lines):
        match = YAML_KEY.match(line)
        if match:
            starts.append((next(g for g in match.groups() if g), number))
    return starts


def _toml_blocks(_text: str, lines: list[str]) -> list[tuple[str, int]]:
    return [(f"[{m.group(1)}]", n) for n, line in enumerate(lines) if (m := TOML_TABLE.match(line))]


BLOCK_FINDERS: dict[str, Callable[[str, list[str]], list[tuple[str, int]]]] = {
    "json": _json_blocks, "yaml": _yaml_blocks, "toml": _toml_blocks,
}


def _parses(language: str, text: str) -> bool:
    try:
        if language == "json":
            json.loads(text)
        elif language == "toml":
            tomllib.loads(text)
        else:
            list(yaml.safe_load_all(text))
    except (ValueError, yaml.YAMLError):
        return False
    return True


def _comment_above(lines: list[str], start: int) -> str:
    comments = []
    row = start - 1
    while row >= 0 and lines[row].lstrip().startswith("#"):
        comments.insert(0, lines[row].strip().lstrip("#").strip())
        row -= 1
    return "\n".join(comments)
