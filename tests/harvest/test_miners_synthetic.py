"""Each miner on small real repositories: a convention every place follows becomes a rule with the counts
it was measured on; one that 80% follow, or too few places show, does not."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from harvest.classify import kind_of, language_of
from harvest.config import HarvestConfig
from harvest.conventions.checks import run_check
from harvest.conventions.corpus import Corpus
from harvest.conventions.mine import merge, mine_conventions
from harvest.conventions.miners.base import folder_globs
from harvest.conventions.rules import Rule, Subject
from harvest.dataset.build import load_corpus
from harvest.mining.pipeline import mine
from harvest.progress import progress_bar
from harvest.records import FileRecord, PullRequest, ReviewComment
from harvest.units import extract_units
from tests.harvest.gojava_repos import (
    GO_TABLE_TEST,
    GO_TESTIFY_TEST,
    JUNIT4_TEST,
    JUNIT5_TEST,
    go_module,
    maven_project,
)

ROUTE = '@router.{verb}("/{name}"{extra})\ndef {name}() -> dict:\n    return {{"ok": True}}\n\n\n'


def _rules(repo) -> dict:
    """Harvest the repository and mine it: rule id → rule."""
    config = HarvestConfig()
    summary = mine(repo.path, config, progress=False)
    with progress_bar(False) as bar:
        corpus, _, _ = load_corpus(Path(summary.output), config, bar)
    return {r.id: r for r in mine_conventions(corpus, config)}


def _corpus(files: dict[str, str], prs: tuple[PullRequest, ...] = ()) -> Corpus:
    """A corpus straight from file texts, units found by tree-sitter: for miners that need no history."""
    records = tuple(FileRecord(p, kind_of(p), language_of(p), len(t), "0" * 40, t) for p, t in sorted(files.items()))
    units = tuple(u for r in records for u in extract_units(r.path, r.language, r.text))
    return Corpus(records, units, (), prs)


def test_routes_declaring_response_model_everywhere_make_a_rule(make_repo) -> None:
    repo = make_repo("api")
    names = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"]
    routes = "".join(ROUTE.format(verb="get", name=n, extra=", response_model=dict") for n in names)
    repo.write("api/app/routes.py", "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n" + routes)
    repo.commit("feat: routes")
    rule = _rules(repo)["routes-declare-response-model"]
    assert (rule.type, rule.unit_kind, rule.support, rule.followed) == ("unit-regex", "route", 6, 6)
    assert rule.paths == ("api/app/*.py",) and rule.evidence[0] == "api/app/routes.py:6"


def test_a_keyword_in_the_route_body_does_not_satisfy_the_rule(make_repo) -> None:
    repo = make_repo("api")
    names = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"]
    routes = "".join(ROUTE.format(verb="get", name=n, extra=", response_model=dict") for n in names)
    repo.write("api/app/routes.py", "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n" + routes)
    repo.commit("feat: routes")
    rule = _rules(repo)["routes-declare-response-model"]
    text = ('from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get("/eta")\ndef eta() -> dict:\n'
            "    return dict(response_model=1)\n")
    units = tuple(extract_units("api/app/more.py", "python", text))
    assert [u.kind for u in units] == ["variable", "route"]
    assert [h.line for h in run_check(rule, Subject("api/app/more.py", text, units))] == [6]


def test_routes_missing_response_model_in_one_of_six_make_no_rule(make_repo) -> None:
    repo = make_repo("api")
    routes = "".join(ROUTE.format(verb="get", name=n, extra=", response_model=dict" if n != "zeta" else "")
                     for n in ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"])
    repo.write("api/app/routes.py", "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n" + routes)
    repo.commit("feat: routes")
    assert "routes-declare-response-model" not in _rules(repo)  # 5 of 6 = 83% < 90%


def test_hooks_and_multi_word_functions_set_the_naming_rules(make_repo) -> None:
    repo = make_repo("hooks")
    for name in ("useToggle", "useCounter", "useTimer", "usePrevious", "useFocus"):
        repo.write(f"src/hooks/{name}.ts", f"import {{ useState }} from 'react';\n\nexport function {name}() {{\n"
                   "  const [value, setValue] = useState(0);\n  return { value, setValue };\n}\n")
    repo.write("service/jobs.py", "".join(f"def {n}(x: int) -> int:\n    return x\n\n\n"
                                          for n in ("run_job", "stop_job", "retry_job", "queue_job", "drop_job")))
    repo.commit("feat: hooks and jobs")
    rules = _rules(repo)
    hook = rules["js-hook-names-use-prefix"]
    assert (hook.type, hook.value, hook.unit_kind, hook.support) == ("naming", r"^use[A-Z0-9][A-Za-z0-9]*$", "hook", 5)
    assert rules["python-function-names-snake-case"].support == 5
    hook_files = rules["file-names-ts-camelcase"]  # useToggle.ts … all camelCase, a habit of every `.ts` file
    assert (hook_files.paths, hook_files.confidence) == (("*.ts",), 1.0)


def test_one_word_names_fit_every_lowercase_style_so_no_case_rule(make_repo) -> None:
    repo = make_repo("words")
    repo.write("service/jobs.py", "".join(f"def {n}(x: int) -> int:\n    return x\n\n\n"
                                          for n in ("run", "stop", "retry", "queue", "drop")))
    repo.commit("feat: jobs")
    assert not [r for r in _rules(repo) if r.startswith("python-function-names")]


def test_python_package_imports_absolute_or_relative(make_repo) -> None:
    for style, line in (("absolute", "from shop.base import BASE"), ("relative", "from .base import BASE")):
        repo = make_repo(f"shop-{style}")
        repo.write("shop/__init__.py", "")
        repo.write("shop/base.py", "BASE = 1\n")
        for name in ("cart", "order", "price", "stock", "user"):
            repo.write(f"shop/{name}.py", f"{line}\n\n\ndef {name}_total(x: int) -> int:\n    return x + BASE\n")
        repo.commit("feat: shop")
        rule = _rules(repo)[f"python-{style}-imports"]
        assert (rule.type, rule.value, rule.paths, rule.support, rule.confidence) == ("package-imports", style,
                                                                                     ("/shop/",), 7, 1.0)
        other = "from .base import BASE" if style == "absolute" else "from shop.base import BASE"
        assert _breaks(rule, "shop/extra/more.py", "python", f"{other}\n") and not _breaks(rule, "shop/more.py", "python", line)


def test_python_modules_with_test_companions(make_repo) -> None:
    repo = make_repo("tested")
    for name in ("cart", "order", "price", "stock", "users"):
        repo.write(f"shop/{name}.py", f"def {name}_count() -> int:\n    return 1\n")
        repo.write(f"tests/test_{name}.py", f"from shop.{name} import {name}_count\n\n\ndef test_it():\n"
                   f"    assert {name}_count() == 1\n")
    repo.commit("feat: shop with tests")
    rule = _rules(repo)["python-tests-named-after-modules"]
    assert rule.type == "filename" and rule.paths == ("tests/*.py",) and rule.support == 5
    assert "5 of 5 modules" in rule.message


def test_hex_colours_in_80_percent_of_styles_free_files_make_no_rule_95_percent_does(make_repo) -> None:
    for hexed, total, expected in ((2, 10, False), (1, 20, True)):
        repo = make_repo(f"styles-{hexed}-{total}")
        for n in range(total):
            colour = "#ff0000" if n < hexed else "${({ theme }) => theme.colors.primary}"
            repo.write(f"src/components/C{n}/C{n}.styles.ts",
                       f"import styled from 'styled-components';\n\nexport const Root{n} = styled.div`\n"
                       f"  color: {colour};\n`;\n")
        repo.commit("feat: styles")
        rules = _rules(repo)
        assert ("no-hex-colours-in-styles" in rules) is expected
        if expected:
            rule = rules["no-hex-colours-in-styles"]
            assert (rule.support, rule.followed, rule.exceptions) == (20, 19, ("src/components/C0/C0.styles.ts:4",))
            assert rule.evidence[0] == "src/components/C1/C1.styles.ts:4"  # theme tokens: the counterpart


def test_ticket_prefixes_win_and_merges_reverts_and_fixups_do_not_count(make_repo) -> None:
    repo = make_repo("tickets")
    for n in range(6):
        repo.write(f"f{n}.txt", f"{n}\n")
        repo.commit(f"SHOP-{n + 1} change file {n}")
    repo.write("f0.txt", "again\n")
    repo.commit('Revert "SHOP-1 change file 0"')
    repo.write("f1.txt", "again\n")
    repo.commit("fixup! SHOP-2 change file 1")
    rules = _rules(repo)
    rule = rules["commit-subject-ticket"]
    assert (rule.type, rule.support, rule.followed) == ("commit-format", 6, 6)
    assert "commit-subject-conventional" not in rules


def test_conventional_types_are_the_ones_used(make_repo) -> None:
    repo = make_repo("conventional")
    for n, subject in enumerate(("feat: a", "fix(api): b", "docs: c", "feat(ui)!: d", "chore: e")):
        repo.write(f"f{n}.txt", f"{n}\n")
        repo.commit(subject)
    rule = _rules(repo)["commit-subject-conventional"]
    assert rule.value == r"^(?:chore|docs|feat|fix)(?:\([^)\n]+\))?!?: \S" and rule.support == 5


def test_namespace_imports_are_a_rule_when_every_file_uses_them(make_repo) -> None:
    repo = make_repo("react")
    for n in range(6):
        repo.write(f"src/views/View{n}.tsx", f"import * as React from 'react';\n\nexport const View{n} = () => "
                   f"React.createElement('div');\n")
    repo.commit("feat: views")
    rule = _rules(repo)["import-react-as-react-namespace"]
    assert (rule.support, rule.followed, rule.paths) == (6, 6, ("*.tsx",))
    default = "import React from 'react';\nimport * as R from 'react';\nimport type { FC } from 'react';\n"
    hits = run_check(rule, Subject("src/views/Odd.tsx", default))
    assert [h.line for h in hits] == [1, 2]


def test_review_statement_not_borne_out_is_kept_as_a_candidate() -> None:
    files = {f"src/lib/m{n}.ts": f"export const m{n} = (x: number): number => x + {n};\n" for n in range(6)}
    files["src/lib/m0.ts"] = "export const m0 = (x: any): number => x;\n"
    comment = ReviewComment(1, "rev", "Please avoid `any` here, use `unknown` and narrow it.", "src/lib/m1.ts", "@@")
    reviewed = PullRequest(4, "feat: lib", ("export",), comments=(comment,))
    rules = {r.id: r for r in mine_conventions(_corpus(files, (reviewed,)), HarvestConfig())}
    rule = rules["no-explicit-any"]
    assert (rule.status, rule.support, rule.followed) == ("candidate", 6, 5)
    assert rule.evidence[0] == 'PR #4 review by @rev: "Please avoid `any` here, use `unknown` and narrow it."'


def test_review_token_outside_the_catalogue_is_proposed_only_when_it_holds_everywhere() -> None:
    files = {f"app/views/v{n}.py": f"def view_{n}(request):\n    return render(request)\n" for n in range(6)}
    comment = ReviewComment(1, "rev", "Prefer `render` over `render_to_response` in views.", "app/views/v1.py", "@@")
    pr = PullRequest(7, "views", ("export",), comments=(comment,))
    rule = {r.id: r for r in mine_conventions(_corpus(files, (pr,)), HarvestConfig())}["review-no-render-to-response"]
    assert (rule.status, rule.type, rule.value, rule.support) == ("proposed", "not-regex", r"\brender_to_response\b", 6)
    assert rule.message == "Use `render`, not `render_to_response` (asked in review)"


def test_folder_globs_are_tight_and_anchor_root_files() -> None:
    globs = folder_globs(["jest.setup.ts", "src/a.ts", "src/b/c.ts", "src/d/e.ts", "x/y.py"])
    assert globs == ("/*.setup.ts", "src/*.ts", "src/*/*.ts", "x/*.py")


def test_one_miners_rules_on_different_folders_stay_apart_two_miners_alike_merge() -> None:
    camel = r"^_?[a-z][A-Za-z0-9]*\.|^index\.|^__"
    utils = Rule("file-names-src-utils-ts", "filename", camel, "utils", ("src/utils/*.ts",), support=9, source="naming")
    hooks = Rule("file-names-src-hooks-ts", "filename", camel, "hooks", ("src/hooks/*.ts",), support=6, source="naming")
    mined = Rule("no-var", "not-regex", r"^\s*var\s", "no var", ("src/*.ts",), support=20, evidence=("src/a.ts",),
                 source="forbidden")
    asked = replace(mined, paths=("src/b/*.ts",), support=3, evidence=('PR #2 review by @rev: "no `var`"',), source="review")
    assert merge([utils, hooks, mined, asked]) == [utils, hooks, replace(mined, evidence=(asked.evidence[0], "src/a.ts"))]


def _breaks(rule: Rule, path: str, language: str, text: str) -> bool:
    """Whether lint would flag a new file `text` at `path` for `rule`."""
    units = tuple(extract_units(path, language, text))
    return bool(run_check(rule, Subject(path, text, units)))


def test_go_table_tests_with_subtests_and_the_standard_library(make_repo) -> None:
    repo = make_repo("shop")
    go_module(repo)
    repo.commit("feat: shop")
    rules = _rules(repo)
    subtests = rules["go-table-tests-run-subtests"]
    assert (subtests.type, subtests.unit_kind, subtests.support, subtests.followed) == ("unit-regex", "test:table", 12, 12)
    assert subtests.paths == ("*_test.go",)
    stdlib = rules["go-tests-assert-with-the-standard-library"]
    assert (stdlib.type, stdlib.support, stdlib.confidence) == ("not-regex", 12, 1.0)
    # A table test looping without t.Run, and a test file asserting with testify, each break one.
    loop = GO_TABLE_TEST.format(pkg="cart").replace("t.Run(tt.name, func(t *testing.T) {", "func() {").replace("})", "}()")
    assert _breaks(subtests, "cart/more_test.go", "go", loop)
    assert not _breaks(subtests, "cart/more_test.go", "go", GO_TABLE_TEST.format(pkg="cart"))
    assert _breaks(stdlib, "cart/more_test.go", "go", GO_TESTIFY_TEST.format(pkg="cart"))
    assert "go-tests-assert-with-testify" not in rules


def test_go_tests_asserting_with_testify(make_repo) -> None:
    repo = make_repo("shop")
    go_module(repo, testify=True)
    repo.commit("feat: shop")
    rules = _rules(repo)
    testify = rules["go-tests-assert-with-testify"]
    assert (testify.type, testify.support, testify.followed) == ("regex", 6, 6)
    assert _breaks(testify, "cart/more_test.go", "go", GO_TABLE_TEST.format(pkg="cart"))
    assert "go-table-tests-run-subtests" not in rules  # no table test: nothing to measure


def test_java_junit_5_assertj_and_test_class_names(make_repo) -> None:
    repo = make_repo("shop")
    maven_project(repo)
    repo.commit("feat: shop")
    rules = _rules(repo)
    junit5, assertj, names = (rules[r] for r in ("java-tests-on-junit-5", "java-tests-assert-with-assertj",
                                                  "java-test-classes-named-test"))
    # The test class names are judged on every Java file a test could be given (the 6 sources included).
    assert [(r.support, r.confidence) for r in (junit5, assertj, names)] == [(6, 1.0), (6, 1.0), (12, 1.0)]
    assert junit5.paths == ("*.java",) and junit5.kinds == ("test",)
    # Constructors are not methods: every method name is camelCase.
    assert rules["java-method-names-camelcase"].confidence == 1.0
    old_style = JUNIT4_TEST.format(pkg="cart", Name="CartBook")
    path = "src/test/java/com/acme/shop/cart/CartBookMoreTest.java"
    assert _breaks(junit5, path, "java", old_style) and _breaks(assertj, path, "java", old_style)
    assert not _breaks(junit5, path, "java", JUNIT5_TEST.format(pkg="cart", Name="CartBook"))
    assert _breaks(names, path.replace("Test.java", "Tests.java"), "java", "class CartBookMoreTests {}")


def test_java_junit_4_with_its_own_assertions(make_repo) -> None:
    repo = make_repo("shop")
    maven_project(repo, junit=4)
    repo.commit("feat: shop")
    rules = _rules(repo)
    junit4, asserts = rules["java-tests-on-junit-4"], rules["java-tests-assert-with-junit-assertions"]
    assert (junit4.support, junit4.confidence, asserts.confidence) == (6, 1.0, 1.0)
    new_style = JUNIT5_TEST.format(pkg="cart", Name="CartBook")
    path = "src/test/java/com/acme/shop/cart/CartBookMoreTest.java"
    assert _breaks(junit4, path, "java", new_style) and _breaks(asserts, path, "java", new_style)
    assert not _breaks(asserts, path, "java", JUNIT4_TEST.format(pkg="cart", Name="CartBook"))
