"""The code graph on real repositories: import resolution in TypeScript monorepos, Python packages, Go
modules and Java projects, re-export chains, package scopes, cycles, third-party imports, and incremental
rebuilds."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest

from harvest.config import HarvestConfig
from harvest.dataset.build import build_dataset
from harvest.errors import InputError
from harvest.graph import MODULE, CodeGraph, Resolution, on_demand_graph
from harvest.graph.workspace import parse_jsonc
from harvest.mining.pipeline import mine
from tests.fixtures.code_graph import (
    GO_MODULE,
    JAVA_PROJECT,
    MONOREPO,
    PACKAGE,
    PACKAGE_REEXPORTS,
    commit_files,
)


def harvest_graph(repo) -> CodeGraph:
    """Harvest `repo` for real and load the graph the dataset build wrote."""
    build_dataset(Path(mine(repo.path, HarvestConfig(), progress=False).output), HarvestConfig(), progress=False)
    graph = CodeGraph.load(Path(os.environ["IDIOM_HOME"]) / "datasets" / repo.path.name / "graph")
    assert graph is not None
    return graph


@pytest.fixture
def monorepo(make_repo):
    return commit_files(make_repo("shop-web"), MONOREPO)


@pytest.fixture
def package(make_repo):
    return commit_files(make_repo("shop-py"), PACKAGE)


def target(graph: CodeGraph, path: str, local: str) -> str:
    return next(b.target for b in graph.files[path].bindings if b.local == local)


def test_typescript_imports_resolve_through_workspaces_aliases_and_barrels(monorepo) -> None:
    graph = harvest_graph(monorepo)
    app = "apps/web/src/App.tsx"
    # Workspace package whose `main` is a build folder: its source twin, the barrel.
    assert target(graph, app, "Button") == "packages/ui/src/index.ts"
    # `exports` → ./lib/main.mjs has no file; src/main.ts is the source.
    assert target(graph, app, "price") == "packages/utils/src/main.ts"
    # tsconfig `paths` from the base config the app's tsconfig extends (comments and trailing commas).
    assert target(graph, app, "total") == "apps/web/src/cart/total.ts"
    assert target(graph, app, "money") == "packages/utils/src/money.ts"
    assert target(graph, app, "React") == ""  # third-party: skipped, not an error

    button = graph.find("packages/ui/src/index.ts", "Button")
    assert (button.path, button.definition.kind) == ("packages/ui/src/Button.tsx", "component")
    assert button.via == ("packages/ui/src/index.ts",)  # the barrel it passed through
    assert "The primary action of a view." in button.definition.snippet
    card = graph.find("packages/ui/src/index.ts", "Card")  # export { default as Card }
    assert (card.path, card.definition.name) == ("packages/ui/src/Card.tsx", "Card")
    price = graph.find("packages/utils/src/main.ts", "price")  # export { formatPrice as price } from
    assert (price.path, price.definition.name) == ("packages/utils/src/money.ts", "formatPrice")
    # `export *` cycle: found through it, and a missing name ends instead of looping.
    looped = graph.find("packages/ui/src/index.ts", "LOOPED")
    assert looped.path == "packages/ui/src/loop-b.ts" and looped.via == ("packages/ui/src/index.ts", "packages/ui/src/loop-a.ts")
    assert graph.find("packages/ui/src/index.ts", "Nothing") is None
    assert graph.files[app].references == ("total", "price", "money", "Card", "Button")


def test_python_imports_resolve_relative_absolute_submodules_and_init_reexports(package) -> None:
    graph = harvest_graph(package)
    routes = "src/shop/api/routes.py"
    assert target(graph, routes, "requests") == ""
    assert target(graph, routes, "shop") == "src/shop/utils.py"  # `import shop.utils` binds `shop`
    assert target(graph, routes, "Product") == "src/shop/__init__.py"
    assert target(graph, routes, "TAX") == "src/shop/models.py"  # from ..models
    item = graph.find("src/shop/__init__.py", "Item")
    assert (item.path, item.definition.kind, item.definition.start_line) == ("src/shop/models.py", "class", 4)
    assert '"""Something the shop sells."""' in item.definition.snippet
    utils = next(b for b in graph.files["src/shop/__init__.py"].bindings if b.local == "utils")
    assert (utils.imported, utils.target) == (MODULE, "src/shop/utils.py")  # from . import utils: a submodule
    assert target(graph, "tests/test_models.py", "Item") == "src/shop/models.py"  # from the src/ package root
    # Circular imports resolve both ways.
    assert graph.find("src/shop/api/ping.py", "pong_b").path == "src/shop/api/pong.py"
    assert graph.find("src/shop/api/pong.py", "ping_a").path == "src/shop/api/ping.py"


def test_a_second_build_of_an_unchanged_package_writes_the_same_graph(package) -> None:
    first = harvest_graph(package)
    # Rebuilt from the same harvest: from the build cache's facts, never the saved graph's bound ones, so
    # `from . import utils` still names the submodule (binding the saved binding again named the package).
    build_dataset(Path(os.environ["IDIOM_HOME"]) / "harvest" / package.path.name, HarvestConfig(), progress=False)
    again = CodeGraph.load(Path(os.environ["IDIOM_HOME"]) / "datasets" / package.path.name / "graph")
    assert again is not None and again.files == first.files
    utils = next(b for b in again.files["src/shop/__init__.py"].bindings if b.local == "utils")
    assert (utils.imported, utils.target) == (MODULE, "src/shop/utils.py")


def test_renaming_an_export_updates_the_graph_and_reuses_unchanged_files(monorepo) -> None:
    before = harvest_graph(monorepo)
    monorepo.write("packages/utils/src/money.ts", MONOREPO["packages/utils/src/money.ts"].replace(
        "formatPrice", "formatCents"))
    monorepo.write("packages/utils/src/main.ts", "export { formatCents as price } from './money';\n")
    monorepo.commit("refactor: formatPrice is formatCents")
    after = harvest_graph(monorepo)
    assert after.find("packages/utils/src/main.ts", "price").definition.name == "formatCents"
    assert [d.name for d in after.files["packages/utils/src/money.ts"].definitions] == ["formatCents"]
    assert after.files["packages/ui/src/Button.tsx"] == before.files["packages/ui/src/Button.tsx"]
    assert after.files["packages/utils/src/money.ts"].blob != before.files["packages/utils/src/money.ts"].blob


def test_pnpm_workspaces_and_a_broken_tsconfig(make_repo) -> None:
    repo = make_repo("pnpm")
    repo.write("pnpm-workspace.yaml", "packages:\n  - 'libs/*'\n")
    repo.write("tsconfig.json", "{ this is not json")
    repo.write("libs/core/package.json", '{"name": "core"}\n')
    repo.write("libs/core/index.ts", "export const core = 1;\n")
    repo.write("libs/core/deep/util.ts", "export const util = 2;\n")
    repo.write("app/main.ts", "import { core } from 'core';\nimport { util } from 'core/deep/util';\n")
    repo.commit("feat: pnpm workspace")
    graph = harvest_graph(repo)
    assert target(graph, "app/main.ts", "core") == "libs/core/index.ts"
    assert target(graph, "app/main.ts", "util") == "libs/core/deep/util.ts"


def test_jsonc_keeps_slashes_inside_strings() -> None:
    assert parse_jsonc('{"a": "http://x/*y*/", /* c */ "b": [1,],}') == {"a": "http://x/*y*/", "b": [1]}


def test_a_library_imports_itself_by_its_package_name_and_exports_subpaths(make_repo) -> None:
    repo = make_repo("selfie")
    repo.write("package.json", '{"name": "selfie", "main": "./dist/index.js", "exports": {".": "./dist/index.js",'
                               ' "./extra": {"import": {"types": "./dist/extra/index.d.mts"}}}}\n')
    repo.write("src/index.ts", "export const selfie = 1;\n")
    repo.write("src/extra/index.ts", "export const extra = 2;\n")
    repo.write("src/deep/util.ts", "export const util = 3;\n")
    repo.write("test/selfie.test.ts", "import { selfie } from 'selfie';\nimport { extra } from 'selfie/extra';\n"
                                      "import { util } from 'selfie/deep/util';\n")
    repo.commit("feat: a library")
    graph = harvest_graph(repo)
    test = "test/selfie.test.ts"
    assert (target(graph, test, "selfie"), target(graph, test, "extra")) == ("src/index.ts", "src/extra/index.ts")
    assert target(graph, test, "util") == "src/deep/util.ts"


def test_commonjs_exports_and_a_root_index_required_from_a_test_folder(make_repo) -> None:
    repo = make_repo("cjs")
    repo.write("index.js", "'use strict';\n\nmodule.exports = require('./lib/app');\n")
    repo.write("lib/app.js", "exports.listen = function listen() {};\nmodule.exports.close = () => {};\n")
    repo.write("test/app.js", "var app = require('..');\n")
    repo.commit("feat: commonjs")
    graph = harvest_graph(repo)
    assert target(graph, "test/app.js", "app") == "index.js"
    assert [(d.name, d.kind) for d in graph.files["lib/app.js"].definitions] == [("listen", "function"),
                                                                                 ("close", "function")]
    assert graph.find("index.js", "listen").path == "lib/app.js"  # module.exports = require(): a re-export


def test_the_on_demand_graph_parses_only_what_it_is_asked_about() -> None:
    texts = {"src/a.ts": "export * from './b';\n", "src/b.ts": "export const b = 1;\n",
             "src/c.ts": "export const c = 1;\n", "README.md": "# no code\n"}
    graph = on_demand_graph(texts)
    assert sorted(graph.files) == ["src/a.ts", "src/b.ts", "src/c.ts"]
    assert graph.find("src/a.ts", "b").path == "src/b.ts"
    assert sorted(graph.files.parsed) == ["src/a.ts", "src/b.ts"]


def test_a_saved_graph_finds_every_path_and_names_a_line_that_is_not_a_file(tmp_path: Path) -> None:
    """A saved graph's paths are read from the start of each line without decoding the rest; a path with quotes,
    commas and backslashes (`",` included) reads as decoding the line would, and a line that is not a file's facts
    is one error naming it, when the graph loads or when its file is asked for."""
    texts = {"src/a.ts": "import { b } from './b';\nexport const a = b;\n", "src/b.ts": "export const b = 1;\n",
             'src/we",ird\\\\".ts': "export const w = 1;\n", "src/ü\\.ts": "export const u = 2;\n"}
    graph = on_demand_graph(texts)
    full = CodeGraph(dict(graph.files.items()), graph.aliases, graph.packages, graph.go_modules,
                     graph.resolver.declared)
    full.save(tmp_path / "graph")
    loaded = CodeGraph.load(tmp_path / "graph")
    assert loaded is not None and dict(loaded.files) == dict(full.files) and len(loaded.files) == len(texts)
    files = tmp_path / "graph" / "files.jsonl"
    lines = files.read_bytes().splitlines()
    files.write_bytes(b"\n".join([*lines, b'{"path": 7}']))
    with pytest.raises(InputError, match=f"files.jsonl:{len(lines) + 1}: not a valid FileFacts record"):
        CodeGraph.load(tmp_path / "graph")
    files.write_bytes(b"\n".join([*lines, b'{"path":"src/c.ts","language": not json']))
    broken = CodeGraph.load(tmp_path / "graph")
    with pytest.raises(InputError, match="the record of src/c.ts is not a valid FileFacts record"):
        broken.files["src/c.ts"]


def test_a_saved_graph_finds_each_files_line_by_the_offsets_saved_with_it(tmp_path: Path) -> None:
    """`save` records where each file's line is, so a load reads no line: with every line's path made unreadable
    (its size kept) the graph still opens and knows its files. Without the table, or with one that no longer
    describes the file, the lines are read; a table that points a path at another file's line is an error naming
    it when that file is asked for."""
    texts = {"src/a.ts": "import { b } from './b';\nexport const a = b;\n", "src/b.ts": "export const b = 1;\n"}
    graph = on_demand_graph(texts)
    CodeGraph(dict(graph.files.items()), graph.aliases, graph.packages, graph.go_modules,
              graph.resolver.declared).save(tmp_path / "graph")
    folder = tmp_path / "graph"
    files, offsets = folder / "files.jsonl", folder / "files.offsets.json"
    saved, table = files.read_bytes(), orjson.loads(offsets.read_bytes())
    files.write_bytes(saved.replace(b'{"path":', b'{"PATH":'))
    assert list(CodeGraph.load(folder).files) == ["src/a.ts", "src/b.ts"]
    with pytest.raises(InputError, match="not a valid FileFacts record"):
        CodeGraph.load(folder).files["src/a.ts"]
    files.write_bytes(saved)
    for table_now in (None, {**table, "lengths": [n + 1 for n in table["lengths"]]}):  # none; not this file's
        if table_now is None:
            offsets.unlink()
        else:
            offsets.write_bytes(orjson.dumps(table_now))
        assert CodeGraph.load(folder).find("src/a.ts", "b").path == "src/b.ts"
    offsets.write_bytes(orjson.dumps({"paths": table["paths"][::-1], "lengths": table["lengths"]}))
    with pytest.raises(InputError, match="the record of src/b.ts is that of src/a.ts"):
        CodeGraph.load(folder).files["src/b.ts"]


def bound(graph: CodeGraph, path: str) -> dict[str, str]:
    """Local name → target of the file's bindings that resolve in the repository."""
    return {b.local: b.target for b in graph.files[path].bindings if b.target}


def test_go_imports_resolve_through_go_mod_and_names_through_the_package(make_repo) -> None:
    graph = harvest_graph(commit_files(make_repo("shop-go"), GO_MODULE))
    main = "cmd/shop/main.go"
    # Grouped imports under the go.mod module path; an alias; folders whose package has another name
    # (`v2` holds `pricing`, `go-tax` holds `tax`): the local name is the package's own. The target
    # stands for the package folder.
    assert bound(graph, main) == {"shop": "shop.go", "m": "internal/money/money.go", "pricing": "pricing/v2/price.go",
                                  "tax": "lib/go-tax/tax.go"}
    assert graph.find(bound(graph, main)["tax"], "Rate").definition.kind == "variable"
    assert next(b for b in graph.files[main].bindings if b.local == "fmt").target == ""  # standard library
    # `pkg.Name` is looked up in every file of the package's folder.
    tax = graph.find("shop.go", "Tax")
    assert (tax.path, tax.definition.kind, tax.definition.start_line) == ("total.go", "constant", 5)
    assert "Tax is added to every total." in tax.definition.snippet
    assert graph.find("shop.go", "New").definition.snippet.startswith("// New makes an empty Cart.")
    assert graph.find("shop.go", "Add") is None  # a method: reached through its receiver type
    # Unqualified names defined by a sibling file of the same package; tests see the package and its
    # test files, the package never sees its tests.
    assert bound(graph, "total.go") == {"Cart": "shop.go", "rounding": "round.go"}
    assert bound(graph, "shop_test.go") == {"Cart": "shop.go", "New": "shop.go", "Tax": "total.go",
                                            "total": "total.go"}
    assert graph.find("shop.go", "newFixture") is None
    # An external test package (`shop_test`) sees only what it imports.
    assert bound(graph, "shop_external_test.go") == {"shop": "shop.go"}
    assert graph.files[main].references == ("pricing", "fmt", "shop", "m")


def test_a_name_a_sibling_file_starts_defining_binds_in_an_unchanged_go_file(make_repo) -> None:
    repo = commit_files(make_repo("shop-go"), GO_MODULE)
    assert "discount" not in bound(harvest_graph(repo), "round.go")
    repo.write("round.go", "package shop\n\nfunc rounding(n int) int { return n - discount }\n")
    repo.commit("feat: discounts")
    assert "discount" not in bound(harvest_graph(repo), "round.go")
    repo.write("discount.go", "package shop\n\nconst discount = 1\n")
    repo.commit("feat: the discount")
    assert bound(harvest_graph(repo), "round.go")["discount"] == "discount.go"


def test_java_imports_resolve_to_classes_under_roots_found_from_package_clauses(make_repo) -> None:
    graph = harvest_graph(commit_files(make_repo("shop-java"), JAVA_PROJECT))
    cart = "src/main/java/com/acme/shop/Cart.java"
    money = "src/main/java/com/acme/shop/money/Money.java"
    # A class, a nested class and a static import name Money.java; `model.*` brings Item; Price is the
    # same package's; java.util is not the repository's.
    assert bound(graph, cart) == {"Money": money, "Currency": money, "format": money, "Item":
                                  "src/main/java/com/acme/shop/model/Item.java",
                                  "Price": "src/main/java/com/acme/shop/Price.java"}
    assert graph.find(money, "Currency").definition.snippet.startswith("    /** Currencies the shop takes. */")
    assert graph.find(cart, "Cart").definition.snippet.startswith("/** The items being bought. */")
    # A test under src/test/java shares its package with src/main/java; a static on-demand import brings
    # static members only (`describe` is an instance method).
    assert bound(graph, "src/test/java/com/acme/shop/CartTest.java") == {"Cart": cart, "format": money, "ZERO": money}
    # A source root nobody configured: found from the package clause.
    assert bound(graph, "tools/codegen/com/acme/tools/Gen.java") == {"Cart": cart}


def test_a_member_of_an_imported_python_package_resolves_through_its_reexports(make_repo) -> None:
    graph = harvest_graph(commit_files(make_repo("kit"), PACKAGE_REEXPORTS))
    # `import kit` then `kit.Tool`: through kit/__init__.py to kit/core.py; `kit.extra` is a submodule;
    # `kit.echo` comes from a third-party package: the file that imports it is as far as the graph goes.
    tool = graph.member("kit/__init__.py", "Tool")
    assert (tool.path, tool.definition.name, tool.via) == ("kit/core.py", "Tool", ("kit/__init__.py",))
    assert graph.member("kit/__init__.py", "extra") == Resolution("kit/extra.py", None)
    assert graph.member("kit/__init__.py", "echo") == Resolution("kit/__init__.py", None)
    assert graph.member("kit/__init__.py", "missing") is None
