"""Literal values out of JavaScript/TypeScript config files (`jest.config.ts`, `vitest.config.mts`, `.mocharc.js`).

Part of the real-world matrix's ground truth (bench/realworld/truth.py). A test runner's config is code,
but the settings that decide which files run (`testMatch`, `include`, `projects`, `spec`) are almost always
literals. This reads the exported object as far as it is literal: strings, numbers, booleans, arrays,
nested objects, `const NAME = <literal>` referenced by name, `...spread` (kept as a `Spread` marker, e.g.
`...configDefaults.exclude`). Anything else (calls other than a config wrapper, conditionals, template
strings with `${}`) becomes `None` and is skipped, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

TOKEN = re.compile(r"""
    (?P<space>\s+|//[^\n]*|/\*.*?\*/)
  | (?P<string>'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`)
  | (?P<number>\d[\d_.eExXa-fA-F]*)
  | (?P<name>[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)
  | (?P<spread>\.\.\.)
  | (?P<punct>[{}\[\](),:;=?!<>&|+\-*%^~.])
  | (?P<slash>/)
""", re.VERBOSE | re.DOTALL)
REGEX_LITERAL = re.compile(r"/(?:\\.|\[(?:\\.|[^\]\\])*\]|[^/\\\n])+/[a-z]*")
AFTER_VALUE = {"name", "string", "number", ")", "]", "}"}  # a `/` after these divides; elsewhere it opens a regex
CLOSERS = {"(": ")", "[": "]", "{": "}"}
CONTINUATION = frozenset("?|&+-*%<>=.([!~^")  # after a value, these make it part of a larger expression
WRAPPERS = {"defineConfig", "defineProject", "defineWorkspace", "mergeConfig"}


@dataclass(frozen=True)
class Spread:
    """`...expression` inside an array or object: the expression's dotted name."""

    name: str


@dataclass(frozen=True)
class RegexLiteral:
    """`/pattern/flags`."""

    pattern: str


def exported_config(text: str, load: Callable[[str], Any] | None = None) -> dict[str, Any]:
    """The object a config module exports (`export default`, `module.exports =`), through `defineConfig(…)`
    and a `const config = {…}` it names; {} when it is not a literal object. `load(specifier)` gives what
    another module exports, for `import base from './base.config'` and `require('./base.config')`."""
    tokens = _tokens(text)
    constants = _constants(tokens, load or (lambda _specifier: None))
    for index, (kind, value) in enumerate(tokens):
        starts = (kind == "name" and value == "export" and index + 1 < len(tokens) and tokens[index + 1] == ("name", "default")) \
            or (kind == "name" and value.replace(" ", "") == "module.exports" and index + 1 < len(tokens)
                and tokens[index + 1] == ("punct", "="))
        if starts:
            found = _Parser(tokens, index + 2, constants).value()
            return found if isinstance(found, dict) else {}
    return {}


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        if text[position] == "/" and text[position + 1:position + 2] not in ("/", "*") and (not tokens or tokens[-1][0] not in AFTER_VALUE and tokens[-1][1] not in AFTER_VALUE):
            literal = REGEX_LITERAL.match(text, position)
            if literal:
                tokens.append(("regex", literal.group(0)))
                position = literal.end()
                continue
        match = TOKEN.match(text, position)
        if match is None:
            position += 1
            continue
        position = match.end()
        kind = match.lastgroup or ""
        if kind == "space":
            continue
        tokens.append((kind, match.group(0) if kind != "name" else re.sub(r"\s+", "", match.group(0))))
    return tokens


def _constants(tokens: list[tuple[str, str]], load: Callable[[str], Any]) -> dict[str, Any]:
    """`const|let|var NAME = <literal>` and `import NAME from '<module>'` anywhere in the module, by name."""
    found: dict[str, Any] = {"require": load}
    for index, (kind, value) in enumerate(tokens[:-3]):
        if (kind, value) == ("name", "import") and tokens[index + 1][0] == "name" and \
                tokens[index + 2] == ("name", "from") and tokens[index + 3][0] == "string":
            found[tokens[index + 1][1]] = load(_unquote(tokens[index + 3][1]))
            continue
        if kind == "name" and value in ("const", "let", "var") and tokens[index + 1][0] == "name":
            equals = index + 2
            if tokens[equals] == ("punct", ":"):  # a TypeScript annotation: `const config: Config = {…}`
                while equals < len(tokens) - 1 and tokens[equals] != ("punct", ";") and not (
                        tokens[equals] == ("punct", "=") and tokens[equals + 1] != ("punct", ">")):
                    equals += 1
            if tokens[equals] == ("punct", "="):
                found[tokens[index + 1][1]] = _Parser(tokens, equals + 1, found).value()
    return found


class _Parser:
    """A tolerant recursive-descent reader of one value starting at `tokens[start]`."""

    def __init__(self, tokens: list[tuple[str, str]], start: int, constants: dict[str, Any]) -> None:
        self.tokens = tokens
        self.at = start
        self.constants = constants

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.at] if self.at < len(self.tokens) else ("end", "")

    def take(self) -> tuple[str, str]:
        token = self.peek()
        self.at += 1
        return token

    def value(self) -> Any:
        kind, text = self.take()
        if text == "{" and kind == "punct":
            found: Any = self.object()
        elif text == "[" and kind == "punct":
            found = self.array()
        elif kind == "string":
            found = None if text.startswith("`") and "${" in text else _unquote(text)
        elif kind == "number":
            found = _number(text)
        elif kind == "regex":
            found = RegexLiteral(text[1:text.rfind("/")])
        elif kind == "name":
            found = self.named(text)
        else:
            found = None
        following = self.peek()
        if following[0] == "name" and following[1] in ("as", "satisfies"):  # `{…} as Config`: the value stands
            self.take()
            self.take()
        elif following[0] == "punct" and following[1] in CONTINUATION:  # `a ? b : c`, `x || y`: not a literal
            self.skip_expression()
            return None
        return found

    def named(self, name: str) -> Any:
        if name in ("true", "false"):
            return name == "true"
        if name in ("null", "undefined"):
            return None
        if self.peek() == ("punct", "("):
            self.take()
            argument = self.value() if self.peek()[1] != ")" else None
            self.skip_to_close()
            if name == "require" and isinstance(argument, str):
                return self.constants["require"](argument)
            return argument if name.rsplit(".", 1)[-1] in WRAPPERS else None
        found = self.constants.get(name)
        return None if callable(found) else found

    def object(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        while self.peek()[1] != "}" and self.peek()[0] != "end":
            kind, text = self.take()
            if kind == "spread":
                name = self.peek()[1]
                spread = self.value()
                if isinstance(spread, dict):  # `...base`: its keys, then the ones after
                    found.update(spread)
                else:
                    found.setdefault("...", []).append(Spread(name))
            elif kind in ("name", "string", "number") and self.peek() == ("punct", ":"):
                self.take()
                found[_unquote(text) if kind == "string" else text] = self.value()
            elif kind == "name" and self.peek()[1] in (",", "}"):
                found[text] = self.constants.get(text)  # shorthand `{ include }`
            else:
                self.skip_expression()  # a method, a computed key, a getter
            if self.peek() == ("punct", ","):
                self.take()
        self.take()
        return found

    def array(self) -> list[Any]:
        found: list[Any] = []
        while self.peek()[1] != "]" and self.peek()[0] != "end":
            if self.peek()[0] == "spread":
                self.take()
                name = self.peek()[1]
                spread = self.value()
                found += spread if isinstance(spread, list) else [Spread(name)]
            else:
                found.append(self.value())
            if self.peek() == ("punct", ","):
                self.take()
        self.take()
        return found

    def skip_expression(self) -> None:
        """Past the rest of an expression: to the next `,` or closing bracket at this depth."""
        depth = 0
        while self.peek()[0] != "end":
            kind, text = self.peek()
            if kind == "punct" and text in CLOSERS:
                depth += 1
            elif kind == "punct" and text in (")", "]", "}"):
                if depth == 0:
                    return
                depth -= 1
            elif kind == "punct" and text in (",", ";") and depth == 0:
                return
            self.take()

    def skip_to_close(self) -> None:
        """Past the bracket that closes the current group."""
        while self.peek()[0] != "end":
            self.skip_expression()
            if self.take()[1] in (")", "]", "}"):
                return


def _unquote(text: str) -> str:
    body = text[1:-1]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body)


def _number(text: str) -> float | int | None:
    try:
        return int(text.replace("_", ""), 0)
    except ValueError:
        try:
            return float(text.replace("_", ""))
        except ValueError:
            return None
