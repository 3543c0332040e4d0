"""Python facts for the code graph: top-level definitions, module-level imports (also inside `if` and
`try`, where optional and TYPE_CHECKING imports live) and the imported names the file uses."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from harvest.graph.model import EVERYTHING, MODULE, Binding, Definition
from harvest.graph.snippets import compact
from harvest.units.nodes import Source

BLOCKS = frozenset({"if_statement", "try_statement", "else_clause", "elif_clause", "except_clause",
                    "finally_clause", "block", "with_statement"})


def python_definitions(source: Source, root: Node) -> list[Definition]:
    """Functions, classes and assigned constants at the top level."""
    found = []
    for node in _module_level(root):
        first = node
        if node.type == "decorated_definition":
            node = node.child_by_field_name("definition") or node
        if node.type in ("function_definition", "class_definition"):
            name = source.of(node.child_by_field_name("name"))
            kind = "class" if node.type == "class_definition" else "function"
        elif node.type == "expression_statement" and node.named_children and \
                node.named_children[0].type == "assignment":
            target = node.named_children[0].child_by_field_name("left")
            if target is not None and target.type in ("pattern_list", "tuple_pattern"):
                start, end = node.start_point.row, node.end_point.row
                found += [Definition(source.of(n), "constant", start + 1, end + 1, not source.of(n).startswith("_"),
                                     compact(source.lines, start, end))
                          for n in target.named_children if n.type == "identifier"]
                continue
            if target is None or target.type != "identifier":
                continue
            name, kind = source.of(target), "constant"
        elif node.type == "type_alias_statement" and node.named_children:
            name, kind = source.of(node.named_children[0]).split("[")[0], "type"
        else:
            continue
        start, end = first.start_point.row, node.end_point.row
        found.append(Definition(name, kind, start + 1, end + 1, not name.startswith("_"),
                                compact(source.lines, start, end)))
    return found


def python_bindings(source: Source, root: Node) -> list[Binding]:
    """`import a.b` (local `a`, module `a.b`), `import a.b as c`, `from .m import x as y`, `from m import *`."""
    found = []
    for node in _module_level(root):
        line = node.start_point.row + 1
        if node.type == "import_statement":
            for name in node.children_by_field_name("name"):
                aliased = name.type == "aliased_import"
                module = source.of(name.child_by_field_name("name") if aliased else name)
                local = source.of(name.child_by_field_name("alias")) if aliased else module.split(".")[0]
                found.append(Binding(local, MODULE, module, line))
        elif node.type == "import_from_statement":
            module = source.of(node.child_by_field_name("module_name"))
            if any(c.type == "wildcard_import" for c in node.named_children):
                found.append(Binding(EVERYTHING, EVERYTHING, module, line, reexport=True))
            for name in node.children_by_field_name("name"):
                aliased = name.type == "aliased_import"
                imported = source.of(name.child_by_field_name("name") if aliased else name)
                local = source.of(name.child_by_field_name("alias")) if aliased else imported
                found.append(Binding(local, imported, module, line))
    return found


def _module_level(root: Node) -> Iterator[Node]:
    """Statements at module level, looking inside `if`/`try`/`with` blocks but never into functions."""
    stack = list(reversed(root.named_children))
    while stack:
        node = stack.pop()
        if node.type in BLOCKS:
            stack.extend(reversed(node.named_children))
        else:
            yield node
