"""Small helpers over tree-sitter nodes shared by the language extractors.

Tree-sitter works in bytes; these helpers slice the UTF-8 source and hand back `str`, and build
`Unit`s from whole lines so line numbers stay right whatever the characters are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache, partial

from tree_sitter import Node, Query, QueryCursor

from harvest.records import Unit
from harvest.units.languages import grammar

MEMBER_KINDS = frozenset({"method", "constructor", "class", "constant"})  # `Parent.name` in ids; others `Parent > name`
COMMENTS = frozenset({"comment", "line_comment", "block_comment"})  # Java's grammar names its two kinds


@dataclass(frozen=True)
class Import:
    """One imported module: `import styled from 'styled-components'` → module, default name "styled"."""

    module: str
    names: tuple[str, ...]
    default: str
    line: int


class Source:
    """A file's text with its bytes and lines, so nodes can be turned into text and units; and, when `lines` is
    given (first, last: 1-based, inclusive), which units are wanted: those whose lines meet them."""

    def __init__(self, path: str, language: str, text: str, lines: tuple[int, int] | None = None) -> None:
        self.path = path
        self.language = language
        self.text = text
        self.wanted_lines = lines
        self.data = text.encode("utf-8", "surrogatepass")
        self.lines = text.splitlines(keepends=True)
        self._imports: Sequence[Import] = ()  # the last imports a unit came with, and their names (`_used_imports`)
        self._imported: tuple[tuple[str, ...], tuple[tuple[str, str], ...]] | None = None

    def of(self, node: Node | None) -> str:
        """The text of `node` ("" for None)."""
        return "" if node is None else self.data[node.start_byte:node.end_byte].decode("utf-8", "replace")

    def wanted(self, node: Node) -> bool:
        """Whether the unit(s) of `node` (its lines, as `unit` spans them) are wanted: the extractors skip the others
        before working out anything about them."""
        if self.wanted_lines is None:
            return True
        first, last = self.wanted_lines
        return node.start_point.row + 1 <= last and _last_row(node) + 1 >= first

    def between(self, start: int, end: int) -> str:
        """The text between two byte offsets."""
        return self.data[start:end].decode("utf-8", "replace")

    def unit(self, node: Node, kind: str, name: str, signature: str, doc: str, imports: Sequence[Import],
             parent: str = "", first: Node | None = None, subkind: str = "") -> Unit:
        """A Unit spanning whole lines from `first` (decorators, `export`) or `node` to the end of `node`."""
        start = (first or node).start_point.row
        end = node.end_point.row
        if node.end_point.column == 0 and end > start:
            end -= 1
        text = "".join(self.lines[start:end + 1])
        qualified = f"{parent}.{name}" if parent and kind in MEMBER_KINDS else (
            f"{parent} > {name}" if parent else name)
        return Unit(
            id=f"{self.path}#{qualified}@{start + 1}", path=self.path, language=self.language, kind=kind,
            name=name, start_line=start + 1, end_line=end + 1, signature=" ".join(signature.split()),
            doc=doc, imports=self._used_imports(text, imports), text=text, parent=parent,
            parse_errors=count_errors(first or node, self.language) + (count_errors(node, self.language) if first else 0),
            subkind=subkind,
        )

    def _used_imports(self, text: str, imports: Sequence[Import]) -> tuple[str, ...]:
        """Modules whose imported names occur in `text` as whole identifiers, in import order. A file's units all
        come with its one list of imports, whose names are looked up once for the file: hashing the list again for
        each unit took a third of extracting a Java file's units (bench/RESULTS.md, issue 17, stop 48)."""
        if not imports:
            return ()
        if imports is not self._imports or self._imported is None:
            self._imports, self._imported = imports, _import_names(tuple(imports))
        names, modules = self._imported
        found = _names_in(names, text)
        return tuple(dict.fromkeys(module for name, module in modules if name in found))


def _last_row(node: Node) -> int:
    """The 0-based row of `node`'s last character: a node ending with its line's newline ends on that line."""
    end = node.end_point
    return end.row - 1 if end.column == 0 and end.row > node.start_point.row else end.row


def count_errors(node: Node, language: str) -> int:
    """ERROR and MISSING nodes under `node`, of a tree of `language`. Inside an ERROR node a query finds them, in C:
    a half-typed line can wrap most of a file in one ERROR (Python's, mostly), and walking it from here took 0.17
    ms a count on the requests of a developer typing in Textualize/rich's panel.py, the query 0.11 (the same
    counts on primitives' and palette's files, a little faster; bench/RESULTS.md, issue 17, stop 46)."""
    return sum(1 for _ in error_nodes(node, partial(_queried_errors, language)))


def _queried_errors(language: str, error: Node) -> list[Node]:
    return [found for nodes in QueryCursor(_error_query(language)).captures(error).values() for found in nodes]


@cache
def _error_query(language: str) -> Query:
    return Query(grammar(language), "(ERROR) @error (MISSING) @missing")


def error_nodes(node: Node, inside: Callable[[Node], Iterable[Node]] | None = None) -> Iterator[Node]:
    """The ERROR and MISSING nodes under `node` (itself included), in source order; within an ERROR node, those
    `inside` finds there, when given (in its order).

    tree-sitter marks every ancestor of an error with `has_error`, so only the subtrees that hold one are
    entered: on a file broken in one place that is a path, not the whole tree (the fast rules count a
    half-typed file's errors on every request; walking all its nodes took seven times as long). What an ERROR
    node holds is not marked (an error nested in it says `has_error` False), so an ERROR is searched whole.
    """
    pending = [node] if node.has_error else []
    while pending:
        current = pending.pop()
        if current.type == "ERROR":
            yield from inside(current) if inside else \
                (inner for inner in walk(current) if inner.type == "ERROR" or inner.is_missing)
            continue
        if current.is_missing:
            yield current
        pending.extend(reversed([child for child in current.children if child.has_error]))


def walk(node: Node) -> Iterator[Node]:
    """Every node under `node`, depth first, without recursion (deep files must not blow the stack)."""
    cursor = node.walk()
    while True:
        yield cursor.node
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent() or cursor.node == node:
                return


def comment_above(source: Source, node: Node) -> str:
    """The comment block directly above `node` (no blank line between), without comment markers."""
    comments = comments_above(node)
    return clean_comment("\n".join(source.of(c) for c in comments)) if comments else ""


def comments_above(node: Node) -> list[Node]:
    """The comment nodes directly above `node`, top first, stopping at a blank line."""
    found: list[Node] = []
    sibling = node.prev_sibling
    row = node.start_point.row
    while sibling is not None and sibling.type in COMMENTS and sibling.end_point.row >= row - 1:
        found.insert(0, sibling)
        row = sibling.start_point.row
        sibling = sibling.prev_sibling
    return found


_MARKERS = re.compile(r"^\s*(?:/\*\*?|\*/|\*(?!/)|//+|#+)\s?", re.MULTILINE)


@lru_cache(maxsize=4096)  # kept by text: all but one of a typed document's comments are as they were a keystroke ago
def clean_comment(text: str) -> str:
    """Comment text without `//`, `#`, `/** */` and leading `*` markers."""
    cleaned = _MARKERS.sub("", text.replace("*/", ""))
    return "\n".join(line.rstrip() for line in cleaned.strip().splitlines()).strip()


@lru_cache(maxsize=4096)
def _names_in(names: tuple[str, ...], text: str) -> frozenset[str]:
    """Those of `names` that occur in `text` as whole identifiers, kept by text: the editor's server extracts the
    units of the document being typed in on every request, and all but the one being written are as they were
    the request before (on Textualize/rich's panel.py, finding them again was half of extracting its units).

    `str.find` per name, not one regex alternating them: a regex tries its alternatives at every position, and a
    class unit is its whole file; finding a Java file's eight imported names in its 16 KB class took 0.32 ms by
    regex and 0.007 ms by `find` (bench/RESULTS.md, issue 17, stop 49)."""
    return frozenset(name for name in names if _has_word(text, name))


def _has_word(text: str, name: str) -> bool:
    """Whether `name` occurs in `text` as a whole identifier (no word character or `$` either side)."""
    at = text.find(name)
    while at >= 0:
        end = at + len(name)
        if (at == 0 or not _word_character(text[at - 1])) and (end == len(text) or not _word_character(text[end])):
            return True
        at = text.find(name, at + 1)
    return False


def _word_character(character: str) -> bool:
    """A character of an identifier: what a regex's `\\w` matches (letters and digits of any script, `_`), or `$`."""
    return character.isalnum() or character in "_$"


@lru_cache(maxsize=64)
def _import_names(imports: tuple[Import, ...]) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """The file's imported names, and (name, module) in import order."""
    modules = tuple((n, imp.module) for imp in imports for n in (imp.default, *imp.names) if n)
    return tuple(dict.fromkeys(n for n, _ in modules)), modules


def string_value(source: Source, node: Node | None) -> str:
    """The value of a string literal node without its quotes ("" when it is not a plain string)."""
    if node is None or node.type not in ("string", "template_string", "interpreted_string_literal",
                                         "string_literal"):
        return ""
    text = source.of(node)
    if node.type == "string" and source.language == "python":
        text = text.lstrip("rbuRBUfF")
        quote = text[:3] if text[:3] in ('"""', "'''") else text[:1]
        return text[len(quote):-len(quote)] if len(text) >= 2 * len(quote) else ""
    return text[1:-1]


WRAPPERS = frozenset({"unary_operator", "unary_expression", "parenthesized_expression", "as_expression",
                      "satisfies_expression"})  # `-1`, `(1)`, `[1, 2] as const`: their first part decides
INTERPOLATIONS = frozenset({"interpolation", "template_substitution"})


def is_literal(node: Node, atoms: frozenset[str], containers: frozenset[str]) -> bool:
    """Whether `node` is a value written out in full: an atom (number, string without interpolation…), a
    container (list, tuple, object…) of literals, a key/value pair's value, or a literal negated,
    parenthesised or cast. Iterative: a long literal table must not exhaust the stack."""
    pending = [node]
    while pending:
        current = pending.pop()
        if current.type in atoms:
            if any(c.type in INTERPOLATIONS for c in current.named_children):
                return False
        elif current.type == "pair":
            value = current.child_by_field_name("value")
            if value is None:
                return False
            pending.append(value)
        elif current.type in containers:
            pending += [c for c in current.named_children if c.type not in COMMENTS]
        elif current.type in WRAPPERS and current.named_children:
            pending.append(current.named_children[0])
        else:
            return False
    return True
