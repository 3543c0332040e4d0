"""Java units: classes, interfaces, enums and records with their methods; `@Test` methods as tests."""

from __future__ import annotations

from tree_sitter import Node

from harvest.records import Unit
from harvest.units.nodes import Import, Source, comment_above

TYPES = frozenset({"class_declaration", "interface_declaration", "enum_declaration", "record_declaration"})
ROUTE_ANNOTATIONS = ("@GetMapping", "@PostMapping", "@PutMapping", "@PatchMapping", "@DeleteMapping",
                     "@RequestMapping")


def java_units(source: Source, root: Node) -> list[Unit]:
    """Top-level types, their methods and nested types."""
    imports = java_imports(source, root)
    units: list[Unit] = []
    for node in root.named_children:
        _type(source, node, imports, "", units)
    return units


def java_imports(source: Source, root: Node) -> list[Import]:
    """`import a.b.C;` → module "a.b", name "C"."""
    found = []
    for node in root.named_children:
        if node.type == "import_declaration":
            path = source.of(node).removeprefix("import").strip().rstrip(";").removeprefix("static ").strip()
            module, _, name = path.rpartition(".")
            found.append(Import(module, (name,), "", node.start_point.row + 1))
    return found


def _type(source: Source, node: Node, imports: list[Import], parent: str, units: list[Unit]) -> None:
    if node.type not in TYPES:
        return
    name = source.of(node.child_by_field_name("name"))
    body = node.child_by_field_name("body")
    header = source.between(node.start_byte, body.start_byte if body else node.end_byte)
    units.append(source.unit(node, "class", name, header, comment_above(source, node), imports, parent))
    for member in body.named_children if body else ():
        if member.type in ("method_declaration", "constructor_declaration"):
            modifiers = next((c for c in member.named_children if c.type == "modifiers"), None)
            annotations = source.of(modifiers)
            kind = ("test" if "@Test" in annotations else
                    "route" if any(a in annotations for a in ROUTE_ANNOTATIONS) else "method")
            method_body = member.child_by_field_name("body")
            signature = source.between(member.start_byte, method_body.start_byte if method_body else member.end_byte)
            units.append(source.unit(member, kind, source.of(member.child_by_field_name("name")), signature,
                                     comment_above(source, member), imports, parent=name))
        else:
            _type(source, member, imports, name, units)
