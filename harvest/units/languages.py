"""Tree-sitter grammars by language name, loaded on first use and cached with one parser each.

Grammar packages are imported lazily so `idiom --help` does not pay for them.
"""

from __future__ import annotations

import importlib
from functools import cache, lru_cache

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


def parsed(language: str, source: bytes) -> Tree:
    """`source` parsed, kept for the next questions about the same text (trees are only read). A completion
    request asks three of its document: its imports (retrieval), then, once the answer is back, its errors
    before and after the answer and its units (the fast rules)."""
    return _kept(language, source) if len(source) <= KEPT_SOURCE_BYTES else parse(language, source)


@lru_cache(maxsize=16)  # a request's document stays while other developers' requests come and go in between
def _kept(language: str, source: bytes) -> Tree:
    return parse(language, source)
