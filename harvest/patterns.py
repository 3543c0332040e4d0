"""Regexes that come from data — conventions.yaml rules, validation suites — compiled on RE2.

Such a pattern is written by a miner, a tech lead or a stranger's repository, then run on every file
lint sees and on every answer the router checks, inside the language server. Python's backtracking
engine can take exponential time on a pattern like `^(\\w+\\s?)+$` and holds the GIL while it does, so one
line of a committed conventions.yaml could freeze the editor's server. RE2 matches in time linear in
the text whatever the pattern; what it cannot run (lookaround, backreferences) is rejected when the file
is loaded, with the reason. The project's own fixed patterns stay on `re`, but for one searched over
every pair's text where RE2 measured four times faster (harvest/dataset/quality.py `BLOB`), and the
scrubber's RE2 sets (harvest/scrub/multiscan.py), which only decide which of its `re` patterns run.
"""

from __future__ import annotations

import functools
from typing import Any

import re2

from harvest.errors import ConfigError

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # RE2 would print its own copy of every rejected pattern on stderr
_OPTIONS.max_mem = 32 << 20  # a huge pattern fails to compile instead of growing without bound


@functools.lru_cache(maxsize=4096)
def linear(pattern: str, multiline: bool = True) -> Any:
    """`pattern` compiled on RE2 (`^`/`$` match at line ends when `multiline`), or a ConfigError saying why not."""
    try:
        return re2.compile(f"(?m){pattern}" if multiline else pattern, _OPTIONS)
    except re2.error as exc:
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        reason = reason.replace("(?m)", "")
        hint = ("; lookahead and lookbehind are not supported (patterns run on RE2, which never backtracks): "
                "rewrite it without them" if "perl operator" in reason else
                "; backreferences and \\Z are not supported on RE2 (use \\z)" if "escape" in reason else "")
        raise ConfigError(f"invalid regex {pattern!r} ({reason}){hint}") from None
