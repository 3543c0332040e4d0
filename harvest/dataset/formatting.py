"""The optional formatting pass: run the team's formatter over code completions before they are written.

`[harvest] format_command` is a command reading code on stdin and writing it on stdout, with `{path}`
standing for the file name so the formatter picks the right parser (prettier, ruff format, gofmt, …).
It is split into arguments and run without a shell; `{path}` fills one argument. A command that wraps
a shell script (`sh -c '…'`) should read the name from `$IDIOM_FILE_PATH` instead: file names come from
the repository and may hold shell syntax. A completion the formatter rejects (a fragment it cannot
parse) is kept as it was and counted.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from harvest.errors import ConfigError
from harvest.records import Pair

# Completions that are whole code units or files; diffs, messages and review snippets are left alone.
FORMATTED_KINDS = frozenset({"function", "method", "class", "component", "styled", "hook", "route", "test", "config"})
TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class FormatStats:
    """How the formatting pass went."""

    formatted: int = 0  # completions the formatter changed
    unchanged: int = 0
    failed: int = 0  # the formatter exited non-zero or timed out: completion kept as it was

    def __add__(self, other: FormatStats) -> FormatStats:
        """Both passes' counts (a build formats its pairs a batch at a time)."""
        return FormatStats(self.formatted + other.formatted, self.unchanged + other.unchanged,
                           self.failed + other.failed)


def format_pairs(pairs: Sequence[Pair], command: str,
                 progress: Callable[[], None] = lambda: None) -> tuple[list[Pair], FormatStats]:
    """Pairs with code completions run through `command`; the others untouched."""
    if not command.strip():
        return list(pairs), FormatStats()
    argv = shlex.split(command)
    if shutil.which(argv[0]) is None:
        raise ConfigError(f"[harvest] format_command: `{argv[0]}` is not on PATH; install it or clear format_command")
    # One formatter process per distinct completion, several at a time: formatters are slow to start.
    todo = {(p.path, p.completion) for p in pairs if p.kind in FORMATTED_KINDS}
    results: dict[tuple[str, str], str | None] = {}
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for key, result in zip(todo, pool.map(lambda k: _run(argv, *k), todo)):
            results[key] = result
            progress()
    out: list[Pair] = []
    formatted = unchanged = failed = 0
    for pair in pairs:
        if pair.kind in FORMATTED_KINDS:
            result = results[(pair.path, pair.completion)]
            if result is None:
                failed += 1
            elif result == pair.completion:
                unchanged += 1
            else:
                formatted += 1
                pair = replace(pair, completion=result)
        out.append(pair)
    return out, FormatStats(formatted, unchanged, failed)


def _run(argv: list[str], path: str, code: str) -> str | None:
    """The formatter's output for `code`, or None when it refused it."""
    args = [part.replace("{path}", path) for part in argv]
    try:
        done = subprocess.run(args, input=code, capture_output=True, text=True, timeout=TIMEOUT_SECONDS,
                              env={**os.environ, "IDIOM_FILE_PATH": path})
    except subprocess.TimeoutExpired:
        return None
    return done.stdout if done.returncode == 0 and done.stdout.strip() else None
