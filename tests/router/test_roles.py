"""Roles learned from a repository's layout (router/strategies/rag/roles.py), and the look-alikes they pick
for a file the index has never seen, on small real repositories of each layout."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from harvest.classify import kind_of
from router.config import IndexConfig
from router.strategies.rag.focus import focus_of_file
from router.strategies.rag.retrieve import Retriever
from router.strategies.rag.roles import Roles
from server.cli import idiom
from tests.fixtures.code_graph import commit_files

MAVEN = [
    "src/main/java/com/shop/StringUtils.java", "src/main/java/com/shop/StringEscapeUtils.java",
    "src/main/java/com/shop/StringFormat.java", "src/main/java/com/shop/cart/CartController.java",
    "src/main/java/com/shop/order/OrderController.java", "src/main/java/com/shop/user/UserController.java",
    "src/test/java/com/shop/StringUtilsTest.java", "src/test/java/com/shop/cart/CartControllerTest.java",
    "src/test/java/com/shop/order/OrderControllerTest.java",
]


def roles_of(paths: list[str]) -> Roles:
    return Roles.learned(paths, kind_of)


def test_a_test_and_the_class_it_tests_never_share_a_role() -> None:
    roles = roles_of(MAVEN)
    source, test = roles.of("src/main/java/com/shop/StringUtils.java"), roles.of(MAVEN[6])
    assert source.folder == test.folder == "shop" and (source.kind, test.kind) == ("source", "test")
    assert {key for _, key in source.levels()}.isdisjoint(key for _, key in test.levels())
    assert test.name == "test shop/*Test.java"


def test_affixes_that_recur_across_folders_are_roles_and_a_folder_s_own_prefix_is_not() -> None:
    roles = roles_of(MAVEN)
    assert roles.of("src/main/java/com/shop/cart/CartController.java").pattern == "*Controller.java"
    # Three `String*` files, all in one folder: a topic, not a role.
    assert roles.of("src/main/java/com/shop/StringFormat.java").pattern == "*.java"
    assert ("source", "String*.java") not in roles.affixes
    # A new feature folder's controller: no member in its folder; its sibling folders' controllers come next.
    levels = roles.of("src/main/java/com/shop/product/ProductController.java").levels()
    assert levels[:3] == (("same role", "product/*Controller.java"), ("same folder family", "shop/*/*Controller.java"),
                          ("same file pattern", "*Controller.java"))


def test_prefixes_suffixes_compound_suffixes_and_shared_basenames() -> None:
    roles = roles_of([
        "src/hooks/useToast.ts", "src/hooks/useMedia.ts", "src/lib/useStore.ts", "src/lib/format.ts",
        "server/cart_test.go", "server/order_test.go", "client/http_test.go", "server/cart.go",
        "tests/test_cart.py", "tests/api/test_orders.py", "tests/api/test_users.py",
        "src/components/Button/Button.tsx", "src/components/Button/index.ts", "src/components/Card/index.ts",
        "src/components/Card/Card.styles.ts", "docs_src/first_steps/tutorial001.py",
    ])
    assert roles.of("src/hooks/useToast.ts").name == "hooks/use*.ts"
    assert roles.of("src/lib/format.ts").name == "lib/*.ts"
    assert roles.of("server/cart_test.go").name == "test server/*_test.go"
    assert [key for _, key in roles.of("tests/api/test_orders.py").levels()[:3]] == [
        "test api/test_*.py", "test tests/*/test_*.py", "test test_*.py"]
    assert roles.of("src/lib/format.ts").levels()[2] == ("same file pattern", "")  # no more than the file type
    assert roles.of("src/components/Button/Button.tsx").name == "components/*/*.tsx"  # an item folder
    assert roles.of("src/components/Card/index.ts").name == "components/*/index.ts"
    assert roles.of("src/components/Card/Card.styles.ts").pattern == "*.styles.ts"
    assert roles.of("docs_src/first_steps/tutorial002.py").name == "example first_steps/*.py"
    # What the index keeps of them names only the basenames that several folders hold, and reads back the same.
    assert roles.to_json()["names"] == {"index.ts": 2}
    again = Roles.from_json(roles.to_json(), kind_of)
    assert all(again.of(p) == roles.of(p) for p in ("src/components/Card/index.ts", "src/lib/format.ts", "x/index.ts"))


SHOP = {
    # Surefire runs `*Check.java` here: only the recorded test-discovery profile knows these are tests.
    "pom.xml": """<project><modelVersion>4.0.0</modelVersion><groupId>com.shop</groupId><artifactId>shop</artifactId>
<version>1</version><build><plugins><plugin><artifactId>maven-surefire-plugin</artifactId>
<configuration><includes><include>**/*Check.java</include></includes></configuration></plugin></plugins></build>
</project>
""",
    **{f"src/main/java/com/shop/{item.lower()}/{item}Controller.java": f"""package com.shop.{item.lower()};

public class {item}Controller {{
    public String show(String id) {{
        return "{item.lower()}/" + id;
    }}
}}
""" for item in ("Cart", "Order", "User")},
    **{f"src/test/java/com/shop/{item.lower()}/{item}Check.java": f"""package com.shop.{item.lower()};

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class {item}Check {{
    @Test
    void showsThe{item}() {{
        assertEquals("{item.lower()}/1", new {item}Controller().show("1"));
    }}
}}
""" for item in ("Cart", "Order", "User")},
}


def test_look_alikes_of_an_unseen_test_are_tests_by_the_harvest_s_own_discovery(make_repo) -> None:
    repo = commit_files(make_repo("shop-java"), SHOP)
    runner = CliRunner()
    assert runner.invoke(idiom, ["harvest", str(repo.path), "--json"]).exit_code == 0
    built = runner.invoke(idiom, ["index", str(repo.path), "--json"], env={"IDIOM_INDEX_EMBEDDING_MODEL": "hash"})
    assert built.exit_code == 0, built.output
    retriever = Retriever(Path(os.environ["IDIOM_HOME"]) / "index", IndexConfig(embedding_model="hash"))
    # Files written after the index was built, as in the editor.
    repo.write("src/test/java/com/shop/user/UserPriceCheck.java", SHOP["src/test/java/com/shop/user/UserCheck.java"]
               .replace("class UserCheck", "class UserPriceCheck"))
    repo.write("src/main/java/com/shop/product/ProductController.java",
               SHOP["src/main/java/com/shop/cart/CartController.java"].replace("Cart", "Product").replace("cart", "product"))
    tests = retriever.search(focus_of_file(repo.path, "src/test/java/com/shop/user/UserPriceCheck.java", 7), k=6,
                             mode="similar")
    assert {h.path for h in tests} == {f"src/test/java/com/shop/{i}/{i.title()}Check.java" for i in ("cart", "order", "user")}
    assert [h.why[0] for h in tests[:2]] == ["same role (test user/*Check.java)"] * 2  # UserCheck's class and test
    assert all(h.why[0] == "same folder family (test shop/*/*Check.java)" for h in tests[2:])
    code = retriever.search(focus_of_file(repo.path, "src/main/java/com/shop/product/ProductController.java", 3), k=3,
                            mode="similar")
    assert code and all(h.path.startswith("src/main/") and h.why[0] == "same folder family (shop/*/*Controller.java)"
                        for h in code)
