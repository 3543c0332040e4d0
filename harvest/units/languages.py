"""Tree-sitter grammars by language name, loaded on first use and cached with one parser each; and the trees of
recent sources kept, each the starting point of an edit of it (an editor's document as it is typed).

Grammar packages are imported lazily so `idiom --help` does not pay for them.
"""

from __future__ import annotations

import importlib
import threading
from collections import OrderedDict
from functools import cache

from tree_sitter import Language, Parser, Tree

# language name (as harvest.classify names it) -> (grammar module, function returning the grammar)
GRAMMARS: dict[str, tuple[str, str]] = {
    "python": ("tree_sitter_python", "language"),
    "javascript": ("tree_sitter_javascript", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "tsx": ("tree_sitter_typescript", "language_tsx"),
    "go": ("tree_sitter_go", "language"),
    "java": ("tree_sitter_java", "language"),
}


@cache
def grammar(language: str) -> Language:
    """The tree-sitter Language for `language` (a GRAMMARS key)."""
    module, function = GRAMMARS[language]
    return Language(getattr(importlib.import_module(module), function)())


@cache
def _parser(language: str) -> Parser:
    return Parser(grammar(language))


def parse(language: str, source: bytes) -> Tree:
    """Parse `source`; tree-sitter always returns a tree, with ERROR nodes where the code is broken."""
    return _parser(language).parse(source)


KEPT_SOURCE_BYTES = 64 * 1024  # a tree takes about 16 times its source's size: larger sources parse again
KEPT_TREES = 16  # a request's document stays while other developers' requests come and go in between
SHARED_TO_REPARSE = 0.5  # least share of a new source a kept one must have unchanged to be its starting point
CLOSE_ENOUGH = 256  # bytes: a kept source differing from a new one in no more is its starting point at once
PROBE = 16  # bytes at each end compared first: a kept source that differs at both ends is not looked at further

_kept_trees: OrderedDict[tuple[str, bytes], Tree] = OrderedDict()
_kept_lock = threading.Lock()


def parsed(language: str, source: bytes) -> Tree:
    """`source` parsed, kept for the next questions about the same text (trees are only read). A completion
    request asks three of its document: its imports (retrieval), then, once the answer is back, its errors
    before and after the answer and its units (the fast rules).

    A source that is a kept one edited (a developer's document a few keystrokes on, the document with the answer
    put in) is parsed from the kept tree: tree-sitter then reads again only around the edit, where a whole parse
    of a mid-edit document (error recovery and all) took most of a millisecond of each request's own work."""
    if len(source) > KEPT_SOURCE_BYTES:
        return parse(language, source)
    key = (language, source)
    with _kept_lock:
        tree = _kept_trees.get(key)
        if tree is not None:
            _kept_trees.move_to_end(key)
            return tree
        start = _closest(source, [(kept, tree) for (kind, kept), tree in _kept_trees.items() if kind == language])
    tree = parse(language, source) if start is None else _reparse(language, source, *start)
    with _kept_lock:
        _kept_trees[key] = tree
        while len(_kept_trees) > KEPT_TREES:
            _kept_trees.popitem(last=False)
    return tree


def inserted_rows(language: str, before: bytes, at: int, inserted: bytes) -> tuple[int, int] | None:
    """The rows (first, last: 0-based) of `before` with `inserted` put at byte `at` that the insertion changed: its
    own, and those whose syntax it changed, as tree-sitter compares the two trees (an answer that closes a Python
    block takes the methods after it out of their class). Both trees are `parsed`'s: the new one is mostly the
    old one edited, and the comparison passes over what they share. None for a source too large for its trees to
    be kept: both would be parsed from nothing, twice more than the caller's own questions parse them."""
    after = before[:at] + inserted + before[at:]
    if len(after) > KEPT_SOURCE_BYTES:
        return None
    start, end = _point(before, at), _point(after, at + len(inserted))
    edited = parsed(language, before).copy()
    edited.edit(at, at, at + len(inserted), start, start, end)
    first, last = start[0], end[0]
    for changed in edited.changed_ranges(parsed(language, after)):
        first, last = min(first, changed.start_point.row), max(last, changed.end_point.row)
    return first, last


def _closest(source: bytes, kept: list[tuple[bytes, Tree]]) -> tuple[bytes, Tree, int, int] | None:
    """The kept source with the most of `source` unchanged, its tree and the lengths of the start and end the
    two share; None when none shares SHARED_TO_REPARSE of it. The latest kept within CLOSE_ENOUGH bytes of it is
    taken at once: the kept sources are mostly versions of the documents being typed in, each sharing most of a new
    one, and comparing every one took half of a request's parsing (bench/RESULTS.md, issue 17, stop 48)."""
    best, shared = None, SHARED_TO_REPARSE * len(source)
    for old, tree in reversed(kept):  # the latest first: a document's versions and answers are parsed in turn
        if old[:PROBE] != source[:PROBE] and old[-PROBE:] != source[-PROBE:]:  # most unrelated sources stop here
            continue
        start = _shared_start(old, source)
        end = _shared_start(old[start:][::-1], source[start:][::-1])
        if start + end >= shared:
            best, shared = (old, tree, start, end), start + end
            if max(len(old), len(source)) - shared <= CLOSE_ENOUGH:
                break
    return best


def _shared_start(a: bytes, b: bytes) -> int:
    """How many bytes `a` and `b` share from their start, halving the span in doubt (each step one memcmp).

    Not numpy's comparison: it lets go of the interpreter's lock, and the query encoder's thread, just woken
    beside the request and often on the same CPU, then ran in its place: up to 4 ms in one call of five (measured
    on an editor's typing, 5 Dec; bench/RESULTS.md, issue 17, stop 43)."""
    low, high = 0, min(len(a), len(b))  # a[:low] == b[:low]; they differ before high, unless high is the end
    if a[:high] == b[:high]:
        return high
    while high - low > 1:
        middle = (low + high) // 2
        if a[low:middle] == b[low:middle]:
            low = middle
        else:
            high = middle
    return low


def _reparse(language: str, source: bytes, old: bytes, tree: Tree, start: int, end: int) -> Tree:
    """`source` parsed from `tree` of `old`, which it is with old[start:len(old) - end] replaced. The kept tree
    is left as it was: the edit is told to a copy."""
    edited = tree.copy()
    edited.edit(start, len(old) - end, len(source) - end, _point(old, start), _point(old, len(old) - end),
                _point(source, len(source) - end))
    return _parser(language).parse(source, edited)


def _point(source: bytes, offset: int) -> tuple[int, int]:
    """The (row, column in bytes) of `offset` in `source`, as tree-sitter's edits take positions."""
    return source.count(b"\n", 0, offset), offset - (source.rfind(b"\n", 0, offset) + 1)
