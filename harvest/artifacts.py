"""Reading a JSON artifact that may be broken (cut short by a crash, edited by hand, committed by a stranger):
one loader that turns every way it can fail into one line naming the file, what is wrong with it, and how
to make it again.

Artifacts written by Idiomatic are read through here when their shape matters to the caller: a model
registry's `registry.json`, a version's `training.json` and `metrics.json`, a base model's `config.json`,
a dataset's JSONL rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from harvest.errors import InputError


def read_json(path: Path, rebuild: str, **fields: type | tuple[type, ...]) -> dict[str, Any]:
    """The JSON object in `path`, holding each of `fields` with a value of its type; anything else
    (unreadable, not JSON, another shape) is an InputError ending in `rebuild`, what to do about it."""
    data = _parsed(path, _bytes(path, rebuild), rebuild)
    if not isinstance(data, dict):
        raise InputError(f"{path} holds a JSON {type(data).__name__}, not an object; {rebuild}")
    for name, kind in fields.items():
        kinds = kind if isinstance(kind, tuple) else (kind,)
        value = data.get(name)
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):  # JSON true is no count
            wanted = " or ".join(_NAMES.get(k, k.__name__) for k in kinds)
            raise InputError(f"{path}: {name!r} is missing or not {wanted} (got {value!r}); {rebuild}")
    return data


def read_json_lines(path: Path, rebuild: str) -> list[dict[str, Any]]:
    """The JSON objects of a JSONL file, one per non-blank line; a bad line is an InputError naming it."""
    rows = []
    for number, line in enumerate(_bytes(path, rebuild).splitlines(), 1):
        if line.strip():
            row = _parsed(f"{path}:{number}", line, rebuild)
            if not isinstance(row, dict):
                raise InputError(f"{path}:{number} holds a JSON {type(row).__name__}, not an object; {rebuild}")
            rows.append(row)
    return rows


def _bytes(path: Path, rebuild: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path} ({exc.strerror}); {rebuild}") from None


def _parsed(where: Path | str, data: bytes, rebuild: str) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise InputError(f"{where} is not valid JSON ({exc}); {rebuild}") from None


_NAMES = {str: "a string", int: "an integer", float: "a number", list: "a list", dict: "an object", bool: "a boolean"}
