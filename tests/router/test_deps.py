"""Dependency and look-alike retrieval on real harvested repositories, through the API and `idiom search`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from router.config import IndexConfig
from router.contracts import CompletionRequest
from router.strategies.rag.focus import Focus, focus_of_file, focus_of_request
from router.strategies.rag.retrieve import Hit, Retriever, pack
from server.cli import idiom
from tests.fixtures.code_graph import (
    GO_MODULE,
    JAVA_PROJECT,
    MONOREPO,
    PACKAGE,
    PACKAGE_REEXPORTS,
    commit_files,
)

HASH = {"IDIOM_INDEX_EMBEDDING_MODEL": "hash"}


def indexed(make_repo, name: str, files: dict[str, str]):
    repo = commit_files(make_repo(name), files)
    runner = CliRunner()
    assert runner.invoke(idiom, ["harvest", str(repo.path), "--json"]).exit_code == 0
    built = runner.invoke(idiom, ["index", str(repo.path), "--json"], env=HASH)
    assert built.exit_code == 0, built.output
    return repo, Retriever(Path(os.environ["IDIOM_HOME"]) / "index", IndexConfig(embedding_model="hash"))


@pytest.fixture
def monorepo(make_repo):
    return indexed(make_repo, "shop-web", MONOREPO)


def test_deps_follow_the_line_then_the_prefix_through_barrels(monorepo) -> None:
    repo, retriever = monorepo
    focus = focus_of_file(repo.path, "apps/web/src/App.tsx", 11)  # the `return <Card …><Button …/>` line
    hits = retriever.search(focus, k=10, mode="deps")
    assert [(h.path, h.name) for h in hits[:2]] == [("packages/ui/src/Card.tsx", "Card"),
                                                    ("packages/ui/src/Button.tsx", "Button")]
    assert hits[0].why == ["import Card from @shop/ui", "re-export via packages/ui/src/index.ts"]
    assert "The primary action of a view." in hits[1].text and hits[1].source == "deps"
    # Then what the lines above use, nearest first; a namespace import's member; never React.
    names = [h.name for h in hits]
    assert names.index("formatPrice") < names.index("total")
    assert ("packages/utils/src/money.ts", "formatPrice") in [(h.path, h.name) for h in hits]
    assert all("react" not in h.path for h in hits)


def test_look_alikes_share_the_role_and_never_the_file_itself(monorepo) -> None:
    repo, retriever = monorepo
    focus = focus_of_file(repo.path, "packages/ui/src/Card.spec.tsx", 4)
    alikes = retriever.search(focus, k=3, mode="similar")
    assert alikes[0].path == "packages/ui/src/Button.spec.tsx" and alikes[0].why[0] == "same role (test src/*.spec.tsx)"
    assert all(h.path != focus.path for h in alikes)
    both = retriever.search(focus, k=4, mode="hybrid")
    assert both[0].source == "deps" and both[0].path == "packages/ui/src/Card.tsx"
    assert any(h.source == "similar" for h in both)


def test_search_cli_takes_a_position_and_batch_rows(monorepo, tmp_path: Path) -> None:
    repo, _ = monorepo
    runner = CliRunner()
    one = runner.invoke(idiom, ["search", "--repo", str(repo.path), "--file", "apps/web/src/App.tsx", "--line", "9",
                                "--mode", "deps", "-k", "1"], env=HASH)
    assert one.exit_code == 0, one.output
    assert "packages/utils/src/money.ts:2 function formatPrice" in one.output
    assert "re-export via packages/utils/src/main.ts" in one.output
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"id": "pos", "path": "apps/web/src/App.tsx", "line": 8}\n{"id": "txt", "query": "Card title"}\n')
    batch = runner.invoke(idiom, ["search", "--repo", str(repo.path), "--queries", str(rows), "-k", "2"], env=HASH)
    lines = [json.loads(line) for line in batch.output.splitlines()]
    assert lines[0]["id"] == "pos" and lines[0]["results"][0]["path"] == "apps/web/src/cart/total.ts"
    assert lines[0]["results"][0]["why"] == ["import total from @web/cart/total"]
    assert lines[1]["results"]
    rows.write_text('{"id": "bad", "path": "apps/web/src/App.tsx"}\n')
    bad = runner.invoke(idiom, ["search", "--repo", str(repo.path), "--queries", str(rows)], env=HASH)
    assert bad.exit_code == 1 and '"path" and "line"' in bad.output
    far = runner.invoke(idiom, ["search", "--repo", str(repo.path), "--file", "apps/web/src/App.tsx", "--line", "99"],
                        env=HASH)
    assert far.exit_code == 1 and "--line must be between 1 and 12" in far.output


def test_python_deps_through_init_and_submodules(make_repo) -> None:
    repo, retriever = indexed(make_repo, "shop-py", PACKAGE)
    focus = focus_of_file(repo.path, "src/shop/api/routes.py", 9)
    found = {(h.name, h.path) for h in retriever.search(focus, k=10, mode="deps")}
    assert {("Item", "src/shop/models.py"), ("TAX", "src/shop/models.py"), ("slug", "src/shop/utils.py")} <= found


def test_an_editor_request_becomes_a_focus() -> None:
    request = CompletionRequest(prefix="import a\nx = a.", suffix="b()\ny = 2\n", path="m.py")
    assert focus_of_request(request) == Focus("m.py", "python", "import a\n", "x = a.b()\n", "y = 2\n", "")
    # The word the cursor is in or ends is left out, both its parts: each keystroke into it asks about the same focus.
    for prefix, suffix in (("x = clam", "p(v)\n"), ("x = cl", "(v)\n"), ("x = $c_1", "(v)\n"), ("x = (", "v)\n")):
        assert focus_of_request(CompletionRequest(prefix=prefix, suffix=suffix, path="m.py")).line == "x = (v)\n"
    assert Focus(prefix="p = q\nr = s\n", line="t = u\n", instruction="v").names() == ["t", "u", "r", "s", "p", "q",
                                                                                    "v"]
    # Typing along a line: the names above are the same ones (kept), the line's own come first each time.
    assert Focus(prefix="p = q\nr = s\n", line="s = t\n").names() == ["s", "t", "r", "p", "q"]
    assert Focus(prefix="p = q\nr = s\n", line="s = tu\n", instruction="p").names() == ["s", "tu", "r", "p", "q"]


def test_pack_gives_dependencies_half_then_look_alikes_then_the_rest() -> None:
    def hit(name: str, source: str) -> Hit:
        return Hit(name, name, "function", "python", "", 1, 1, 1.0, [], source)

    deps = [hit(f"d{n}", "deps") for n in range(4)]
    alikes = [hit(f"s{n}", "similar") for n in range(4)]
    assert [h.path for h in pack(deps, alikes, 5)] == ["d0", "d1", "d2", "s0", "s1"]
    assert [h.path for h in pack(deps, alikes[:1], 5)] == ["d0", "d1", "d2", "d3", "s0"]
    assert [h.path for h in pack(deps, alikes, 1)] == ["d0"]


def test_a_python_package_imported_whole_leads_to_what_its_init_reexports(make_repo) -> None:
    repo, retriever = indexed(make_repo, "kit", PACKAGE_REEXPORTS)
    # `import kit` and `import kit.extra` both bind `kit`; `kit.Tool()` goes through kit/__init__.py.
    tool = retriever.search(focus_of_file(repo.path, "app.py", 7), k=5, mode="deps")
    assert (tool[0].path, tool[0].name) == ("kit/core.py", "Tool")
    assert tool[0].why == ["import kit (kit)", "re-export via kit/__init__.py"]
    # `kit.echo` is click's, re-exported: the package's __init__ is what the code depends on.
    echo = retriever.search(focus_of_file(repo.path, "app.py", 6), k=5, mode="deps")
    assert (echo[0].path, echo[0].name) == ("kit/__init__.py", "kit.echo")
    limit = retriever.search(focus_of_file(repo.path, "app.py", 8), k=5, mode="deps")
    assert ("kit/extra.py", "LIMIT") in [(h.path, h.name) for h in limit]


def test_go_dependencies_come_from_the_imported_package_and_the_own_one(make_repo) -> None:
    repo, retriever = indexed(make_repo, "shop-go", GO_MODULE)
    line = GO_MODULE["cmd/shop/main.go"].splitlines().index("\tvar p pricing.Price") + 2  # the Println line
    hits = retriever.search(focus_of_file(repo.path, "cmd/shop/main.go", line), k=5, mode="deps")
    assert {(h.path, h.name) for h in hits[:4]} == {("shop.go", "New"), ("internal/money/money.go", "Format"),
                                                    ("total.go", "Tax"), ("lib/go-tax/tax.go", "Rate")}
    sibling = retriever.search(focus_of_file(repo.path, "total.go", 9), k=5, mode="deps")
    assert [(h.path, h.name) for h in sibling] == [("shop.go", "Cart"), ("round.go", "rounding")]
    assert sibling[1].why == ["rounding: in scope without an import (shop)"]


def test_java_dependencies_come_from_static_on_demand_imports(make_repo) -> None:
    repo, retriever = indexed(make_repo, "shop-java", JAVA_PROJECT)
    test = "src/test/java/com/acme/shop/CartTest.java"
    hits = retriever.search(focus_of_file(repo.path, test, 10), k=5, mode="deps")  # `format(ZERO, null);`
    assert [(h.path, h.name) for h in hits][:2] == [("src/main/java/com/acme/shop/money/Money.java", "format"),
                                                    ("src/main/java/com/acme/shop/money/Money.java", "ZERO")]
