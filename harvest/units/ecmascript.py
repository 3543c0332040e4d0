"""JavaScript/TypeScript/TSX units: functions, classes, React components and hooks, styled-components,
Jest/Vitest `describe`/`it`/`test` blocks, Express-style routes, the object a config file exports, and the
other top-level declarations: a `constant` for a `const` whose value is written out in full (`const
TIMEOUT = 500`, `const sizes = ['sm', 'lg'] as const`), else a `variable` (`const router = express.Router()`,
`let count = 0`), so naming conventions can judge their case."""

from __future__ import annotations

import re

from tree_sitter import Node

from harvest.records import Unit
from harvest.units.nodes import Import, Source, comment_above, is_literal, string_value, walk

PASCAL = re.compile(r"^_?[A-Z][A-Za-z0-9_]*$")  # `_Select` wrapped by forwardRef later is still a component
HOOK = re.compile(r"^use[A-Z0-9]")
JSX = frozenset({"jsx_element", "jsx_self_closing_element", "jsx_fragment"})
FUNCTIONS = frozenset({"arrow_function", "function_expression", "function"})
TEST_CALLS = {"describe": "test-suite", "it": "test", "test": "test"}
HTTP_VERBS = frozenset({"get", "post", "put", "patch", "delete", "all", "use"})
CONFIG_FILE = re.compile(r"(^|/)(\.?[\w-]+\.config|\.eslintrc|\.prettierrc|\.babelrc)\.[cm]?[jt]s$")
COMPONENT_BASES = re.compile(r"\b(React\.)?(Pure)?Component\b")
LITERAL_ATOMS = frozenset({"string", "template_string", "number", "true", "false", "null", "undefined", "regex"})
LITERAL_CONTAINERS = frozenset({"array", "object"})


def ecmascript_units(source: Source, root: Node) -> list[Unit]:
    """Units of the top-level statements, and of test blocks at any depth of describe callbacks."""
    imports = ecmascript_imports(source, root)
    units: list[Unit] = []
    for statement in root.named_children:
        if source.wanted(statement):
            _statement(source, statement, imports, units)
    return units


def ecmascript_imports(source: Source, root: Node) -> list[Import]:
    """ES `import` statements: default, namespace (`* as X`) and named imports."""
    found = []
    for node in root.named_children:
        if node.type != "import_statement":
            continue
        module = string_value(source, node.child_by_field_name("source"))
        default, names = "", []
        clause = next((c for c in node.named_children if c.type == "import_clause"), None)
        for part in clause.named_children if clause else ():
            if part.type == "identifier":
                default = source.of(part)
            elif part.type == "namespace_import":
                default = source.of(part.named_children[-1]) if part.named_children else ""
            elif part.type == "named_imports":
                names += [source.of(s.child_by_field_name("alias") or s.child_by_field_name("name"))
                          for s in part.named_children if s.type == "import_specifier"]
        found.append(Import(module, tuple(names), default, node.start_point.row + 1))
    return found


def _statement(source: Source, statement: Node, imports: list[Import], units: list[Unit]) -> None:
    node = statement
    if node.type == "export_statement":
        declaration = node.child_by_field_name("declaration") or node.child_by_field_name("value")
        if declaration is None:
            return
        if declaration.type == "object" and CONFIG_FILE.search(source.path):
            units.append(_config(source, statement, imports))
            return
        node = declaration
    doc = comment_above(source, statement)
    if node.type in ("function_declaration", "generator_function_declaration"):
        name = source.of(node.child_by_field_name("name"))
        units.append(source.unit(node, _function_kind(name, node), name, _header(source, statement, node),
                                 doc, imports, first=statement))
    elif node.type in ("class_declaration", "abstract_class_declaration"):
        _class(source, statement, node, doc, imports, units)
    elif node.type in ("lexical_declaration", "variable_declaration"):
        for declarator in node.named_children:
            if declarator.type == "variable_declarator":
                unit = _declarator(source, statement, declarator, doc, imports)
                if unit:
                    units.append(unit)
    elif node.type == "expression_statement" and node.named_children:
        _expression(source, node, node.named_children[0], imports, "", units)


def _function_kind(name: str, node: Node) -> str:
    if HOOK.match(name):
        return "hook"
    if PASCAL.match(name) and _returns_jsx(node):
        return "component"
    return "function"


def _returns_jsx(node: Node) -> bool:
    return any(n.type in JSX for n in walk(node))


def _declarator(source: Source, statement: Node, declarator: Node, doc: str, imports: list[Import]) -> Unit | None:
    name = source.of(declarator.child_by_field_name("name"))
    value = declarator.child_by_field_name("value")
    if value is None or not re.match(r"^[\w$]+$", name):
        return None
    if _is_styled(source, value):
        signature = source.of(statement).split("`", 1)[0]
        return source.unit(statement, "styled", name, signature, doc, imports)
    function = value if value.type in FUNCTIONS else _wrapped_function(value)
    if function is None:
        constant = _keyword(source, declarator) == "const" and is_literal(value, LITERAL_ATOMS, LITERAL_CONTAINERS)
        signature = source.of(statement).split("\n", 1)[0]
        return source.unit(statement, "constant" if constant else "variable", name, signature, doc, imports)
    body = function.child_by_field_name("body")
    signature = source.between(statement.start_byte, body.start_byte if body else function.end_byte)
    return source.unit(statement, _function_kind(name, function), name, signature, doc, imports)


def _keyword(source: Source, declarator: Node) -> str:
    """`const`, `let` or `var`: how the declaration holding `declarator` binds its names."""
    declaration = declarator.parent
    return source.of(declaration.children[0]) if declaration is not None and declaration.children else ""


def _wrapped_function(value: Node) -> Node | None:
    """The function inside `memo(...)`, `forwardRef(...)`, `React.memo(...)` wrappers."""
    if value.type != "call_expression":
        return None
    callee = value.child_by_field_name("function")
    arguments = value.child_by_field_name("arguments")
    if callee is None or arguments is None or callee.type not in ("identifier", "member_expression"):
        return None
    return next((a for a in arguments.named_children if a.type in FUNCTIONS), None)


def _is_styled(source: Source, value: Node) -> bool:
    """`styled.div\\`…\\``, `styled(Base)\\`…\\``, `styled.a.attrs(…)\\`…\\``: a tagged template rooted at `styled`."""
    if value.type != "call_expression":
        return False
    arguments = value.child_by_field_name("arguments")
    return (arguments is not None and arguments.type == "template_string"
            and re.match(r"^styled\b", source.of(value.child_by_field_name("function"))) is not None)


def _class(source: Source, statement: Node, node: Node, doc: str, imports: list[Import], units: list[Unit]) -> None:
    name = source.of(node.child_by_field_name("name"))
    body = node.child_by_field_name("body")
    heritage = next((c for c in node.named_children if c.type == "class_heritage"), None)
    kind = "component" if heritage is not None and COMPONENT_BASES.search(source.of(heritage)) else "class"
    units.append(source.unit(node, kind, name, _header(source, statement, node), doc, imports, first=statement))
    for member in body.named_children if body else ():
        if member.type == "method_definition" and source.wanted(member):
            method = source.of(member.child_by_field_name("name"))
            units.append(source.unit(member, "method", method, _header(source, member, member),
                                     comment_above(source, member), imports, parent=name))


def _expression(source: Source, statement: Node, node: Node, imports: list[Import], parent: str,
                units: list[Unit]) -> None:
    """Test blocks (recursing into describe), Express routes and `module.exports = {…}` in config files."""
    if node.type == "assignment_expression" and CONFIG_FILE.search(source.path):
        if source.of(node.child_by_field_name("left")) == "module.exports":
            units.append(_config(source, statement, imports))
        return
    if node.type != "call_expression":
        return
    callee = node.child_by_field_name("function")
    arguments = node.child_by_field_name("arguments")
    if callee is None or arguments is None or not arguments.named_children:
        return
    title = string_value(source, arguments.named_children[0])
    callee_name = source.of(callee)
    base = callee_name.split(".")[0]
    if base in TEST_CALLS and title and callee_name.split(".")[-1] not in ("each", "todo"):
        kind = TEST_CALLS[base]
        signature = source.of(statement).split("\n", 1)[0]
        units.append(source.unit(statement, kind, title, signature, comment_above(source, statement), imports, parent))
        if kind == "test-suite":
            callback = next((a for a in arguments.named_children if a.type in FUNCTIONS), None)
            body = callback.child_by_field_name("body") if callback else None
            for inner in body.named_children if body is not None and body.type == "statement_block" else ():
                if inner.type == "expression_statement" and inner.named_children and source.wanted(inner):
                    _expression(source, inner, inner.named_children[0], imports, title, units)
    elif (callee.type == "member_expression" and title.startswith("/")
          and source.of(callee.child_by_field_name("property")) in HTTP_VERBS):
        verb = source.of(callee.child_by_field_name("property")).upper()
        signature = source.of(statement).split("\n", 1)[0]
        units.append(source.unit(statement, "route", f"{verb} {title}", signature,
                                 comment_above(source, statement), imports, parent))


def _config(source: Source, statement: Node, imports: list[Import]) -> Unit:
    name = source.path.rsplit("/", 1)[-1]
    return source.unit(statement, "config", name, source.of(statement).split("\n", 1)[0],
                       comment_above(source, statement), imports)


def _header(source: Source, start: Node, node: Node) -> str:
    body = node.child_by_field_name("body")
    return source.between(start.start_byte, body.start_byte if body else node.end_byte)
