"""Java facts for the code graph: a file's types with the members another file can import by name
(nested types, static methods and fields, enum constants), its imports, and the names it may take from
its own package or an on-demand import (`import a.b.*;`, `import static a.b.C.*;`) without naming them.

A binding's module is the dotted name as written (`a.b.C`, `a.b.C.max`, `a.b.C.Inner`); the resolver
finds the longest prefix of it that is a class of the repository (harvest/graph/modules.py). The names
a file uses without an import become candidate bindings (`implicit`), kept only where they resolve:
the same package first, then the on-demand imports, as the Java language orders them.
"""

from __future__ import annotations

from tree_sitter import Node

from harvest.graph.identifiers import Mention
from harvest.graph.model import Binding, Definition
from harvest.graph.snippets import compact
from harvest.units.java import TYPES, type_members
from harvest.units.nodes import Source, comments_above

HEADER = frozenset({"package_declaration", "import_declaration"})  # names there are not uses


def java_facts(source: Source, root: Node, mentioned: list[Mention]) -> tuple[list[Definition], list[Binding]]:
    """Definitions and bindings (imports, then in-scope candidates) of a Java file."""
    definitions: list[Definition] = []
    for node in root.named_children:
        if node.type in TYPES:
            _type(source, node, definitions, top=True)
    imports, on_demand = _imports(source, root)
    return definitions, imports + _in_scope(source, root, mentioned, definitions, imports, on_demand)


def _type(source: Source, node: Node, definitions: list[Definition], top: bool) -> None:
    """The type, and its members another file can import: nested types, static members, enum constants."""
    definitions.append(_definition(source, node, source.of(node.child_by_field_name("name")), "class", top))
    for member in type_members(node.child_by_field_name("body")):
        if member.type in TYPES:
            _type(source, member, definitions, top=False)
        elif member.type == "enum_constant":
            definitions.append(_definition(source, member, source.of(member.child_by_field_name("name")),
                                           "constant", False))
        elif member.type == "method_declaration" and _static(source, member):
            definitions.append(_definition(source, member, source.of(member.child_by_field_name("name")),
                                           "function", False))
        elif member.type == "constant_declaration" or (member.type == "field_declaration" and _static(source, member)):
            definitions += [_definition(source, member, source.of(d.child_by_field_name("name")), "constant", False)
                            for d in member.named_children if d.type == "variable_declarator"]


def _imports(source: Source, root: Node) -> tuple[list[Binding], list[tuple[str, bool]]]:
    """Single-name imports as bindings; on-demand imports as (package or class, static)."""
    bindings, on_demand = [], []
    for node in (n for n in root.named_children if n.type == "import_declaration"):
        named = next((c for c in node.named_children if c.type in ("scoped_identifier", "identifier")), None)
        if named is None:
            continue
        dotted = "".join(source.of(named).split())
        static = any(c.type == "static" for c in node.children)
        if any(c.type == "asterisk" for c in node.named_children):
            on_demand.append((dotted, static))
        else:
            name = dotted.rsplit(".", 1)[-1]
            bindings.append(Binding(name, name, dotted, node.start_point.row + 1))
    return bindings, on_demand


def _in_scope(source: Source, root: Node, mentioned: list[Mention], definitions: list[Definition],
              imports: list[Binding], on_demand: list[tuple[str, bool]]) -> list[Binding]:
    """Candidates for the names the file uses but neither defines nor imports by name: a class of its own
    package or of an on-demand imported one, or a static member of a class imported on demand."""
    package = next(("".join(source.of(c.named_children[0]).split()) for c in root.named_children
                    if c.type == "package_declaration" and c.named_children), "")
    header_end = max((c.end_byte for c in root.named_children if c.type in HEADER), default=0)
    known = {d.name for d in definitions} | {b.local for b in imports}
    names = dict.fromkeys(m.name for m in mentioned if m.start_byte >= header_end)
    found = []
    for name in (n for n in names if n not in known):
        scopes = ([package] if name[:1].isupper() else []) + \
            [scope for scope, static in on_demand if static or name[:1].isupper()]
        found += [Binding(name, name, f"{scope}.{name}" if scope else name, 0, implicit=True) for scope in scopes]
    return found


def _static(source: Source, member: Node) -> bool:
    modifiers = next((c for c in member.named_children if c.type == "modifiers"), None)
    return modifiers is not None and any(source.of(c) == "static" for c in modifiers.children)


def _definition(source: Source, node: Node, name: str, kind: str, exported: bool) -> Definition:
    """A definition spanning `node`, its snippet from the Javadoc above it (top-level types are exported:
    what an instruction may name; members are reached through their class)."""
    start = next((c.start_point.row for c in comments_above(node)), node.start_point.row)
    return Definition(name, kind, node.start_point.row + 1, node.end_point.row + 1, exported,
                      compact(source.lines, start, node.end_point.row))
