"""Go units: functions, methods (parent: the receiver's type), types (kind `class`, subkind `struct`,
`interface`, `alias` or `type`), package-level constants and variables, and what `go test` runs.

`go help testfunc` decides what is a test: in a `_test.go` file, `TestXxx(t *testing.T)`,
`BenchmarkXxx(b *testing.B)`, `FuzzXxx(f *testing.F)` and `ExampleXxx()`, where Xxx does not start
with a lowercase letter, plus `TestMain(m *testing.M)`; testify suites run their `TestXxx` methods.
Tests become units of kind `test` with a subkind: `table` for a table-driven test (it ranges over a
literal table of cases), `benchmark`, `fuzz`, `example`, `main`, or none. Names are kept exactly as
written: Go says exported or unexported with the case of the first letter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from harvest.records import Unit
from harvest.units.nodes import Import, Source, comment_above, string_value, walk

# (name prefix, the parameter's type from package testing or None for no parameter, subkind)
TEST_FUNCTIONS = (("Test", "T", ""), ("Benchmark", "B", "benchmark"), ("Fuzz", "F", "fuzz"),
                  ("Example", None, "example"))
TYPE_SUBKINDS = {"struct_type": "struct", "interface_type": "interface"}
DECLARATIONS = {"const_declaration": ("const_spec", "constant"), "var_declaration": ("var_spec", "variable")}
UNIT_DECLARATIONS = frozenset({"function_declaration", "method_declaration", "type_declaration", *DECLARATIONS})
TESTING_PARAMETER = re.compile(r"^\*\s*\w+\.([TBFM])$")  # `*testing.T`, or through an import alias


def go_units(source: Source, root: Node) -> list[Unit]:
    """Top-level functions, methods, type, constant and variable declarations, in source order."""
    imports = go_imports(source, root)
    test_file = source.path.endswith("_test.go")
    tables = _tables(source, root) if test_file else frozenset()
    units: list[Unit] = []
    for node in root.named_children:
        # A comment, an import, a package clause (not worth its doc), or a declaration off the wanted lines.
        if node.type not in UNIT_DECLARATIONS or not source.wanted(node):
            continue
        doc = comment_above(source, node)
        if node.type == "function_declaration":
            name = source.of(node.child_by_field_name("name"))
            subkind = _test_subkind(source, node, name, tables) if test_file else None
            kind = "function" if subkind is None else "test"
            units.append(source.unit(node, kind, name, _header(source, node), doc, imports, subkind=subkind or ""))
        elif node.type == "method_declaration":
            name = source.of(node.child_by_field_name("name"))
            suite_test = test_file and _test_name(name, "Test")  # a testify suite runs its TestXxx methods
            kind, subkind = ("test", _table_subkind(source, node, tables)) if suite_test else ("method", "")
            units.append(source.unit(node, kind, name, _header(source, node), doc, imports,
                                     parent=_receiver_type(source, node), subkind=subkind))
        elif node.type == "type_declaration":
            units += _types(source, node, doc, imports)
        elif node.type in DECLARATIONS:
            units += _values(source, node, doc, imports)
    return units


def go_imports(source: Source, root: Node) -> list[Import]:
    """`import "x"` and grouped imports, with their alias if any (none for `.` and `_` imports)."""
    found = []
    for node in root.named_children:
        if node.type != "import_declaration":
            continue
        for spec in (n for n in walk(node) if n.type == "import_spec"):
            module = string_value(source, spec.child_by_field_name("path"))
            alias = source.of(spec.child_by_field_name("name"))
            # A dot import puts the package's names in scope unqualified, a blank one only runs its init.
            default = "" if alias in (".", "_") else alias or module.rsplit("/", 1)[-1]
            found.append(Import(module, (), default, spec.start_point.row + 1))
    return found


def _test_name(name: str, prefix: str) -> bool:
    """`TestXxx` where Xxx is empty or does not start with a lowercase letter (`Testing` is no test)."""
    return name.startswith(prefix) and not name[len(prefix):len(prefix) + 1].islower()


def _test_subkind(source: Source, node: Node, name: str, tables: frozenset[str]) -> str | None:
    """The test's subkind if `go test` runs this function (`""` for a plain test), else None."""
    parameters = node.child_by_field_name("parameters")
    declared = [p for p in parameters.named_children if p.type == "parameter_declaration"] if parameters else []
    types = [TESTING_PARAMETER.match(source.of(p.child_by_field_name("type"))) for p in declared]
    testing_types = [m.group(1) for m in types if m]
    if name == "TestMain":
        return "main" if testing_types == ["M"] else None
    for prefix, parameter, subkind in TEST_FUNCTIONS:
        if _test_name(name, prefix) and (testing_types == [parameter] if parameter else not declared):
            return subkind or _table_subkind(source, node, tables)
    return None


def _table_subkind(source: Source, node: Node, tables: frozenset[str]) -> str:
    """"table" when the test ranges over a table of cases: a composite literal, or a variable assigned one
    in the test (`tests := []struct{…}{…}`) or at package level (`tables`)."""
    body = node.child_by_field_name("body")
    if body is None:
        return ""
    local = _literal_names(source, (n for n in walk(body) if n.type in ("short_var_declaration", "var_spec")))
    for clause in (n for n in walk(body) if n.type == "range_clause"):
        ranged = clause.child_by_field_name("right")
        if ranged is not None and (ranged.type == "composite_literal" or source.of(ranged) in local | tables):
            return "table"
    return ""


def _tables(source: Source, root: Node) -> frozenset[str]:
    """Package-level variables the file assigns a composite literal (`var parseTests = []struct{…}{…}`)."""
    specs = (s for d in root.named_children if d.type == "var_declaration" for s in walk(d) if s.type == "var_spec")
    return _literal_names(source, specs)


def _literal_names(source: Source, declarations: Iterator[Node]) -> frozenset[str]:
    """The names these declarations assign a composite literal to."""
    return frozenset(source.of(name) for n in declarations for name, value in _assignments(n)
                     if value.type == "composite_literal")


def _assignments(node: Node) -> list[tuple[Node, Node]]:
    """(name, value) pairs of `a, b := x, y` (short_var_declaration) or `var a = x` (var_spec)."""
    if node.type == "short_var_declaration":
        names = node.child_by_field_name("left")
        left, values = (names.named_children if names else []), node.child_by_field_name("right")
    else:
        left, values = _names(node), node.child_by_field_name("value")
    return list(zip(left, values.named_children if values is not None else [], strict=False))


def _names(spec: Node) -> list[Node]:
    """The identifiers a const or var spec declares (the grammar files the commas between them as names too)."""
    return [n for n in spec.children_by_field_name("name") if n.type == "identifier"]


def _receiver_type(source: Source, node: Node) -> str:
    """`Store` for receivers `(s *Store)`, `(Store)` and `(l *List[T])`."""
    receiver = node.child_by_field_name("receiver")
    named = next((n for n in walk(receiver) if n.type == "type_identifier"), None) if receiver else None
    return source.of(named)


def _types(source: Source, node: Node, doc: str, imports: list[Import]) -> list[Unit]:
    """One `class` unit per type spec; a spec in a `type (…)` group spans its own lines."""
    specs = [s for s in node.named_children if s.type in ("type_spec", "type_alias")]
    units = []
    for spec in specs:
        name = source.of(spec.child_by_field_name("name"))
        shape = spec.child_by_field_name("type")
        subkind = "alias" if spec.type == "type_alias" else TYPE_SUBKINDS.get(shape.type if shape else "", "type")
        span = node if len(specs) == 1 else spec
        if not source.wanted(span):
            continue
        spec_doc = doc if len(specs) == 1 else comment_above(source, spec)
        signature = "type " + source.of(spec).split("{", 1)[0]
        units.append(source.unit(span, "class", name, signature, spec_doc, imports, subkind=subkind))
    return units


def _values(source: Source, node: Node, doc: str, imports: list[Import]) -> list[Unit]:
    """One `constant` or `variable` unit per name declared (`const ( A = iota; B )` gives two); the blank
    identifier declares nothing (`var _ Handler = (*mux)(nil)` only checks an interface)."""
    spec_type, kind = DECLARATIONS[node.type]
    specs = [s for s in node.named_children if s.type == spec_type]
    units = []
    for spec in specs:
        span = node if len(specs) == 1 else spec
        if not source.wanted(span):
            continue
        spec_doc = doc if len(specs) == 1 else comment_above(source, spec) or doc
        keyword = "const" if kind == "constant" else "var"
        for name in (n for n in _names(spec) if source.of(n) != "_"):
            units.append(source.unit(span, kind, source.of(name), f"{keyword} {source.of(spec)}".split("\n", 1)[0],
                                     spec_doc, imports))
    return units


def _header(source: Source, node: Node) -> str:
    body = node.child_by_field_name("body")
    return source.between(node.start_byte, body.start_byte if body else node.end_byte)
