"""The glob dialects test runners are configured in, as regexes over repository-relative POSIX paths.

Part of the real-world matrix's ground truth (bench/realworld/truth.py), written apart from the product's
own globs so the measuring stick does not share its bugs. One translator covers what the runners'
documentation uses: picomatch/micromatch (Jest `testMatch`, Vitest `include`/`exclude`, Playwright,
Cypress, mocha and `node --test` globs), with `**`, `*`, `?`, `[...]`, `{a,b}` and the extglobs
`?(…)`, `*(…)`, `+(…)`, `@(…)`, `!(…)`; and Ant patterns (Maven surefire `<include>`), whose `**`, `*`
and `?` mean the same. A pattern matches a whole path.
"""

from __future__ import annotations

import re
from functools import lru_cache

EXTGLOB = {"?": "?", "*": "*", "+": "+", "@": ""}


def glob_matches(glob: str, path: str) -> bool:
    """True when the repository-relative `path` matches `glob` in full."""
    return glob_regex(glob).fullmatch(path) is not None


@lru_cache(maxsize=4096)
def glob_regex(glob: str) -> re.Pattern[str]:
    """The regex a runner's glob stands for (a leading `./` or `/` is dropped: the glob is relative)."""
    glob = glob.removeprefix("./").lstrip("/")
    return re.compile(_translate(glob))


def _translate(glob: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(glob):
        char = glob[i]
        if glob.startswith("**/", i):
            out.append("(?:[^/]*/)*")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif char in "?*+@!" and glob.startswith("(", i + 1) and (close := _closing(glob, i + 1)) > 0:
            alternatives = "|".join(_translate(part) for part in _split(glob[i + 2:close], "|"))
            out.append(f"(?!(?:{alternatives}))[^/]*" if char == "!" else f"(?:{alternatives}){EXTGLOB[char]}")
            i = close + 1
        elif char == "*":
            out.append("[^/]*")
            i += 1
        elif char == "?":
            out.append("[^/]")
            i += 1
        elif char == "[" and (end := glob.find("]", i + 2)) > 0:
            body = glob[i + 1:end]
            out.append("[" + ("^" + body[1:] if body[:1] in "!^" else body.replace("\\", "\\\\")) + "]")
            i = end + 1
        elif char == "{" and (close := _closing(glob, i, "{", "}")) > 0 and "," in glob[i:close]:
            out.append("(?:" + "|".join(_translate(part) for part in _split(glob[i + 1:close], ",")) + ")")
            i = close + 1
        else:
            out.append(re.escape(char))
            i += 1
    return "".join(out)


def _closing(text: str, start: int, opening: str = "(", closing: str = ")") -> int:
    """Index of the bracket closing the one at `start`, or -1."""
    depth = 0
    for index in range(start, len(text)):
        if text[index] == opening:
            depth += 1
        elif text[index] == closing:
            depth -= 1
            if depth == 0:
                return index
    return -1


def _split(text: str, separator: str) -> list[str]:
    """`text` split on `separator` outside brackets."""
    parts, depth, current = [], 0, []
    for char in text:
        if char in "({[":
            depth += 1
        elif char in ")}]":
            depth -= 1
        if char == separator and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts
