"""The dependency tasks the benches grade retrieval on (bench/deps_bench.py `tasks_of`), in every language
the code graph resolves: the gold is the file defining the used name, or the file the import names."""

from __future__ import annotations

from pathlib import Path

from bench.deps_bench import tasks_of
from harvest.graph import on_demand_graph
from tests.fixtures.code_graph import GO_MODULE, JAVA_PROJECT, PACKAGE_REEXPORTS


def tasks(tmp_path: Path, files: dict[str, str]) -> dict[tuple[str, int, str], set[str]]:
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")
    return {(t.path, t.line, t.name): set(t.gold) for t in tasks_of(tmp_path, on_demand_graph(files), 100)}


def test_go_tasks_have_the_defining_file_as_gold_not_the_package_stand_in(tmp_path: Path) -> None:
    found = tasks(tmp_path, GO_MODULE)
    # Two positions per file at most; every gold is the file defining the name, found across the package.
    assert found[("cmd/shop/main.go", 14, "tax")] == {"lib/go-tax/tax.go"}
    assert found[("total.go", 9, "rounding")] == {"round.go"}  # a sibling file's name, unqualified
    assert found[("shop_test.go", 5, "New")] == {"shop.go"}
    assert {path for path, _, _ in found} == {"cmd/shop/main.go", "shop_external_test.go", "shop_test.go", "total.go"}


def test_java_and_python_tasks_follow_imports_and_reexports(tmp_path: Path) -> None:
    found = tasks(tmp_path, {**JAVA_PROJECT, **PACKAGE_REEXPORTS})
    cart, money = "src/main/java/com/acme/shop/Cart.java", "src/main/java/com/acme/shop/money/Money.java"
    assert found[(cart, 15, "Price")] == {"src/main/java/com/acme/shop/Price.java"}  # the same package
    assert found[("src/test/java/com/acme/shop/CartTest.java", 10, "ZERO")] == {money}  # a static on-demand import
    assert found[("tools/codegen/com/acme/tools/Gen.java", 5, "Cart")] == {cart}
    # `import kit` and `import kit.extra` bind `kit`: `kit.Tool` goes through the package's re-export.
    assert found[("app.py", 7, "kit")] == {"kit/__init__.py", "kit/core.py"}
