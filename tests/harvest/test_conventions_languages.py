"""Naming and import conventions per language, on small real repositories of each layout: the rules reach
every file of the language (a new folder, a held-out file), catch a name against the grain, and leave alone
what the language itself allows (Go's exported and unexported names, Java's constructors)."""

from __future__ import annotations

from pathlib import Path

from harvest.config import HarvestConfig
from harvest.conventions.checks import applies
from harvest.conventions.lint import lint_files
from harvest.conventions.mine import mine_conventions
from harvest.conventions.rules import Rule
from harvest.dataset.build import load_corpus
from harvest.mining.pipeline import mine
from harvest.progress import progress_bar
from tests.harvest.gojava_repos import GO_SOURCE, JAVA_SOURCE, go_module, maven_project

MODULE_TS = """import {{ format }} from 'date-fns'

export const DEFAULT_{upper} = 10
const {name}Labels = ['a', 'b']
let {name}Count = 0

export function load{title}Items(limit: number) {{
  {name}Count += limit
  return {name}Labels.slice(0, limit)
}}

export function format{title}Date(at: Date) {{
  return format(at, 'yyyy-MM-dd')
}}
"""
TS_MODULES = ("orders", "billing", "stock", "users", "carts", "prices")


def _rules(repo) -> dict[str, Rule]:
    config = HarvestConfig()
    summary = mine(repo.path, config, progress=False)
    with progress_bar(False) as bar:
        corpus, _, _ = load_corpus(Path(summary.output), config, bar)
    return {r.id: r for r in mine_conventions(corpus, config)}


def _flagged(repo, path: str, text: str, rules: dict[str, Rule]) -> set[str]:
    """The warning-tier rules a new file `text` at `path` breaks."""
    repo.write(path, text)
    return {v.rule for v in lint_files(repo.path, [path], list(rules.values())) if v.severity == "warning"}


def test_typescript_functions_and_variables_in_snake_case_are_caught_in_a_new_folder(make_repo) -> None:
    repo = make_repo("ts")
    for name in TS_MODULES:
        repo.write(f"src/lib/{name}.ts", MODULE_TS.format(name=name, title=name.title(), upper=name.upper()))
    repo.commit("feat: lib")
    rules = _rules(repo)
    functions, variables, constants = (rules["js-function-names-mixedcaps"], rules["js-variable-names-camelcase"],
                                       rules["js-constant-names-camelcase-or-upper-snake-case"])
    assert [(r.support, r.severity, r.paths) for r in (functions, variables, constants)] == [
        (12, "warning", ("*.ts",)), (6, "warning", ("*.ts",)), (12, "warning", ("*.ts",))]
    fine = MODULE_TS.format(name="tax", title="Tax", upper="TAX")
    assert _flagged(repo, "packages/tax/src/tax.ts", fine, rules) == set()
    snake = fine.replace("loadTaxItems", "load_tax_items").replace("taxCount", "tax_count")
    assert _flagged(repo, "packages/tax/src/tax.ts", snake, rules) == {functions.id, variables.id}
    # A capital marks a constructor or a component rendering nothing, not a case: only snake_case breaks it.
    assert _flagged(repo, "src/lib/empty.tsx", "export const Empty = () => null\n", rules) == set()
    # A config file's functions are the team's too; its name is the tool's.
    config = "export function make_config() {\n  return { port: 3000 }\n}\n"
    assert _flagged(repo, "vite.config.ts", config, rules) == {functions.id}
    assert applies(functions, "docs/snippets/usage.ts", "typescript") and applies(functions, "setup.ts", "typescript")
    # A config file's top-level names are often the tool's keys: constants and variables are not judged there.
    assert not applies(constants, "vite.config.ts", "typescript") and applies(constants, "src/tax.ts", "typescript")


def test_go_names_are_mixedcaps_whichever_the_first_letter(make_repo) -> None:
    repo = make_repo("shop")
    go_module(repo)
    repo.commit("feat: shop")
    rules = _rules(repo)
    mixed = {r.id for r in rules.values() if r.source == "naming" and r.id.startswith("go-")}
    assert {"go-function-names-mixedcaps", "go-method-names-mixedcaps", "go-constant-names-mixedcaps"} <= mixed
    assert not [r for r in mixed if "pascalcase" in r or "camelcase" in r]  # exported or not is not a style
    source = GO_SOURCE.format(pkg="tax", Pkg="Tax")
    unexported = source.replace("func New()", "func newTax()").replace("return &Tax", "return &Tax")
    assert _flagged(repo, "tax/tax.go", unexported, rules) == set()
    assert _flagged(repo, "tax/tax.go", source.replace("func New()", "func new_tax()"), rules) == {
        "go-function-names-mixedcaps"}


def test_go_imports_unaliased_read_only_import_specs(make_repo) -> None:
    repo = make_repo("shop")
    go_module(repo)
    repo.commit("feat: shop")
    rule = _rules(repo)["go-imports-unaliased"]
    # `import "testing"` on one line (every table test) is not an alias named `import`.
    assert (rule.confidence, rule.severity, rule.exclude) == (1.0, "warning", ())
    source = GO_SOURCE.format(pkg="tax", Pkg="Tax")
    assert _flagged(repo, "tax/tax.go", source.replace('\t"strings"', '\tstr "strings"'), {rule.id: rule}) == {rule.id}
    returns = source + '\nfunc Kind() string {\n\treturn "strings"\n}\n'
    assert _flagged(repo, "tax/tax.go", returns, {rule.id: rule}) == set()


def test_java_constants_upper_snake_and_constructors_never_judged(make_repo) -> None:
    repo = make_repo("shop")
    maven_project(repo)
    repo.commit("feat: shop")
    rules = _rules(repo)
    constants, methods = rules["java-constant-names-upper-snake-case"], rules["java-method-names-camelcase"]
    assert (constants.confidence, methods.confidence) == (1.0, 1.0) and constants.paths == ("*.java",)
    path = "src/main/java/com/acme/shop/tax/TaxBook.java"
    source = JAVA_SOURCE.format(pkg="tax", Name="TaxBook")
    assert _flagged(repo, path, source, rules) == set()  # `public TaxBook(String owner)`: a constructor
    assert _flagged(repo, path, source.replace("MAX_ITEMS", "maxItems"), rules) == {constants.id}
    # Type and static wildcard imports are measured apart: a team may allow one and not the other.
    wildcard = source.replace("import java.util.HashMap;", "import java.util.*;")
    assert "java-no-wildcard-imports" in _flagged(repo, path, wildcard, rules)


PACKAGE_MODULE = "import logging\n\nlogger = logging.getLogger(__name__)\nRETRIES = 3\n\n\n" \
                 "def load_{name}(key):\n    return key\n\n\ndef save_{name}(key):\n    return key\n"
EXAMPLE_APP = "from shop.{name} import load_{name}\n\n\ndef show_{name}(key):\n    print(load_{name}(key))\n"


def test_python_naming_reaches_the_examples_and_printing_there_is_left_to_them(make_repo) -> None:
    repo = make_repo("shop")
    repo.write("shop/__init__.py", "")
    for name in ("orders", "billing", "stock", "users", "carts", "prices"):
        repo.write(f"shop/{name}.py", PACKAGE_MODULE.format(name=name))
        repo.write(f"examples/{name}_app/app.py", EXAMPLE_APP.format(name=name))
    repo.commit("feat: shop and its examples")
    rules = _rules(repo)
    functions, printing = rules["python-function-names-snake-case"], rules["no-print"]
    assert functions.support == 18 and applies(functions, "examples/new_app/app.py", "python")
    # Every example prints, no package module does: the examples are left out, the package holds to it.
    assert (printing.exclude or "example" not in printing.kinds) and printing.confidence == 1.0
    assert not applies(printing, "examples/new_app/app.py", "python") and applies(printing, "shop/tax.py", "python")
    assert "python-variable-names" not in " ".join(rules)  # `logger = getLogger(…)`: a computed value, not judged
    app = EXAMPLE_APP.format(name="orders").replace("def show_orders", "def showOrders")
    assert _flagged(repo, "examples/new_app/app.py", app, rules) == {functions.id}


MOCHA_TEST = """var request = require('supertest')
var app = require('../lib/{name}')

describe('{name}', function () {{
  it('responds', function (done) {{
    var test = request(app).get('/')
    test.expect(200, done)
    test.req.abort()
  }})
}})
"""


def test_mocha_tests_named_plainly_with_a_local_called_test(make_repo) -> None:
    repo = make_repo("mocha")
    repo.write("package.json", '{"name": "srv", "scripts": {"test": "mocha test/"}, "devDependencies": {"mocha": "10"}}\n')
    for name in ("router", "request", "response", "view", "utils", "query"):
        repo.write(f"lib/{name}.js", f"module.exports = function {name}Handler () {{ return 1 }}\n")
        repo.write(f"test/{name}.js", MOCHA_TEST.format(name=name))
    repo.commit("feat: server with mocha tests")
    rules = _rules(repo)
    call, names = rules["specs-use-it-not-test"], rules["test-files-named-plain"]
    # `test.req.abort()` on a supertest request is no test case: every file keeps to `it(`.
    assert (call.confidence, call.severity) == (1.0, "warning") and "specs-one-test-call-per-file" not in rules
    test = MOCHA_TEST.format(name="view")
    assert _flagged(repo, "test/view.js", test + "test('injected', function () {})\n", rules) == {call.id}
    assert _flagged(repo, "test/view.spec.js", test, rules) == {names.id}


def test_a_ban_holds_for_demos_only_when_there_are_enough_demos_to_measure(make_repo) -> None:
    repo = make_repo("shop")
    repo.write("shop/__init__.py", "")
    for name in ("orders", "billing", "stock", "users", "carts", "prices"):
        repo.write(f"shop/{name}.py", PACKAGE_MODULE.format(name=name))
    for name in ("orders", "billing"):  # two demos: too few to tell whether demos print
        repo.write(f"examples/{name}_app/app.py", EXAMPLE_APP.format(name=name).replace("print(", "log("))
    repo.commit("feat: shop")
    printing = _rules(repo)["no-print"]
    assert printing.kinds == ("source",) and printing.support == 7
    assert _flagged(repo, "examples/new_app/app.py", EXAMPLE_APP.format(name="orders"), {"no-print": printing}) == set()


def test_a_module_always_bound_to_one_name_in_mixed_forms_keeps_its_name(make_repo) -> None:
    repo = make_repo("node")
    for n, name in enumerate(("build", "clean", "copy", "lint", "serve", "watch", "bundle", "deploy", "docs", "zip")):
        form = "import * as path from 'path'" if n < 2 else "import path from 'path'"
        repo.write(f"scripts/{name}.ts", f"{form}\n\nexport const {name}Dir = path.join('out', '{name}')\n")
    repo.commit("feat: scripts")
    rule = _rules(repo)["import-path-as-path-any-form"]  # 8 default and 2 namespace imports: the name holds
    assert (rule.support, rule.confidence) == (10, 1.0)
    text = "import p from 'path'\n\nexport const extraDir = p.join('out')\n"
    assert _flagged(repo, "scripts/extra.ts", text, {rule.id: rule}) == {rule.id}
    assert _flagged(repo, "scripts/extra.ts", text.replace("import p from", "import * as path from"), {rule.id: rule}) == set()
