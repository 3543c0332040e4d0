"""JavaScript/TypeScript facts for the code graph: top-level declarations (exported or not), ES imports,
CommonJS `require` and `exports.x =`, and the re-exports barrels are made of (`export * from`,
`export { X } from`, `module.exports = require(…)`)."""

from __future__ import annotations

from tree_sitter import Node

from harvest.graph.model import EVERYTHING, MODULE, Binding, Definition
from harvest.graph.snippets import compact
from harvest.units.ecmascript import FUNCTIONS, HOOK, PASCAL
from harvest.units.nodes import Source, comments_above, string_value, walk

DECLARATION_KINDS = {
    "function_declaration": "function", "generator_function_declaration": "function",
    "function_signature": "function", "class_declaration": "class", "abstract_class_declaration": "class",
    "class": "class", "interface_declaration": "type", "type_alias_declaration": "type",
    "enum_declaration": "enum", "internal_module": "namespace", "module": "namespace",
}


def ecmascript_facts(source: Source, root: Node) -> tuple[list[Definition], list[Binding], dict[str, str]]:
    """Definitions, bindings and export aliases (`export default X` → {"default": "X"}) of a module."""
    definitions: list[Definition] = []
    bindings: list[Binding] = []
    aliases: dict[str, str] = {}
    for statement in root.named_children:
        if statement.type == "import_statement":
            bindings += _imports(source, statement)
        elif statement.type == "export_statement":
            _export(source, statement, definitions, bindings, aliases)
        elif statement.type == "ambient_declaration" and statement.named_children:
            definitions += _declarations(source, statement, statement.named_children[0], False)
        elif statement.type == "expression_statement":
            _commonjs_export(source, statement, definitions, bindings)
        else:
            bindings += _requires(source, statement)
            definitions += _declarations(source, statement, statement, False)
    return definitions, bindings, aliases


def _commonjs_export(source: Source, statement: Node, definitions: list[Definition], bindings: list[Binding]) -> None:
    """`exports.x = …` and `module.exports.x = …` define `x`; `module.exports = require('m')` passes m on."""
    assignment = statement.named_children[0] if statement.named_children else None
    if assignment is None or assignment.type != "assignment_expression":
        return
    left, right = assignment.child_by_field_name("left"), assignment.child_by_field_name("right")
    target = source.of(left) if left is not None else ""
    if target == "module.exports" and right is not None and right.type == "call_expression" and \
            source.of(right.child_by_field_name("function")) == "require":
        arguments = right.child_by_field_name("arguments")
        module = string_value(source, arguments.named_children[0]) if arguments and arguments.named_children else ""
        if module:
            bindings.append(Binding(EVERYTHING, EVERYTHING, module, statement.start_point.row + 1, reexport=True))
    elif left is not None and left.type == "member_expression" and \
            source.of(left.child_by_field_name("object")) in ("exports", "module.exports"):
        name = source.of(left.child_by_field_name("property"))
        definitions.append(_definition(source, statement, statement, name, _value_kind(name, right)))


def _imports(source: Source, statement: Node) -> list[Binding]:
    module = string_value(source, statement.child_by_field_name("source"))
    line = statement.start_point.row + 1
    found = []
    clause = next((c for c in statement.named_children if c.type == "import_clause"), None)
    for part in clause.named_children if clause else ():
        if part.type == "identifier":
            found.append(Binding(source.of(part), "default", module, line))
        elif part.type == "namespace_import" and part.named_children:
            found.append(Binding(source.of(part.named_children[-1]), MODULE, module, line))
        elif part.type == "named_imports":
            for spec in part.named_children:
                if spec.type == "import_specifier":
                    name = source.of(spec.child_by_field_name("name"))
                    found.append(Binding(source.of(spec.child_by_field_name("alias")) or name, name, module, line))
    return found


def _export(source: Source, statement: Node, definitions: list[Definition], bindings: list[Binding],
            aliases: dict[str, str]) -> None:
    line = statement.start_point.row + 1
    module = string_value(source, statement.child_by_field_name("source"))
    default = any(c.type == "default" for c in statement.children)
    declaration = statement.child_by_field_name("declaration")
    value = statement.child_by_field_name("value")
    if declaration is not None:
        found = _declarations(source, statement, declaration, True)
        definitions += found
        if default and found:
            aliases["default"] = found[0].name
    elif value is not None:
        if value.type == "identifier":
            aliases["default"] = source.of(value)
        else:
            definitions.append(_definition(source, statement, statement, "default", _value_kind("default", value)))
    for child in statement.named_children:
        if child.type == "namespace_export" and child.named_children:
            bindings.append(Binding(source.of(child.named_children[-1]), MODULE, module, line, reexport=True))
        elif child.type == "export_clause":
            for spec in child.named_children:
                name = source.of(spec.child_by_field_name("name"))
                exported = source.of(spec.child_by_field_name("alias")) or name
                if module:
                    bindings.append(Binding(exported, name, module, line, reexport=True))
                elif exported != name:
                    aliases[exported] = name
    if module and any(c.type == "*" for c in statement.children) and \
            not any(c.type == "namespace_export" for c in statement.named_children):
        bindings.append(Binding(EVERYTHING, EVERYTHING, module, line, reexport=True))


def _declarations(source: Source, statement: Node, node: Node, exported: bool) -> list[Definition]:
    if node.type in DECLARATION_KINDS:
        name_node = node.child_by_field_name("name")
        name = source.of(name_node) if name_node is not None else "default"
        kind = DECLARATION_KINDS[node.type]
        if kind == "function":
            kind = _value_kind(name, node)
        return [_definition(source, statement, node, name, kind, exported)]
    if node.type not in ("lexical_declaration", "variable_declaration"):
        return []
    found = []
    for declarator in node.named_children:
        target = declarator.child_by_field_name("name") if declarator.type == "variable_declarator" else None
        if target is None:
            continue
        value = declarator.child_by_field_name("value")
        if target.type == "identifier":
            name = source.of(target)
            found.append(_definition(source, statement, declarator, name, _value_kind(name, value), exported))
        elif target.type in ("array_pattern", "object_pattern"):
            # `const [createContext, createScope] = createContextScope(…)` defines both names.
            found += [_definition(source, statement, declarator, name, "constant", exported)
                      for name in _bound_names(source, target)]
    return found


def _bound_names(source: Source, pattern: Node) -> list[str]:
    """Names a destructuring pattern binds: `[a, b]`, `{ c, d: e, ...rest }` → a, b, c, e, rest (defaults skipped)."""
    names = []
    for node in walk(pattern):
        parent = node.parent
        default = parent is not None and parent.type.endswith("assignment_pattern") and \
            parent.child_by_field_name("right") == node
        if node.type in ("identifier", "shorthand_property_identifier_pattern") and not default:
            names.append(source.of(node))
    return names


def _value_kind(name: str, value: Node | None) -> str:
    if value is None:
        return "constant"
    function = value.type in FUNCTIONS or value.type.startswith("function") or (
        value.type == "call_expression" and any(a.type in FUNCTIONS for a in
                                               (value.child_by_field_name("arguments") or value).named_children))
    if not function:
        return "class" if value.type == "class" else "constant"
    if HOOK.match(name):
        return "hook"
    return "component" if PASCAL.match(name) else "function"


def _definition(source: Source, statement: Node, node: Node, name: str, kind: str, exported: bool = True) -> Definition:
    start, end = statement.start_point.row, max(node.end_point.row, statement.start_point.row)
    return Definition(name, kind, start + 1, end + 1, exported,
                      compact(source.lines, next((c.start_point.row for c in comments_above(statement)), start), end))


def _requires(source: Source, statement: Node) -> list[Binding]:
    """`const x = require('m')` (the module) and `const { a, b: c } = require('m')` (its names)."""
    if statement.type not in ("lexical_declaration", "variable_declaration"):
        return []
    found = []
    for declarator in statement.named_children:
        value = declarator.child_by_field_name("value") if declarator.type == "variable_declarator" else None
        if value is None or value.type != "call_expression" or \
                source.of(value.child_by_field_name("function")) != "require":
            continue
        arguments = value.child_by_field_name("arguments")
        module = string_value(source, arguments.named_children[0]) if arguments and arguments.named_children else ""
        target = declarator.child_by_field_name("name")
        line = statement.start_point.row + 1
        if module and target is not None and target.type == "identifier":
            found.append(Binding(source.of(target), MODULE, module, line))
        elif module and target is not None and target.type == "object_pattern":
            for part in target.named_children:
                if part.type == "shorthand_property_identifier_pattern":
                    found.append(Binding(source.of(part), source.of(part), module, line))
                elif part.type == "pair_pattern":
                    found.append(Binding(source.of(part.child_by_field_name("value")),
                                         source.of(part.child_by_field_name("key")), module, line))
    return found
