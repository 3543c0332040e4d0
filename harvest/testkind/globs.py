"""Globs as test runners write them, compiled to regexes over repository-relative paths.

Jest, Vitest and Playwright match test files with micromatch/picomatch globs: `**` for any number of
folders, `*` and `?` within one, `[...]` classes, `{a,b}` alternatives and the extglobs `?(x)`, `*(x)`,
`+(x)`, `@(x)` and `!(x)` (jest's default `**/?(*.)+(spec|test).[jt]s?(x)` needs them). Maven's
Ant-style `**/*Test.java` and pytest's `fnmatch` names are subsets of the same dialect. This is not
the gitignore dialect of harvest/globs.py: no anchoring rules, braces and extglobs instead.
"""

from __future__ import annotations

import re
from functools import lru_cache

EXTGLOB = {"?": "?", "*": "*", "+": "+", "@": "", "!": ""}


@lru_cache(maxsize=2048)
def runner_glob(glob: str) -> re.Pattern[str] | None:
    """The whole-path regex for `glob` (a leading `./` ignored), or None when it does not compile."""
    glob = glob.removeprefix("./")
    try:
        return re.compile(_translate(glob, 0, "")[0] + r"\Z")
    except (re.error, ValueError):
        return None


def matches_runner_glob(path: str, glob: str) -> bool:
    """Whether the relative POSIX `path` matches the runner glob `glob` (a broken glob matches nothing)."""
    compiled = runner_glob(glob)
    return compiled is not None and compiled.match(path) is not None


def _translate(glob: str, i: int, stop: str) -> tuple[str, int]:
    """Regex text for `glob` from `i` up to an unnested character of `stop`; returns it and where it ended."""
    out: list[str] = []
    while i < len(glob) and glob[i] not in stop:
        char = glob[i]
        if glob.startswith("**", i) and (i == 0 or glob[i - 1] == "/"):
            slash = glob.startswith("**/", i)
            out.append("(?:[^/]*/)*" if slash else ".*")  # `**/` is zero or more whole folders
            i += 3 if slash else 2
        elif char in EXTGLOB and glob.startswith("(", i + 1):
            options, i = _alternatives(glob, i + 2, ")")
            if char == "!":
                out.append(f"(?:(?!(?:{options})(?:/|\\Z))[^/]*)")
            else:
                out.append(f"(?:{options}){EXTGLOB[char]}")
        elif char == "*":
            out.append("[^/]*")
            i += 1
        elif char == "?":
            out.append("[^/]")
            i += 1
        elif char == "[" and (close := glob.find("]", i + 2)) > i:
            body = glob[i + 1:close]
            out.append("[" + ("^" + body[1:] if body[:1] in "!^" else body).replace("\\", "\\\\") + "]")
            i = close + 1
        elif char == "{" and _closes(glob, i):
            options, i = _alternatives(glob, i + 1, "}")
            out.append(f"(?:{options})")
        elif char == "\\" and i + 1 < len(glob):
            out.append(re.escape(glob[i + 1]))
            i += 2
        else:
            out.append(re.escape(char))
            i += 1
    return "".join(out), i


def _alternatives(glob: str, i: int, close: str) -> tuple[str, int]:
    """`a|b` inside an extglob or `a,b` inside braces, each translated; returns them and the index after `close`."""
    separator = "|" if close == ")" else ","
    options = []
    while True:
        option, i = _translate(glob, i, separator + close)
        options.append(option)
        if i >= len(glob):
            raise ValueError(f"unclosed {close!r} in {glob!r}")
        i += 1
        if glob[i - 1] == close:
            return "|".join(options), i


def _closes(glob: str, i: int) -> bool:
    """Whether the brace at `i` has a matching `}` holding a comma (a lone `{x}` is literal, as in picomatch)."""
    depth = 0
    for j in range(i, len(glob)):
        depth += {"{": 1, "}": -1}.get(glob[j], 0)
        if depth == 0:
            return "," in glob[i:j]
    return False
