"""The identifiers a file's code mentions, by tree-sitter query: which imported names it uses (the graph's
`references`), and for Go and Java the names that may come from the same package without an import."""

from __future__ import annotations

from typing import NamedTuple

from tree_sitter import Node, Query, QueryCursor

from harvest.units.languages import grammar
from harvest.units.nodes import Source

IDENTIFIERS = {
    "python": "(identifier) @name",
    "javascript": "[(identifier) (shorthand_property_identifier)] @name",
    "typescript": "[(identifier) (type_identifier) (shorthand_property_identifier)] @name",
    "tsx": "[(identifier) (type_identifier) (shorthand_property_identifier)] @name",
    "go": "[(identifier) (type_identifier) (package_identifier)] @name",
    "java": "[(identifier) (type_identifier)] @name",
}

_QUERIES: dict[str, Query] = {}


class Mention(NamedTuple):
    """One identifier in the code: its text, its node type, where it starts (byte) and its line (1-based)."""

    name: str
    type: str
    start_byte: int
    line: int


def mentions(source: Source, root: Node) -> list[Mention]:
    """The identifiers under `root`, in source order (queried once per file: large files have many)."""
    if source.language not in _QUERIES:
        _QUERIES[source.language] = Query(grammar(source.language), IDENTIFIERS[source.language])
    nodes = QueryCursor(_QUERIES[source.language]).captures(root).get("name", [])
    data = source.data
    return sorted((Mention(data[n.start_byte:n.end_byte].decode("utf-8", "replace"), n.type, n.start_byte,
                           n.start_point.row + 1) for n in nodes), key=lambda m: m.start_byte)
