"""Code units from real tree-sitter parses of small sources in every supported language."""

from __future__ import annotations

import random

import pytest
from tree_sitter import Parser, Tree

from harvest.errors import InputError
from harvest.records import FileRecord, read_records
from harvest.units import (
    EXTRACTORS,
    SUPPORTED,
    count_parse_errors,
    extract_units,
    file_imports,
    first_parse_error_line,
)
from harvest.units.languages import inserted_rows, parse
from harvest.units.nodes import count_errors, error_nodes, walk
from tests.harvest.gojava_repos import (
    GO_SOURCE,
    GO_TABLE_TEST,
    JAVA_SOURCE,
    JUNIT5_TEST,
)

TSX = """\
import styled from 'styled-components';
import type { FC } from 'react';
import { useState } from 'react';

/** Props of the button. */
export interface ButtonProps {
  label: string;
}

const Root = styled.button`
  color: ${({ theme }) => theme.colors.text};
`;

export const Wrapper = styled(Root).attrs({ type: 'button' })`
  margin: 0;
`;

// Renders a button with a label.
export const Button: FC<ButtonProps> = ({ label }) => {
  const [pressed, setPressed] = useState(false);
  return <Root onClick={() => setPressed(!pressed)}>{label}</Root>;
};

export function useToggle(initial = false) {
  return useState(initial);
}

export function formatLabel(label: string): string {
  return label.trim();
}

export class Legacy extends React.Component {
  render() {
    return <div />;
  }
}
"""

SPEC = """\
import { Button } from './Button';

describe('Button', () => {
  it('renders', () => {
    expect(Button).toBeDefined();
  });
  describe('when disabled', () => {
    test('ignores clicks', () => {});
  });
});
"""

FASTAPI = '''\
"""Items."""
from fastapi import APIRouter
from pydantic import BaseModel

router = APIRouter(prefix="/items")


class Item(BaseModel):
    """An item for sale."""

    name: str

    def label(self) -> str:
        return self.name.title()


@router.get("/{item_id}", response_model=Item)
def get_item(item_id: int) -> Item:
    """Fetch one item."""
    return Item(name="x")


def helper(value):
    def inner():
        return value
    return inner


def test_helper():
    assert helper(1)() == 1


class TestItems:
    def test_label(self):
        assert Item(name="a").label() == "A"
'''


def _kinds(units) -> dict[str, str]:
    return {u.name: u.kind for u in units}


def test_tsx_components_styled_hooks_functions_and_classes() -> None:
    units = extract_units("src/Button.tsx", "tsx", TSX)
    assert _kinds(units) == {"Root": "styled", "Wrapper": "styled", "Button": "component", "useToggle": "hook",
                             "formatLabel": "function", "Legacy": "component", "render": "method"}
    button = next(u for u in units if u.name == "Button")
    assert button.doc == "Renders a button with a label."
    assert button.signature.startswith("export const Button: FC<ButtonProps> = ({ label }) =>")
    assert button.imports == ("react",)  # FC and useState; Root is local
    assert (button.start_line, button.end_line) == (19, 22)
    assert button.text.startswith("export const Button")
    assert all(u.parse_errors == 0 for u in units)


def test_jest_blocks_nest_under_their_describe() -> None:
    units = extract_units("src/Button.spec.tsx", "tsx", SPEC)
    assert [(u.kind, u.name, u.parent) for u in units] == [
        ("test-suite", "Button", ""), ("test", "renders", "Button"),
        ("test-suite", "when disabled", "Button"), ("test", "ignores clicks", "when disabled"),
    ]
    assert units[1].id == "src/Button.spec.tsx#Button > renders@4"


def test_python_routes_classes_methods_and_pytest_tests() -> None:
    units = extract_units("app/items.py", "python", FASTAPI)
    assert [(u.kind, u.name) for u in units] == [
        ("variable", "router"), ("class", "Item"), ("method", "label"), ("route", "GET /items/{item_id}"),
        ("function", "helper"), ("test", "test_helper"), ("test-suite", "TestItems"), ("test", "test_label"),
    ]
    _, item, _, route, helper, *_ = units
    assert item.doc == "An item for sale." and item.imports == ("pydantic",)
    assert route.text.startswith('@router.get("/{item_id}", response_model=Item)')
    assert route.signature == "def get_item(item_id: int) -> Item:" and route.doc == "Fetch one item."
    assert "def inner" in helper.text  # nested helpers stay inside their function
    assert units[2].id == "app/items.py#Item.label@13"


def test_module_level_names_are_constants_when_their_value_is_written_out() -> None:
    python = ('__all__ = ["TIMEOUT"]\nTIMEOUT = 5.0\nMETHODS: tuple = ("GET", "HEAD")\nLIMITS = {"a": [1, -2]}\n'
              'GREETING = "a" "b"\nlogger = get_logger(__name__)\nlabel = f"x{TIMEOUT}"\nfirst, second = 1, 2\n')
    assert [(u.kind, u.name, u.start_line) for u in extract_units("app/settings.py", "python", python)] == [
        ("constant", "TIMEOUT", 2), ("constant", "METHODS", 3), ("constant", "LIMITS", 4), ("constant", "GREETING", 5),
        ("variable", "logger", 6), ("variable", "label", 7)]
    ts = ("export const MAX_SIZE = 10, sizes = ['sm', 'lg'] as const;\nconst theme = { space: 4, name: 'x' };\n"
          "let count = 0;\nconst router = express.Router();\nconst label = `x${count}`;\nconst { a } = theme;\n"
          "export const useThing = () => count;\n")
    assert [(u.kind, u.name) for u in extract_units("src/settings.ts", "typescript", ts)] == [
        ("constant", "MAX_SIZE"), ("constant", "sizes"), ("constant", "theme"), ("variable", "count"),
        ("variable", "router"), ("variable", "label"), ("hook", "useThing")]


def test_go_and_java() -> None:
    go = extract_units("pkg/store_test.go", "go", 'package store\n\nimport "testing"\n\n// Store keeps items.\n'
                       "type Store struct{ items []string }\n\nfunc (s *Store) Add(x string) { s.items = append(s.items, x) }\n\n"
                       "func TestAdd(t *testing.T) {\n\tvar s Store\n\ts.Add(\"a\")\n}\n")
    assert [(u.kind, u.name, u.parent) for u in go] == [("class", "Store", ""), ("method", "Add", "Store"),
                                                        ("test", "TestAdd", "")]
    assert go[0].doc == "Store keeps items." and go[2].imports == ("testing",)
    java = extract_units("src/ItemTest.java", "java", "import org.junit.jupiter.api.Test;\n\nclass ItemTest {\n"
                         "    @Test\n    void addsItem() {}\n\n    private int size() { return 0; }\n}\n")
    assert [(u.kind, u.name) for u in java] == [("test-suite", "ItemTest"), ("test", "addsItem"), ("method", "size")]


NESTED_JUNIT = ("import org.junit.jupiter.api.*;\n\nclass OuterTest {\n    static final int LIMIT = 3;\n\n"
                "    void helper() {}\n\n    @Nested\n    class WhenEmpty {\n        void setUp() {}\n\n"
                "        @RepeatedTest(3)\n        void staysEmpty() {}\n    }\n}\n\nclass Plain {\n    void run() {}\n}\n")
JUNIT3 = ("import junit.framework.TestCase;\n\npublic class OldTest extends TestCase {\n    public void helper() {}\n\n"
          "    public void testAdds() {}\n}\n")
WORKFLOW = "name: ci\non:\n  push: {}\njobs:\n  test:\n    runs-on: ubuntu-latest\n"


@pytest.mark.parametrize(("path", "language", "text"), [
    ("src/Button.tsx", "tsx", TSX), ("src/Button.spec.ts", "typescript", SPEC), ("app/items.py", "python", FASTAPI),
    ("cart/cart.go", "go", GO_SOURCE.format(pkg="cart", Pkg="Cart")),
    ("cart/cart_test.go", "go", GO_TABLE_TEST.format(pkg="cart", Pkg="Cart")),
    ("src/main/java/a/CartBook.java", "java", JAVA_SOURCE.format(pkg="a", Name="CartBook")),
    ("src/test/java/a/CartBookTest.java", "java", JUNIT5_TEST.format(pkg="a", Name="CartBook")),
    ("src/test/java/OuterTest.java", "java", NESTED_JUNIT), ("src/test/java/OldTest.java", "java", JUNIT3),
    (".github/workflows/ci.yml", "yaml", WORKFLOW)])
def test_the_units_on_some_lines_are_the_whole_files_units_there(path: str, language: str, text: str) -> None:
    """Asked for the units meeting some lines, an extractor gives exactly those of the whole file, each as the
    whole file makes it: a class whose only test is elsewhere is still a test-suite."""
    everything = extract_units(path, language, text)
    last_line = text.count("\n") + 1
    for first in range(1, last_line + 1):
        for last in range(first, min(first + 3, last_line) + 1):
            assert extract_units(path, language, text, (first, last)) == [
                u for u in everything if u.start_line <= last and u.end_line >= first], (first, last)


def test_an_insertion_changes_its_own_rows_and_those_whose_syntax_it_changes() -> None:
    source = b"class A:\n    def f(self):\n        return 1\n\n    def g(self):\n        return 2\n"
    at = source.index(b"    def g")
    assert inserted_rows("python", source, at, b"    x = 1\n") == (4, 5)  # a statement of the class, no more
    assert inserted_rows("python", source, at, b"x = 1\n") == (2, 6)  # it ends the class: g is no method of it now


def test_broken_code_yields_what_parsed_and_counts_errors() -> None:
    source = "def good():\n    return 1\n\n\ndef broken(:\n    return (\n\n\ndef after():\n    return 2\n"
    units = extract_units("m.py", "python", source)
    assert "good" in _kinds(units)
    assert count_parse_errors("python", source) > 0
    assert count_parse_errors("python", "x = 1\n") == 0
    assert extract_units("empty.py", "python", "") == []
    with pytest.raises(InputError, match="supported"):
        count_parse_errors("cobol", "")


BROKEN_SAMPLES = {
    "python": "class Cart:\n    def add(self, item: str, count: int = 1) -> None:\n        if count > 0:\n"
              "            self.items[item] = self.items.get(item, 0) + count\n",
    "tsx": "export function Badge({ label }: { label: string }) {\n  const [on, setOn] = useState(false);\n"
           "  return <span onClick={() => setOn(!on)}>{label}</span>;\n}\n",
    "javascript": "module.exports = function total(items) {\n"
                  "  return items.reduce((sum, i) => sum + i.price, 0);\n};\n",
    "typescript": "export class Store<T> {\n  private items: T[] = [];\n"
                  "  add(item: T): void { this.items.push(item); }\n}\n",
    "go": "package store\n\nfunc (s *Store) Add(item string) error {\n\tif item == \"\" {\n\t\treturn errEmpty\n\t}\n"
          "\ts.items = append(s.items, item)\n\treturn nil\n}\n",
    "java": "class Store {\n    private final List<String> items = new ArrayList<>();\n"
            "    void add(String item) { if (item != null) { items.add(item); } }\n}\n",
}


@pytest.mark.parametrize("language", sorted(BROKEN_SAMPLES))
def test_the_errors_found_along_the_subtrees_that_hold_them_are_all_of_them(language: str) -> None:
    """`error_nodes` enters only subtrees marked `has_error`; on code broken at random it finds what a walk
    of every node finds, in the same order, so the counts and the first error's line stay the same."""
    rng = random.Random(f"errors-{language}")
    text = BROKEN_SAMPLES[language]
    broken_seen = 0
    for _ in range(150):
        cut = rng.randrange(len(text))
        broken = text[:cut] + rng.choice(["(", "{", "}", ")", ";", "=", "'", '"', "<", ":", "if ", ""]) \
            + text[cut + rng.randrange(0, 6):]
        root = parse(language, broken.encode()).root_node
        everywhere = [(n.type, n.start_byte, n.end_byte, n.start_point[0] + 1) for n in walk(root)
                      if n.type == "ERROR" or n.is_missing]
        assert [(n.type, n.start_byte, n.end_byte, n.start_point[0] + 1) for n in error_nodes(root)] == everywhere
        assert count_parse_errors(language, broken) == len(everywhere)
        assert first_parse_error_line(language, broken) == (everywhere[0][3] if everywhere else 0)
        broken_seen += bool(everywhere)
    assert broken_seen > 30  # the edits do break the code


def test_non_ascii_text_keeps_line_numbers_right() -> None:
    source = "# Größe und Maße — 日本語\nlabel = 'café'\n\n\ndef größe():\n    return 'ü'\n"
    label, unit = extract_units("m.py", "python", source)
    assert (label.kind, label.name, label.start_line, label.text) == ("constant", "label", 2, "label = 'café'\n")
    assert (unit.name, unit.start_line, unit.end_line) == ("größe", 5, 6)
    assert unit.text == "def größe():\n    return 'ü'\n"


def test_config_blocks_from_json_yaml_and_toml() -> None:
    tsconfig = '{\n  "compilerOptions": {\n    "strict": true\n  },\n  "include": ["src"]\n}\n'
    assert [(u.name, u.start_line, u.end_line) for u in extract_units("tsconfig.json", "json", tsconfig)] == [
        ("compilerOptions", 2, 4), ("include", 5, 5)]
    workflow = "# CI\nname: ci\non:\n  push: {}\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
    assert [u.name for u in extract_units(".github/workflows/ci.yml", "yaml", workflow)] == ["name", "on", "jobs"]
    pyproject = '[project]\nname = "x"\n\n[tool.ruff]\nline-length = 100\n'
    blocks = extract_units("pyproject.toml", "toml", pyproject)
    assert [(u.name, u.text) for u in blocks] == [("[project]", '[project]\nname = "x"\n'),
                                                 ("[tool.ruff]", "[tool.ruff]\nline-length = 100\n")]
    broken = extract_units("bad.json", "json", '{\n  "a": 1,\n  "b": \n')
    assert [u.name for u in broken] == ["a", "b"] and all(u.parse_errors for u in broken)


def test_imports_of_each_family() -> None:
    assert [(i.module, i.default, i.names) for i in file_imports("a.tsx", "tsx", TSX)] == [
        ("styled-components", "styled", ()), ("react", "", ("FC",)), ("react", "", ("useState",))]
    assert [(i.module, i.names) for i in file_imports("a.py", "python", FASTAPI)] == [
        ("fastapi", ("APIRouter",)), ("pydantic", ("BaseModel",))]
    assert file_imports("a.rb", "ruby", "require 'x'") == []


def test_a_unit_uses_an_import_only_where_its_name_stands_whole() -> None:
    """Names with `$`, names inside longer identifiers (of any script) and names at either end of the text."""
    code = ("import { $store, get } from 'svelte/store';\nimport Δ from 'delta';\nimport ui from 'ui';\n"
            "export function a() { return x$store + getter + ui_kit + Δx; }\n"
            "export function b() { return $store; }\n"
            "export function c() { return get(Δ) }\n")
    units = {u.name: u.imports for u in extract_units("a.ts", "typescript", code)}
    assert units == {"a": (), "b": ("svelte/store",), "c": ("svelte/store", "delta")}


def test_every_file_of_the_example_extracts(acme_harvest) -> None:
    _, harvest = acme_harvest
    units = [u for f in read_records(harvest / "files.jsonl", FileRecord) if f.language in SUPPORTED
             for u in extract_units(f.path, f.language, f.text)]
    by_id = {u.id: u for u in units}
    assert by_id["src/components/Button/Button.tsx#Button@14"].kind == "component"
    assert by_id["src/components/Button/Button.styles.ts#StyledButton@39"].kind == "styled"
    assert by_id["service/app/routers/items.py#GET /items/{item_id}@42"].kind == "route"
    assert sum(1 for u in units if u.kind == "test") > 20
    assert set(EXTRACTORS) <= SUPPORTED


def test_a_document_is_parsed_once_for_its_imports_its_errors_and_its_units(monkeypatch) -> None:
    """A completion request asks its document for its imports, then the fast rules ask for its errors and its
    units: one parse between them. A source too large to keep is parsed again each time."""
    from harvest.graph import document_bindings
    from harvest.units import languages

    languages._kept_trees.clear()
    parsed_sources: list[bytes] = []

    class Counted:  # every parse goes through languages._parser, whoever imported `parse`
        def __init__(self, language: str) -> None:
            self.parser = Parser(languages.grammar(language))

        def parse(self, source: bytes, old_tree: Tree | None = None) -> Tree:
            parsed_sources.append(source)
            return self.parser.parse(source) if old_tree is None else self.parser.parse(source, old_tree)

    monkeypatch.setattr(languages, "_parser", Counted)
    document = "import { clamp } from './math';\n\nexport const limit = (n: number) => clamp(n, 0, 10);\n"
    assert [b.local for b in document_bindings("src/limit.ts", "typescript", document)] == ["clamp"]
    assert count_parse_errors("typescript", document) == 0
    assert [u.name for u in extract_units("src/limit.ts", "typescript", document)] == ["limit"]
    assert len(parsed_sources) == 1
    large = "export const one = 1;\n" * (languages.KEPT_SOURCE_BYTES // 20)
    assert count_parse_errors("typescript", large) == count_parse_errors("typescript", large) == 0
    assert len(parsed_sources) == 3


@pytest.mark.parametrize("language", sorted(BROKEN_SAMPLES))
def test_an_edited_document_parsed_from_its_kept_tree_is_the_tree_a_whole_parse_gives(language: str,
                                                                                       monkeypatch) -> None:
    """A developer types at the end of a document and an answer is put in mid-line: each new text is parsed from
    the kept tree it is an edit of, and gives the tree (and the error counts) a parse from nothing gives, broken
    code included. A text that shares too little with any kept one is parsed whole."""
    from harvest.units import languages

    languages._kept_trees.clear()
    reparsed: list[bool] = []
    whole_parse = languages._parser(language)

    class Watched:
        def __init__(self, language: str) -> None:
            pass

        def parse(self, source: bytes, old_tree: Tree | None = None) -> Tree:
            reparsed.append(old_tree is not None)
            return whole_parse.parse(source) if old_tree is None else whole_parse.parse(source, old_tree)

    monkeypatch.setattr(languages, "_parser", Watched)
    rng = random.Random(f"typing-{language}")
    text = BROKEN_SAMPLES[language] * 3
    typed = text[:len(text) // 2]
    for _ in range(60):
        cut = len(typed)
        typed += text[cut:cut + rng.randint(1, 4)]
        at = rng.randrange(languages.PROBE, len(typed) - languages.PROBE)  # an edit at both ends parses whole
        answered = typed[:at] + rng.choice(["(", "}", "x = ", "return ", "\n  if (", ""]) + typed[at:]
        for version in (typed, answered):
            whole = whole_parse.parse(version.encode()).root_node
            assert str(languages.parsed(language, version.encode()).root_node) == str(whole)
            assert count_parse_errors(language, version) == count_errors(whole, language)
    assert reparsed[0] is False and all(reparsed[1:])
    unrelated = "x" * 10 if language == "python" else "1;"
    languages.parsed(language, unrelated.encode())
    assert reparsed[-1] is False


def test_a_new_version_starts_from_the_latest_kept_source_close_to_it_without_comparing_the_rest(monkeypatch) -> None:
    """Twenty developers' documents, kept side by side, all share their start with each other: a keystroke's new
    version starts from the latest kept one that differs from it in a few bytes, and older ones are not compared."""
    from harvest.units import languages

    base = "def render(self):\n    return self.title\n" * 40
    kept = [((base + f"# developer {n}\n").encode(), None) for n in range(15)]
    kept.append(((base + "x = clam").encode(), "the typist's last version"))
    compared: list[int] = []
    shared_start = languages._shared_start
    monkeypatch.setattr(languages, "_shared_start", lambda a, b: compared.append(1) or shared_start(a, b))
    old, tree, start, end = languages._closest((base + "x = clamp").encode(), kept)
    assert old == (base + "x = clam").encode()
    assert tree == "the typist's last version" and start == len(base) + len("x = clam") and end == 0
    assert len(compared) == 2  # its start and its end, for the latest kept source only
