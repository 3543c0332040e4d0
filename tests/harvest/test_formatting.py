"""The formatting pass, with a real formatter (ruff format) reading stdin."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from harvest.dataset.formatting import format_pairs
from harvest.errors import ConfigError
from harvest.records import Pair

RUFF = str(Path(sys.executable).with_name("ruff"))


def _pair(kind: str, completion: str, path: str = "app/m.py") -> Pair:
    return Pair(id=f"{kind}-{len(completion)}", kind=kind, language="python", path=path, prompt="p",
                completion=completion)


def test_code_completions_are_formatted_and_the_rest_left_alone() -> None:
    messy = "def f( a,b ):\n  return a+b\n"
    pairs = [_pair("function", messy), _pair("commit", messy), _pair("function", "def broken(:\n")]

    out, stats = format_pairs(pairs, f"{RUFF} format --stdin-filename {{path}} -")

    assert out[0].completion == "def f(a, b):\n    return a + b\n"
    assert out[1].completion == messy  # diffs and messages are not code files
    assert out[2].completion == "def broken(:\n"  # refused by the formatter: kept as it was
    assert (stats.formatted, stats.unchanged, stats.failed) == (1, 0, 1)


def test_no_command_means_no_pass_and_a_missing_tool_is_a_clear_error() -> None:
    pairs = [_pair("function", "x=1\n")]
    assert format_pairs(pairs, "")[0] == pairs
    with pytest.raises(ConfigError, match="not on PATH"):
        format_pairs(pairs, "no-such-formatter-xyz --stdin")
