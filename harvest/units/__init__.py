"""Code units: the functions, classes, components, hooks, tests, routes and config blocks of a file.

Tree-sitter parses the code languages (`EXTRACTORS`); config formats are scanned by block. Units feed
RAG and few-shot retrieval, the pair builders and the naming conventions. A file that does not parse
still yields what parsed: broken units carry their count of ERROR/MISSING nodes.
"""

from __future__ import annotations

from collections.abc import Callable

from tree_sitter import Node

from harvest.errors import InputError
from harvest.records import Unit
from harvest.units.configs import BLOCK_FINDERS, config_units
from harvest.units.ecmascript import ecmascript_imports, ecmascript_units
from harvest.units.golang import go_imports, go_units
from harvest.units.java import java_imports, java_units
from harvest.units.languages import GRAMMARS, parse, parsed
from harvest.units.nodes import Import, Source, count_errors, error_nodes
from harvest.units.python import python_imports, python_units

Extractor = Callable[[Source, Node], list[Unit]]

EXTRACTORS: dict[str, tuple[Extractor, Callable[[Source, Node], list[Import]]]] = {
    "python": (python_units, python_imports),
    "javascript": (ecmascript_units, ecmascript_imports),
    "typescript": (ecmascript_units, ecmascript_imports),
    "tsx": (ecmascript_units, ecmascript_imports),
    "go": (go_units, go_imports),
    "java": (java_units, java_imports),
}
SUPPORTED = frozenset(EXTRACTORS) | frozenset(BLOCK_FINDERS)

__all__ = ["EXTRACTORS", "SUPPORTED", "Import", "count_parse_errors", "extract_units", "file_imports"]


def extract_units(path: str, language: str, text: str, lines: tuple[int, int] | None = None) -> list[Unit]:
    """Units of one file in source order; [] for a language without an extractor. Never raises on bad code.

    With `lines` (first, last: 1-based, inclusive), only the units whose lines meet them, each as it is in the
    whole file (a class holding a test elsewhere is still a test-suite): what an edit there can change, found
    without working out the rest (the fast rules judge an answer by the units it touches)."""
    if language in BLOCK_FINDERS:
        blocks = config_units(path, language, text)
        return blocks if lines is None else [u for u in blocks if u.start_line <= lines[1] and u.end_line >= lines[0]]
    if language not in EXTRACTORS:
        return []
    source = Source(path, language, text, lines)
    return EXTRACTORS[language][0](source, parsed(language, source.data).root_node)


def file_imports(path: str, language: str, text: str) -> list[Import]:
    """The file's import statements ([] for a language without an extractor)."""
    if language not in EXTRACTORS:
        return []
    source = Source(path, language, text)
    return EXTRACTORS[language][1](source, parse(language, source.data).root_node)


def count_parse_errors(language: str, text: str) -> int:
    """ERROR and MISSING nodes in the whole file (0 means it parses)."""
    if language not in GRAMMARS:
        raise InputError(f"cannot parse {language or 'unknown'} code; supported: {', '.join(sorted(GRAMMARS))}")
    return count_errors(parsed(language, text.encode("utf-8", "surrogatepass")).root_node, language)


def first_parse_error_line(language: str, text: str) -> int:
    """The 1-based line of the first ERROR or MISSING node (0 when the text parses): where to look first."""
    root = parse(language, text.encode("utf-8", "surrogatepass")).root_node
    return next((n.start_point[0] + 1 for n in error_nodes(root)), 0)
