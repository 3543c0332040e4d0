"""The identifiers a file's code mentions, by tree-sitter query: which imported names it uses (the graph's
`references`), and for Go and Java the names that may come from the same package without an import."""

from __future__ import annotations

from tree_sitter import Node, Query, QueryCursor

from harvest.units.languages import grammar

IDENTIFIERS = {
    "python": "(identifier) @name",
    "javascript": "[(identifier) (shorthand_property_identifier)] @name",
    "typescript": "[(identifier) (type_identifier) (shorthand_property_identifier)] @name",
    "tsx": "[(identifier) (type_identifier) (shorthand_property_identifier)] @name",
    "go": "[(identifier) (type_identifier) (package_identifier)] @name",
    "java": "[(identifier) (type_identifier)] @name",
}

_QUERIES: dict[str, Query] = {}


def identifier_nodes(language: str, root: Node) -> list[Node]:
    """The identifier nodes under `root`, in source order."""
    if language not in _QUERIES:
        _QUERIES[language] = Query(grammar(language), IDENTIFIERS[language])
    nodes = QueryCursor(_QUERIES[language]).captures(root).get("name", [])
    return sorted(nodes, key=lambda n: n.start_byte)
