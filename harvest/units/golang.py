"""Go units: functions (`TestX(t *testing.T)` as tests), methods with their receiver type, struct and
interface types."""

from __future__ import annotations

from tree_sitter import Node

from harvest.records import Unit
from harvest.units.nodes import Import, Source, comment_above, string_value, walk


def go_units(source: Source, root: Node) -> list[Unit]:
    """Top-level functions, methods and type declarations."""
    imports = go_imports(source, root)
    units: list[Unit] = []
    for node in root.named_children:
        doc = comment_above(source, node)
        if node.type == "function_declaration":
            name = source.of(node.child_by_field_name("name"))
            test = name.startswith(("Test", "Benchmark", "Example")) and source.path.endswith("_test.go")
            units.append(source.unit(node, "test" if test else "function", name, _header(source, node), doc, imports))
        elif node.type == "method_declaration":
            receiver = source.of(node.child_by_field_name("receiver"))
            owner = receiver.strip("()").split()[-1].lstrip("*") if receiver.strip("()") else ""
            units.append(source.unit(node, "method", source.of(node.child_by_field_name("name")),
                                     _header(source, node), doc, imports, parent=owner))
        elif node.type == "type_declaration":
            for spec in node.named_children:
                if spec.type == "type_spec":
                    name = source.of(spec.child_by_field_name("name"))
                    units.append(source.unit(node, "class", name, source.of(node).split("{", 1)[0], doc, imports))
    return units


def go_imports(source: Source, root: Node) -> list[Import]:
    """`import "x"` and grouped imports, with their alias if any."""
    found = []
    for node in root.named_children:
        if node.type != "import_declaration":
            continue
        for spec in (n for n in walk(node) if n.type == "import_spec"):
            module = string_value(source, spec.child_by_field_name("path"))
            alias = source.of(spec.child_by_field_name("name"))
            found.append(Import(module, (), alias or module.rsplit("/", 1)[-1], spec.start_point.row + 1))
    return found


def _header(source: Source, node: Node) -> str:
    body = node.child_by_field_name("body")
    return source.between(node.start_byte, body.start_byte if body else node.end_byte)
