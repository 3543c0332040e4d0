"""Java units: types (kind `class`, subkind `class`, `interface`, `enum`, `record` or `annotation`) with their
members, nested types at any depth; constructors (kind `constructor`, never `method`: their name is the
class's); `static final` fields and interface fields as `constant`s; tests and Spring routes.

A test is what JUnit runs: a method annotated `@Test` (JUnit 4 and 5, TestNG), `@ParameterizedTest`
(subkind `parameterized`), `@RepeatedTest`, `@TestFactory` or `@TestTemplate`, or a JUnit 3 `testXxx()`
method of a `TestCase` subclass. A class that holds tests is a `test-suite`, like a pytest class.
"""

from __future__ import annotations

import functools
import re

from tree_sitter import Node

from harvest.records import Unit
from harvest.units.nodes import Import, Source, comment_above

TYPES = {"class_declaration": "class", "interface_declaration": "interface", "enum_declaration": "enum",
         "record_declaration": "record", "annotation_type_declaration": "annotation"}
METHODS = frozenset({"method_declaration", "annotation_type_element_declaration"})
CONSTRUCTORS = frozenset({"constructor_declaration", "compact_constructor_declaration"})
FIELDS = frozenset({"field_declaration", "constant_declaration"})
# Annotation (last segment of its name) → test subkind; JUnit 5's test templates and factories run too.
TEST_ANNOTATIONS = {"Test": "", "ParameterizedTest": "parameterized", "RepeatedTest": "repeated",
                    "TestFactory": "factory", "TestTemplate": "template"}
ROUTE_ANNOTATIONS = frozenset({"GetMapping", "PostMapping", "PutMapping", "PatchMapping", "DeleteMapping",
                               "RequestMapping"})
JUNIT3_BASE = re.compile(r"\bextends\s+(?:[\w.]+\.)?TestCase\b")
JAVADOC_TAGS = re.compile(r"^@\w+.*", re.MULTILINE | re.DOTALL)  # @param, @return…: everything after the summary
INLINE_TAG = re.compile(r"\{@\w+\s+([^}]*)\}")  # {@code x}, {@link Foo#bar} → their text
HTML_TAG = re.compile(r"</?\w+[^>]*>")


def java_units(source: Source, root: Node) -> list[Unit]:
    """Top-level types with their members and nested types, in source order."""
    imports = java_imports(source, root)
    units: list[Unit] = []
    for node in root.named_children:
        if node.type in TYPES and source.wanted(node):
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


def javadoc(source: Source, node: Node) -> str:
    """The comment above `node` as prose: its summary without block tags, inline tags or HTML."""
    return _prose(comment_above(source, node))


@functools.lru_cache(maxsize=4096)  # kept by text: a typed document's javadocs are as they were a keystroke ago
def _prose(comment: str) -> str:
    return HTML_TAG.sub("", INLINE_TAG.sub(r"\1", JAVADOC_TAGS.sub("", comment))).strip()


def _type(source: Source, node: Node, imports: list[Import], parent: str, units: list[Unit]) -> bool:
    """The type's unit, then its (wanted) members'; whether it holds tests. Its kind waits for its members, the
    ones not wanted included: a class whose tests (or its @Nested classes' tests) JUnit runs is a test-suite."""
    name = source.of(node.child_by_field_name("name"))
    body, header = _body_and_header(source, node)
    junit3 = JUNIT3_BASE.search(header) is not None
    at = len(units)
    tests = False
    for member in type_members(body):
        if not source.wanted(member):
            tests = tests or _holds_tests(source, member, junit3)
        elif member.type in TYPES:
            tests = _type(source, member, imports, name, units) or tests
        elif member.type in METHODS or member.type in CONSTRUCTORS:
            units.append(_method(source, member, imports, name, junit3))
            tests = tests or units[-1].kind == "test"
        elif member.type in FIELDS and (member.type == "constant_declaration" or _static_final(source, member)):
            units += _constants(source, member, imports, name)
    units.insert(at, source.unit(node, "test-suite" if tests else "class", name, header, javadoc(source, node),
                                 imports, parent, subkind=TYPES[node.type]))
    return tests


def _holds_tests(source: Source, member: Node, junit3: bool) -> bool:
    """Whether JUnit runs `member` as a test, or tests in it (a nested type); of a type whose header makes it a
    JUnit 3 `TestCase` when `junit3`. Every test annotation and `TestCase` has `Test` in its name, so a member
    without it in its text holds none: most members end there."""
    if source.data.find(b"Test", member.start_byte, member.end_byte) < 0 and not junit3:
        return False
    if member.type in TYPES:
        body, header = _body_and_header(source, member)
        return any(_holds_tests(source, inner, JUNIT3_BASE.search(header) is not None) for inner in type_members(body))
    name = source.of(member.child_by_field_name("name"))
    return member.type in METHODS and _test_subkind(member, name, _annotations(source, member), junit3) is not None


def _body_and_header(source: Source, node: Node) -> tuple[Node | None, str]:
    """A type's body and the text before it (modifiers, name, `extends` and `implements`)."""
    body = node.child_by_field_name("body")
    return body, source.between(node.start_byte, body.start_byte if body else node.end_byte)


def type_members(body: Node | None) -> list[Node]:
    """A type body's declarations; an enum's follow its constants in `enum_body_declarations`."""
    members = []
    for child in body.named_children if body else ():
        members += child.named_children if child.type == "enum_body_declarations" else [child]
    return members


def _method(source: Source, member: Node, imports: list[Import], owner: str, junit3: bool) -> Unit:
    name = source.of(member.child_by_field_name("name"))
    annotations = _annotations(source, member)
    test = _test_subkind(member, name, annotations, junit3)
    if member.type in CONSTRUCTORS:
        kind = "constructor"
    elif test is not None:
        kind = "test"
    else:
        kind = "route" if ROUTE_ANNOTATIONS & set(annotations) else "method"
    body = member.child_by_field_name("body") or next((c for c in member.named_children if c.type == "block"), None)
    signature = source.between(member.start_byte, body.start_byte if body else member.end_byte).rstrip(" ;")
    return source.unit(member, kind, name, signature, javadoc(source, member), imports, parent=owner,
                       subkind=test or "")


def _test_subkind(member: Node, name: str, annotations: list[str], junit3: bool) -> str | None:
    """The subkind of a method JUnit runs as a test ("" for a plain `@Test` or a JUnit 3 test), else None."""
    test = next((TEST_ANNOTATIONS[a] for a in annotations if a in TEST_ANNOTATIONS), None)
    if test is None and junit3 and name.startswith("test") and _takes_nothing(member):
        test = ""
    return test


def _constants(source: Source, field: Node, imports: list[Import], owner: str) -> list[Unit]:
    """One unit per name a constant field declares: `static final int A = 1, B = 2;` gives `A` and `B`."""
    declarators = [d for d in field.named_children if d.type == "variable_declarator"]
    modifiers_and_type = source.between(field.start_byte, declarators[0].start_byte) if declarators else ""
    return [source.unit(field, "constant", name, modifiers_and_type + name, javadoc(source, field), imports,
                        parent=owner)
            for name in (source.of(d.child_by_field_name("name")) for d in declarators)]


def _annotations(source: Source, member: Node) -> list[str]:
    """The simple names of a declaration's annotations: `@org.junit.Test` → `Test`."""
    modifiers = next((c for c in member.named_children if c.type == "modifiers"), None)
    return [source.of(a.child_by_field_name("name")).rsplit(".", 1)[-1]
            for a in (modifiers.named_children if modifiers else ()) if a.type in ("marker_annotation", "annotation")]


def _static_final(source: Source, field: Node) -> bool:
    modifiers = next((c for c in field.named_children if c.type == "modifiers"), None)
    words = {source.of(c) for c in modifiers.children} if modifiers else set()
    return {"static", "final"} <= words


def _takes_nothing(member: Node) -> bool:
    parameters = member.child_by_field_name("parameters")
    return parameters is not None and not parameters.named_children

