"""Go facts for the code graph: a package's top-level functions, types, constants and variables, its
imports (`import "module/path/pkg"`, aliased or grouped), and the names it may take unqualified from the
other files of its package.

A Go import names a package, which is a folder: the binding's local name is the alias, else the imported
package's own name (its `package` clause, set when the import resolves), and `pkg.Name` is looked up
across the files of that folder (harvest/graph/graph.py). Methods are not definitions: `x.Method` is
reached through its receiver's type, which the graph does not follow.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from harvest.graph.identifiers import Mention
from harvest.graph.model import MODULE, Binding, Definition
from harvest.graph.snippets import compact
from harvest.units.golang import go_imports
from harvest.units.nodes import Source, comments_above, walk

VALUE_SPECS = {"const_declaration": ("const_spec", "constant"), "var_declaration": ("var_spec", "variable")}
MAJOR_VERSION = re.compile(r"v\d+")  # `module/v2`: the path's version element, not the package's name
HEADER = frozenset({"package_clause", "import_declaration"})  # names there are not uses


def go_facts(source: Source, root: Node, mentioned: list[Mention]) -> tuple[list[Definition], list[Binding]]:
    """Definitions and bindings (imports, then same-package candidates) of a Go file."""
    definitions = go_definitions(source, root)
    imports = go_bindings(source, root)
    return definitions, imports + _same_package(source, root, mentioned, definitions, imports)


def go_definitions(source: Source, root: Node) -> list[Definition]:
    """Top-level `func`, `type`, `const` and `var` names (not methods, not `_` or `init`)."""
    found = []
    for node in root.named_children:
        if node.type == "function_declaration":
            found.append(_definition(source, node, node, source.of(node.child_by_field_name("name")), "function"))
        elif node.type == "type_declaration":
            for spec in (s for s in node.named_children if s.type in ("type_spec", "type_alias")):
                found.append(_definition(source, node, spec, source.of(spec.child_by_field_name("name")), "type"))
        elif node.type in VALUE_SPECS:
            spec_type, kind = VALUE_SPECS[node.type]
            for spec in (s for s in walk(node) if s.type == spec_type):
                found += [_definition(source, node, spec, source.of(n), kind)
                          for n in spec.children_by_field_name("name") if n.type == "identifier"]
    return [d for d in found if d.name not in ("_", "init", "")]


def go_bindings(source: Source, root: Node) -> list[Binding]:
    """One binding per import with a name (dot and blank imports bring none the graph can follow).
    An unaliased import's local name is a guess until it resolves to the package's own name."""
    found = []
    for imported in go_imports(source, root):
        aliased = imported.default != imported.module.rsplit("/", 1)[-1]
        if imported.default:
            local = imported.default if aliased else package_name_guess(imported.module)
            found.append(Binding(local, MODULE, imported.module, imported.line))
    return found


def package_name_guess(module: str) -> str:
    """The name an import path's package usually has: its last element, without a major version
    (`…/pricing/v2` → pricing, `gopkg.in/yaml.v3` → yaml)."""
    parts = module.split("/")
    last = parts[-2] if len(parts) > 1 and MAJOR_VERSION.fullmatch(parts[-1]) else parts[-1]
    return re.sub(r"\.v\d+$", "", last)


def _same_package(source: Source, root: Node, mentioned: list[Mention], definitions: list[Definition],
                  imports: list[Binding]) -> list[Binding]:
    """A candidate binding for every other name the file mentions: the graph keeps those another file of
    the same package defines (`module` is the package's name)."""
    package = next((source.of(c.named_children[0]) for c in root.named_children
                    if c.type == "package_clause" and c.named_children), "")
    header_end = max((c.end_byte for c in root.named_children if c.type in HEADER), default=0)
    known = {d.name for d in definitions} | {b.local for b in imports} | {"_"}
    names = dict.fromkeys(m.name for m in mentioned if m.start_byte >= header_end and m.type != "package_identifier")
    return [Binding(name, name, package, 0, implicit=True) for name in names if name not in known]


def _definition(source: Source, statement: Node, node: Node, name: str, kind: str) -> Definition:
    """A definition spanning `node` with the doc comment above it: above the statement for `type X …`
    and `const X = …`, above the spec itself inside a `const ( … )` group."""
    anchor = statement if node.start_point.row == statement.start_point.row else node
    start = next((c.start_point.row for c in comments_above(anchor)), anchor.start_point.row)
    return Definition(name, kind, anchor.start_point.row + 1, node.end_point.row + 1, name[:1].isupper(),
                      compact(source.lines, start, node.end_point.row))
