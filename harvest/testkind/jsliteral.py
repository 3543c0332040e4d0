"""The literal part of a JavaScript/TypeScript config file (`jest.config.ts`, `vitest.config.mts`,
`playwright.config.ts`, `.mocharc.js`), read without running it.

Config files are code; running a repository's code to learn its layout is out of the question. What a
runner needs to find tests is nearly always written as literals (`testMatch: ['**/*.spec.ts']`,
`test: { include: [...] }`), so the object literals of the file are parsed into dicts, lists and
strings. Anything computed (a call, a variable, a spread) becomes `COMPUTED`, and the caller falls back
to the runner's documented default for that key.
"""

from __future__ import annotations

import re
from typing import Any

TOKEN = re.compile(r"""
    (?P<space>\s+|//[^\n]*|/\*.*?\*/)
  | (?P<string>'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*")
  | (?P<number>\d[\w.]*)
  | (?P<name>[A-Za-z_$][\w$]*)
  | (?P<spread>\.\.\.)
  | (?P<punct>=>|[{}\[\](),:;=.?!<>+\-*/%&|^~@#])
""", re.VERBOSE | re.DOTALL)
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0"}
COMPUTED = object()  # a value that is not a literal: a call, a variable, a template with `${}`
CLOSING = {"{": "}", "[": "]", "(": ")"}
REGEX_BEFORE = frozenset("([{,:;=!&|?") | {"=>", "return"}  # where a `/` starts a regex literal, not a division


def config_literals(text: str) -> dict[str, Any]:
    """The keys of the outermost object literals in `text` merged (later files' keys win), values parsed
    where literal and COMPUTED elsewhere. `export default defineConfig({...})`, `module.exports = {...}`
    and `const config = {...}; export default config` all give their object."""
    tokens = _constants_inlined(_tokens(text))
    merged: dict[str, Any] = {}
    depth = 0
    i = 0
    while i < len(tokens):
        kind, value = tokens[i]
        if value == "{" and kind == "punct" and (depth == 0 or _opens_call(tokens, i)):
            parsed, end = _object(tokens, i)
            if isinstance(parsed, dict):
                merged.update(parsed)
                i = end
                continue
        if kind == "punct" and value in CLOSING:
            depth += 1
        elif kind == "punct" and value in CLOSING.values():
            depth = max(0, depth - 1)
        i += 1
    return merged


def strings(value: Any) -> list[str] | None:
    """A string or a list's string items (computed items dropped); None when `value` holds no literal."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        found = [item for item in value if isinstance(item, str)]
        return found if found or not value else None
    return None


def _constants_inlined(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """`const GLOB = '**/*.rsc.test.ts'` then `include: [GLOB]`: the name's uses replaced by its string."""
    constants = {}
    for i in range(len(tokens) - 4):
        if tokens[i][1] in ("const", "let", "var") and tokens[i + 1][0] == "name" and tokens[i + 2][1] == "=" and \
                tokens[i + 3][0] == "string" and tokens[i + 4][1] in (";", "const", "let", "var", "export", "import"):
            constants[tokens[i + 1][1]] = tokens[i + 3]
    if not constants:
        return tokens
    inlined = list(tokens)
    for i, (kind, value) in enumerate(tokens):
        used = kind == "name" and value in constants and i > 0 and tokens[i - 1][1] not in (".", "const", "let", "var")
        if used and (i + 1 == len(tokens) or tokens[i + 1][1] != ":"):
            inlined[i] = constants[value]
    return inlined


def _opens_call(tokens: list[tuple[str, str]], i: int) -> bool:
    """`defineConfig({` / `defineConfig(() => ({`: an object passed straight to a call, or returned at once."""
    return i >= 2 and tokens[i - 1] == ("punct", "(") and (tokens[i - 2][0] == "name" or tokens[i - 2][1] == "=>")


def _tokens(text: str) -> list[tuple[str, str]]:
    found = []
    pos = 0
    while pos < len(text):
        if text[pos] == "`":
            end = _template_end(text, pos)
            found.append(("template", text[pos:end]))
            pos = end
            continue
        if text[pos] == "/" and text[pos + 1:pos + 2] not in ("/", "*") and \
                (not found or found[-1][1] in REGEX_BEFORE):
            end = _regex_end(text, pos)
            found.append(("regex", text[pos:end]))
            pos = end
            continue
        match = TOKEN.match(text, pos)
        if match is None:
            pos += 1
            continue
        pos = match.end()
        kind = match.lastgroup or ""
        if kind != "space":
            found.append((kind, match.group()))
    return found


def _regex_end(text: str, start: int) -> int:
    """Index after the regex literal opened at `start` (its flags included); a class `[/]` holds a slash."""
    i, in_class = start + 1, False
    while i < len(text) and text[i] != "\n":
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "/" and not in_class:
            i += 1
            while i < len(text) and text[i].isalpha():
                i += 1
            return i
        i += 1
    return i


def _template_end(text: str, start: int) -> int:
    """Index after the backtick closing the template literal opened at `start` (`${...}` may nest)."""
    i, depth = start + 1, 0
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if depth == 0 and char == "`":
            return i + 1
        if text.startswith("${", i):
            depth += 1
            i += 2
            continue
        if depth and char == "}":
            depth -= 1
        i += 1
    return i


def _object(tokens: list[tuple[str, str]], i: int) -> tuple[Any, int]:
    """Parse the `{` at `i`; returns (dict or COMPUTED, index after the closing brace)."""
    result: dict[str, Any] = {}
    i += 1
    while i < len(tokens):
        kind, value = tokens[i]
        if value == "}":
            return result, i + 1
        if value == ",":
            i += 1
            continue
        if kind == "spread":
            _, i = _value(tokens, i + 1)
            continue
        key = _key(tokens, i)
        if key is None or i + 1 >= len(tokens):
            return COMPUTED, _skip(tokens, i)
        if tokens[i + 1][1] == ":":
            result[key], i = _value(tokens, i + 2)
        elif tokens[i + 1][1] in (",", "}"):  # shorthand `{ include }`: a variable
            result[key] = COMPUTED
            i += 1
        else:  # a method `setup() {...}` or a getter: not a value
            return COMPUTED, _skip(tokens, i)
    return COMPUTED, i


def _key(tokens: list[tuple[str, str]], i: int) -> str | None:
    kind, value = tokens[i]
    if kind == "name":
        return value
    if kind == "string":
        return _unquote(value)
    return None


def _value(tokens: list[tuple[str, str]], i: int) -> tuple[Any, int]:
    """Parse one value at `i` up to the `,` or closer that ends it; returns (value, index of that token)."""
    if i >= len(tokens):
        return COMPUTED, i
    kind, value = tokens[i]
    if value == "{":
        parsed, end = _object(tokens, i)
    elif value == "[":
        parsed, end = _array(tokens, i)
    elif kind == "string" or (kind == "template" and "${" not in value):
        parsed, end = _unquote(value), i + 1
    elif kind == "name" and value in ("true", "false"):
        parsed, end = value == "true", i + 1
    else:
        parsed, end = COMPUTED, i
    if end < len(tokens) and tokens[end][1] not in (",", "}", "]", ")"):
        return COMPUTED, _skip_expression(tokens, end)  # `'a' + b`, `x.y`, `fn(...)`, `cond ? a : b`
    return parsed, end


def _array(tokens: list[tuple[str, str]], i: int) -> tuple[Any, int]:
    items: list[Any] = []
    i += 1
    while i < len(tokens):
        kind, value = tokens[i]
        if value == "]":
            return items, i + 1
        if value == ",":
            i += 1
            continue
        if kind == "spread":
            _, i = _value(tokens, i + 1)
            items.append(COMPUTED)
            continue
        item, after = _value(tokens, i)
        if after == i:  # a stray closer: the array is not what it seemed
            return COMPUTED, _skip_expression(tokens, i + 1)
        items.append(item)
        i = after
    return COMPUTED, i


def _skip_expression(tokens: list[tuple[str, str]], i: int) -> int:
    """Index of the `,` or closer ending the expression that continues at `i` (brackets balanced)."""
    return _scan(tokens, i, stop_at_comma=True)


def _skip(tokens: list[tuple[str, str]], i: int) -> int:
    """Index after the `}` closing the object that `i` is inside."""
    return min(_scan(tokens, i, stop_at_comma=False) + 1, len(tokens))


def _scan(tokens: list[tuple[str, str]], i: int, stop_at_comma: bool) -> int:
    """Index of the first closer (or, with `stop_at_comma`, comma) at the bracket depth of `i`."""
    depth = 0
    while i < len(tokens):
        value = tokens[i][1]
        if value in CLOSING:
            depth += 1
        elif value in CLOSING.values():
            if depth == 0:
                return i
            depth -= 1
        elif value == "," and depth == 0 and stop_at_comma:
            return i
        i += 1
    return i


def _unquote(literal: str) -> str:
    body = literal[1:-1]
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(1)), body)
