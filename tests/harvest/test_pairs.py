"""Pair builders on the example repository: what each kind teaches, worded from the code's metadata."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvest.config import HarvestConfig
from harvest.dataset.build import load_corpus
from harvest.errors import ConfigError
from harvest.mining.pipeline import mine
from harvest.pairs import PAIR_BUILDERS, build_pairs
from harvest.pairs.sources import Sources
from harvest.progress import progress_bar
from tests.harvest.gojava_repos import go_module, maven_project


@pytest.fixture(scope="module")
def sources(acme_harvest) -> Sources:
    with progress_bar(False) as bar:
        corpus, _, head = load_corpus(acme_harvest[1], HarvestConfig(), bar)
    return Sources({f.path: f for f in corpus.files}, corpus.units, corpus.commits, corpus.prs, head,
                   {c.sha: c.author_date for c in corpus.commits})


def _by(pairs, kind: str, path: str = "") -> list:
    return [p for p in pairs if p.kind == kind and p.path.endswith(path)]


def test_components_are_asked_for_by_their_props(sources) -> None:
    (button,) = _by(PAIR_BUILDERS["code"](sources), "component", "Button/Button.tsx")
    assert button.prompt.startswith("Create a React component `Button` with props `variant` and `size` in "
                                    "`src/components/Button/Button.tsx`.")
    assert button.completion.startswith("export const Button: FC<ButtonProps>")
    assert button.unit == "src/components/Button/Button.tsx#Button@14"
    assert button.commit and button.date.startswith("20")


def test_routes_hooks_and_styled_components(sources) -> None:
    pairs = list(PAIR_BUILDERS["code"](sources))
    route = next(p for p in pairs if p.kind == "route" and "GET /items/{item_id}" in p.prompt)
    assert route.prompt.startswith("Add the FastAPI route `GET /items/{item_id}`")
    assert route.completion.startswith('@router.get("/{item_id}", response_model=Item)')
    assert any(p.prompt.startswith("Write a React hook `useDebounce` taking `value` and `delayMs`") for p in pairs)
    assert any(p.kind == "styled" and "`StyledButton`" in p.prompt for p in pairs)


def test_tests_are_prompted_with_the_source_they_test(sources) -> None:
    (spec,) = _by(PAIR_BUILDERS["test"](sources), "test", "Button/Button.spec.tsx")
    assert spec.prompt == ("Write the tests for `Button` (src/components/Button/Button.tsx) in "
                           "`src/components/Button/Button.spec.tsx`.")
    assert spec.context.startswith("src/components/Button/Button.tsx:\n")
    assert {"src/components/Button/Button.spec.tsx", "src/components/Button/Button.tsx"} <= set(spec.files)
    assert "it(" in spec.completion and "test(" not in spec.completion


def test_config_blocks(sources) -> None:
    pairs = list(PAIR_BUILDERS["config"](sources))
    assert any(p.prompt == "Add the TypeScript compiler options to `tsconfig.json` the way this team configures it."
               for p in pairs)


def test_commits_teach_the_change_and_the_message(sources) -> None:
    commits = list(PAIR_BUILDERS["commit"](sources))
    messages = list(PAIR_BUILDERS["commit-message"](sources))
    assert len(commits) == len(messages) > 20
    refactor = next(p for p in commits if "use it() and theme tokens" in p.prompt)
    assert refactor.completion.startswith("--- a/src/components/Modal/")
    assert "-  test(" in refactor.completion and "+  it(" in refactor.completion
    assert "before the change" in refactor.context
    assert all(not p.prompt.startswith("Merge pull request") for p in commits)
    assert any(p.completion.startswith("feat(modal): add Modal component") for p in messages)


def test_review_comments_teach_the_merged_code(sources) -> None:
    reviews = list(PAIR_BUILDERS["review"](sources))
    spec = next(p for p in reviews if p.path.endswith("Modal.spec.tsx"))
    assert "We use `it(` rather than `test(`" in spec.prompt and "PR #3" in spec.prompt
    assert "test(" in spec.context and "it(" in spec.completion and "test(" not in spec.completion
    colours = next(p for p in reviews if p.path.endswith("Modal.styles.ts"))
    assert "rgba(" in colours.context and "theme.colors.overlay" in colours.completion


def test_registry() -> None:
    assert all(builder.__doc__ for builder in PAIR_BUILDERS.values())
    with pytest.raises(ConfigError, match="valid ones are code, test"):
        build_pairs(Sources({}, (), (), ()), ["poems"])


def test_files_most_commits_touch_are_hubs() -> None:
    from harvest.pairs.history import HUB_MIN_COMMITS, hub_files
    from harvest.records import CommitRecord, FileChange

    commits = tuple(CommitRecord(f"c{n}", (f"c{n - 1}",), "a", "2025-01-01", f"feat: {n}",
                                 (FileChange("CHANGELOG.md", "modified"), FileChange(f"src/m{n}.py", "added")))
                    for n in range(HUB_MIN_COMMITS))
    assert hub_files(commits) == {"CHANGELOG.md"}
    assert hub_files(commits[:5]) == frozenset()  # too little history to tell


def _sources_of(repo) -> Sources:
    """Mine a synthetic repository and load what the pair builders read."""
    summary = mine(repo.path, HarvestConfig(), progress=False)
    with progress_bar(False) as bar:
        corpus, _, head = load_corpus(Path(summary.output), HarvestConfig(), bar)
    return Sources({f.path: f for f in corpus.files}, corpus.units, corpus.commits, corpus.prs, head,
                   {c.sha: c.author_date for c in corpus.commits})


def test_go_methods_are_taught_apart_from_their_type(make_repo) -> None:
    repo = make_repo("shop")
    go_module(repo, packages=("cart",))
    repo.commit("feat: cart")
    pairs = list(PAIR_BUILDERS["code"](_sources_of(repo)))
    prompts = {p.prompt.split(" in `")[0]: p for p in pairs}
    # Go declares methods outside the struct: each is its own pair, worded from its receiver and parameters.
    add = prompts["Write the Go method `Cart.Add` taking `name` and `qty`"]
    assert add.kind == "method"
    assert add.prompt.endswith("that does this: Add adds qty of the named item. It uses `strings`.")
    assert add.completion.startswith("func (c *Cart) Add(name string, qty int) error {")
    struct = prompts["Write the Go struct `Cart` (`type Cart struct`)"]
    assert struct.kind == "class" and struct.prompt.endswith("Its purpose: Cart keeps named quantities.")
    assert "Write the Go interface `Store` (`type Store interface`)" in prompts
    assert {p.kind for p in pairs} == {"function", "method", "class"}  # constants and variables teach no pair


def test_java_constructors_are_taught_as_methods_of_long_classes(make_repo) -> None:
    repo = make_repo("shop")
    maven_project(repo, packages=("cart",))
    many = "".join(f"    /** Reads field {n}. */\n    public int field{n}() {{\n        return {n};\n    }}\n\n"
                   for n in range(25))
    repo.write("src/main/java/com/acme/shop/cart/Ledger.java",
               "package com.acme.shop.cart;\n\npublic class Ledger {\n    private final String owner;\n\n"
               "    /** Opens the ledger of {@code owner}. */\n    public Ledger(final String owner, int... pages) {\n"
               "        this.owner = owner;\n    }\n\n" + many + "}\n")
    repo.commit("feat: cart")
    pairs = list(PAIR_BUILDERS["code"](_sources_of(repo)))
    by_unit = {p.unit.split("#", 1)[1].rsplit("@", 1)[0]: p for p in pairs}
    # A short class is one pair; its members are in it.
    assert by_unit["CartBook"].prompt.startswith("Write the Java class `CartBook` (`public class CartBook`) in ")
    assert not any(key.startswith("CartBook.") for key in by_unit)
    assert "Unit" not in by_unit and "CartBookTest" not in by_unit  # nested in a short class; a test suite
    # A long class is taught member by member; its constructor as a method pair worded as a constructor.
    assert "Ledger" not in by_unit and by_unit["Ledger.field3"].kind == "method"
    ctor = by_unit["Ledger.Ledger"]
    assert ctor.kind == "method" and ctor.prompt == (
        "Write the Java constructor of `Ledger` taking `owner` and `pages` in "
        "`src/main/java/com/acme/shop/cart/Ledger.java` that does this: Opens the ledger of owner.")


def test_long_junit_files_are_taught_case_by_case_in_their_class(make_repo) -> None:
    repo = make_repo("shop")
    maven_project(repo, packages=("cart",))
    cases = "".join(f"    @Test\n    void adds{n}() {{\n        CartBook it = new CartBook(\"a\");\n"
                    f"        it.addItem(\"x\", {n});\n        assertThat(it.countOf(\"x\")).isEqualTo({n});\n    }}\n\n"
                    for n in range(30))
    repo.write("src/test/java/com/acme/shop/cart/CartBookTest.java",
               "package com.acme.shop.cart;\n\nimport static org.assertj.core.api.Assertions.assertThat;\n\n"
               "import org.junit.jupiter.api.Test;\n\nclass CartBookTest {\n" + cases + "}\n")
    repo.commit("feat: cart")
    pairs = _by(PAIR_BUILDERS["test"](_sources_of(repo)), "test", "CartBookTest.java")
    assert len(pairs) == 30 and pairs[0].prompt == (
        'Write the test "adds0" in the class `CartBookTest` of `src/test/java/com/acme/shop/cart/CartBookTest.java` '
        "for `CartBook`.")
    assert pairs[0].context.startswith("src/main/java/com/acme/shop/cart/CartBook.java:\n")
