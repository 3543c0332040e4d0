"""Go and Java units from real tree-sitter parses: kinds and subkinds as the toolchains define them
(`go help testfunc`, JUnit's annotations), names exactly as written, members under their owner."""

from __future__ import annotations

from harvest.units import extract_units, file_imports
from tests.harvest.gojava_repos import (
    GO_EXTERNAL_TEST,
    GO_SOURCE,
    GO_TABLE_TEST,
    JAVA_SOURCE,
    JUNIT4_TEST,
    JUNIT5_TEST,
)


def _shape(units) -> list[tuple[str, str, str, str]]:
    return [(u.kind, u.subkind, u.name, u.parent) for u in units]


def test_go_declarations_are_functions_methods_types_constants_and_variables() -> None:
    units = extract_units("cart/cart.go", "go", GO_SOURCE.format(pkg="cart", Pkg="Cart"))
    assert _shape(units) == [
        ("constant", "", "MaxItems", ""), ("constant", "", "modeStrict", ""), ("constant", "", "modeLoose", ""),
        ("variable", "", "ErrFull", ""), ("class", "struct", "Cart", ""), ("class", "interface", "Store", ""),
        ("function", "", "New", ""), ("method", "", "Add", "Cart"), ("method", "", "Count", "Cart"),
    ]
    by_name = {u.name: u for u in units}
    assert by_name["Cart"].doc == "Cart keeps named quantities." and by_name["Cart"].signature == "type Cart struct"
    assert by_name["modeStrict"].doc == "modeStrict refuses unknown names."  # a grouped spec keeps its own comment
    assert by_name["Add"].id == "cart/cart.go#Cart.Add@36" and by_name["Add"].imports == ("strings",)


def test_go_tests_benchmarks_examples_and_table_tests() -> None:
    internal = extract_units("cart/cart_test.go", "go", GO_TABLE_TEST.format(pkg="cart"))
    external = extract_units("cart/example_test.go", "go", GO_EXTERNAL_TEST.format(pkg="cart"))
    assert _shape(internal) == [("test", "table", "TestAdd", ""), ("test", "benchmark", "BenchmarkAdd", "")]
    # A map literal is a table too; an example takes no parameter.
    assert _shape(external) == [("test", "table", "TestCountIgnoresCase", ""), ("test", "example", "ExampleNew", "")]


def test_only_what_go_test_runs_is_a_test() -> None:
    text = ('package shop\n\nimport (\n\t"testing"\n\n\t"github.com/stretchr/testify/suite"\n)\n\n'
            "func Testing(t *testing.T) {}\n\nfunc TestWithoutT() {}\n\nfunc TestPlain(t *testing.T) {\n\tt.Log(1)\n}\n\n"
            "func TestMain(m *testing.M) {}\n\nfunc FuzzParse(f *testing.F) {}\n\nfunc helper(t *testing.T) {}\n\n"
            "type ShopSuite struct{ suite.Suite }\n\nfunc (s *ShopSuite) TestOpens() {}\n\nfunc (s *ShopSuite) setup() {}\n")
    assert _shape(extract_units("shop/shop_test.go", "go", text)) == [
        ("function", "", "Testing", ""), ("function", "", "TestWithoutT", ""), ("test", "", "TestPlain", ""),
        ("test", "main", "TestMain", ""), ("test", "fuzz", "FuzzParse", ""), ("function", "", "helper", ""),
        ("class", "struct", "ShopSuite", ""), ("test", "", "TestOpens", "ShopSuite"), ("method", "", "setup", "ShopSuite"),
    ]
    # Outside a _test.go file nothing is a test, whatever its name.
    assert {u.kind for u in extract_units("shop/shop.go", "go", text)} == {"function", "class", "method"}


def test_go_type_groups_generics_and_aliases() -> None:
    text = ("package shop\n\ntype (\n\t// ID names an item.\n\tID string\n\tHandlerFunc func(int) error\n"
            "\tName = string\n)\n\ntype List[T any] struct{ xs []T }\n\nfunc (l *List[T]) Len() int { return len(l.xs) }\n"
            "var _ fmt.Stringer = (*List[int])(nil)\n")
    units = extract_units("shop/list.go", "go", text)
    assert _shape(units) == [("class", "type", "ID", ""), ("class", "type", "HandlerFunc", ""),
                             ("class", "alias", "Name", ""), ("class", "struct", "List", ""),
                             ("method", "", "Len", "List")]
    assert [(u.start_line, u.end_line, u.doc) for u in units[:2]] == [(5, 5, "ID names an item."), (6, 6, "")]
    assert units[0].signature == "type ID string" and units[3].signature == "type List[T any] struct"


def test_java_types_constructors_constants_and_methods() -> None:
    units = extract_units("src/main/java/com/acme/shop/cart/CartBook.java", "java",
                          JAVA_SOURCE.format(pkg="cart", Name="CartBook"))
    assert _shape(units) == [
        ("class", "class", "CartBook", ""), ("constant", "", "MAX_ITEMS", "CartBook"),
        ("constructor", "", "CartBook", "CartBook"), ("method", "", "addItem", "CartBook"),
        ("method", "", "countOf", "CartBook"), ("class", "record", "Line", "CartBook"),
        ("constructor", "", "Line", "Line"), ("class", "enum", "Unit", "CartBook"), ("constructor", "", "Unit", "Unit"),
        ("method", "", "label", "Unit"),
    ]
    by_name = {(u.kind, u.name): u for u in units}
    # Javadoc as prose: inline tags unwrapped, block tags (@param…) dropped.
    assert by_name[("constructor", "CartBook")].doc == "Makes an empty CartBook for owner."
    assert by_name[("method", "addItem")].doc == "Adds qty of the named item."
    assert by_name[("constant", "MAX_ITEMS")].signature == "public static final int MAX_ITEMS"
    assert by_name[("constructor", "CartBook")].id.endswith("#CartBook.CartBook@15")


def test_java_interfaces_annotations_and_fields() -> None:
    text = ("package a;\n\npublic interface Api {\n    int VERSION = 2;\n    String NAME = \"a\", OTHER = \"b\";\n"
            "    void call(int times);\n    default void twice() { call(2); }\n}\n\n@interface Marker {\n"
            "    String value() default \"\";\n}\n\nclass Plain {\n    static int counter;\n    private final int size = 1;\n}\n")
    assert _shape(extract_units("src/main/java/a/Api.java", "java", text)) == [
        ("class", "interface", "Api", ""), ("constant", "", "VERSION", "Api"), ("constant", "", "NAME", "Api"),
        ("constant", "", "OTHER", "Api"), ("method", "", "call", "Api"), ("method", "", "twice", "Api"),
        ("class", "annotation", "Marker", ""), ("method", "", "value", "Marker"), ("class", "class", "Plain", ""),
    ]


def test_junit_5_4_and_3_tests_and_their_suites() -> None:
    five = extract_units("src/test/java/a/CartBookTest.java", "java", JUNIT5_TEST.format(pkg="a", Name="CartBook"))
    assert _shape(five) == [("test-suite", "class", "CartBookTest", ""), ("test", "", "addsAnItem", "CartBookTest"),
                            ("test", "parameterized", "countsWhatWasAdded", "CartBookTest"),
                            ("method", "", "empty", "CartBookTest")]
    four = extract_units("src/test/java/a/CartBookTest.java", "java", JUNIT4_TEST.format(pkg="a", Name="CartBook"))
    assert _shape(four) == [("test-suite", "class", "CartBookTest", ""), ("test", "", "addsAnItem", "CartBookTest")]
    three = ("import junit.framework.TestCase;\n\npublic class OldTest extends TestCase {\n"
             "    public void testAdds() {}\n    public void testWith(int x) {}\n    public void helper() {}\n}\n")
    assert [(u.kind, u.name) for u in extract_units("src/test/java/OldTest.java", "java", three)] == [
        ("test-suite", "OldTest"), ("test", "testAdds"), ("method", "testWith"), ("method", "helper")]
    nested = ("import org.junit.jupiter.api.*;\n\nclass OuterTest {\n    @Nested\n    class WhenEmpty {\n"
              "        @org.junit.jupiter.api.RepeatedTest(3)\n        void staysEmpty() {}\n    }\n}\n")
    assert _shape(extract_units("src/test/java/OuterTest.java", "java", nested)) == [
        ("test-suite", "class", "OuterTest", ""), ("test-suite", "class", "WhenEmpty", "OuterTest"),
        ("test", "repeated", "staysEmpty", "WhenEmpty")]


def test_spring_routes_stay_routes() -> None:
    text = ("@RestController\nclass OwnerController {\n    @GetMapping(\"/owners/{id}\")\n"
            "    Owner show(@PathVariable int id) { return null; }\n}\n")
    assert _shape(extract_units("src/main/java/OwnerController.java", "java", text))[1] == (
        "route", "", "show", "OwnerController")


def test_go_dot_and_blank_imports_bring_no_name() -> None:
    text = 'package x\n\nimport (\n\t. "fmt"\n\t_ "embed"\n\tj "encoding/json"\n\t"net/http"\n)\n'
    assert [(i.module, i.default) for i in file_imports("x/x.go", "go", text)] == [
        ("fmt", ""), ("embed", ""), ("encoding/json", "j"), ("net/http", "http")]
    # `_` and `.` are not names a unit could use: nothing is credited to them.
    unit = extract_units("x/x.go", "go", text + "\nfunc F() { _ = j.Valid(nil) }\n")[0]
    assert unit.imports == ("encoding/json",)


def test_a_go_table_may_be_declared_at_package_level() -> None:
    text = ('package shop\n\nimport "testing"\n\nvar parseTests = []struct{ in, out string }{{"a", "A"}}\n\n'
            "func TestParse(t *testing.T) {\n\tfor _, tt := range parseTests {\n\t\t_ = tt\n\t}\n}\n\n"
            "func TestLoop(t *testing.T) {\n\tfor i := range 3 {\n\t\t_ = i\n\t}\n}\n")
    assert _shape(extract_units("shop/parse_test.go", "go", text)) == [
        ("variable", "", "parseTests", ""), ("test", "table", "TestParse", ""), ("test", "", "TestLoop", "")]
