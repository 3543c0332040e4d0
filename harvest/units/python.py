"""Python units: functions, classes, methods, pytest tests and test classes, FastAPI/Flask routes, and
module-level names: a `constant` when its value is written out in full (`TIMEOUT = 5.0`, `METHODS = ("GET",
"HEAD")`), else a `variable` (`logger = logging.getLogger(__name__)`). Python has no `const`: a literal
value is what makes a module-level name a constant, whatever its case, so naming conventions can judge
its case. Dunders (`__all__`, `__version__`) are the module's metadata, not units."""

from __future__ import annotations

import re

from tree_sitter import Node

from harvest.records import Unit
from harvest.units.nodes import Import, Source, comment_above, is_literal, string_value

ROUTER_PREFIX = re.compile(r"APIRouter\([^)]*?prefix\s*=\s*['\"]([^'\"]*)")
ROUTE_DECORATOR = re.compile(r"^@\s*[\w.]+\.(get|post|put|patch|delete|head|options|route|api_route|websocket)\s*\(")
LITERAL_ATOMS = frozenset({"string", "integer", "float", "true", "false", "none"})
LITERAL_CONTAINERS = frozenset({"tuple", "list", "set", "dictionary", "concatenated_string"})


def python_units(source: Source, root: Node) -> list[Unit]:
    """Top-level functions, classes and names, and the methods of those classes."""
    imports = python_imports(source, root)
    units: list[Unit] = []
    for node in root.named_children:
        if not source.wanted(node):
            continue
        if node.type == "expression_statement":
            units += _module_names(source, node, imports)
        else:
            _definition(source, node, imports, "", units)
    return units


def _module_names(source: Source, statement: Node, imports: list[Import]) -> list[Unit]:
    """`NAME = value` (or `NAME: T = value`) at the top level: a constant or variable unit."""
    assignment = statement.named_children[0] if statement.named_children else None
    if assignment is None or assignment.type != "assignment":
        return []
    target, value = assignment.child_by_field_name("left"), assignment.child_by_field_name("right")
    name = source.of(target)
    if target is None or target.type != "identifier" or value is None or name.startswith("__") or name == "_":
        return []
    kind = "constant" if is_literal(value, LITERAL_ATOMS, LITERAL_CONTAINERS) else "variable"
    signature = source.of(statement).split("\n", 1)[0]
    return [source.unit(statement, kind, name, signature, comment_above(source, statement), imports)]


def python_imports(source: Source, root: Node) -> list[Import]:
    """`import x`, `import x as y`, `from x import a, b as c` at the top level."""
    found = []
    for node in root.named_children:
        line = node.start_point.row + 1
        if node.type == "import_statement":
            for name in node.children_by_field_name("name"):
                module = source.of(name.child_by_field_name("name") if name.type == "aliased_import" else name)
                alias = name.child_by_field_name("alias") if name.type == "aliased_import" else None
                found.append(Import(module, (), source.of(alias) or module.split(".")[0], line))
        elif node.type == "import_from_statement":
            module = source.of(node.child_by_field_name("module_name"))
            names = tuple(source.of(n.child_by_field_name("alias") or n.child_by_field_name("name"))
                          if n.type == "aliased_import" else source.of(n)
                          for n in node.children_by_field_name("name"))
            found.append(Import(module, names, "", line))
    return found


def _definition(source: Source, node: Node, imports: list[Import], parent: str, units: list[Unit]) -> None:
    first = node
    decorators: list[str] = []
    if node.type == "decorated_definition":
        decorators = [source.of(d) for d in node.named_children if d.type == "decorator"]
        node = node.child_by_field_name("definition")
        if node is None:
            return
    if node.type not in ("function_definition", "class_definition"):
        return
    name = source.of(node.child_by_field_name("name"))
    body = node.child_by_field_name("body")
    signature = source.between(node.start_byte, body.start_byte if body else node.end_byte).rstrip()
    doc = _docstring(source, body)
    if node.type == "class_definition":
        kind = "test-suite" if name.startswith("Test") else "class"
        units.append(source.unit(node, kind, name, signature, doc, imports, parent, first))
        for child in body.named_children if body else ():
            if source.wanted(child):
                _definition(source, child, imports, name, units)
        return
    route = next((d for d in decorators if ROUTE_DECORATOR.match(d)), "")
    if route:
        kind, name = "route", _route_name(source, route, name)
    elif name.startswith("test") and (not parent or parent.startswith("Test")):
        kind = "test"
    else:
        kind = "method" if parent else "function"
    units.append(source.unit(node, kind, name, signature, doc, imports, parent, first))


def _route_name(source: Source, decorator: str, function: str) -> str:
    """"GET /items/{item_id}" from `@router.get("/{item_id}")`, or the function name when not literal."""
    method = ROUTE_DECORATOR.match(decorator).group(1)
    path = re.match(r"^@[^(]*\(\s*[rRbB]?(['\"])(.*?)\1", decorator, re.DOTALL)
    verb = {"route": "ROUTE", "api_route": "ROUTE", "websocket": "WEBSOCKET"}.get(method, method.upper())
    # FastAPI routers usually carry a prefix; the route's full path is what people call it by.
    prefix = ROUTER_PREFIX.search(source.text)
    full = (prefix.group(1) if prefix else "") + path.group(2) if path else ""
    return f"{verb} {full or '/'}" if path else function


def _docstring(source: Source, body: Node | None) -> str:
    if body is None or not body.named_children:
        return ""
    first = body.named_children[0]
    if first.type == "expression_statement" and first.named_children and first.named_children[0].type == "string":
        return "\n".join(line.strip() for line in string_value(source, first.named_children[0]).strip().splitlines())
    return ""
