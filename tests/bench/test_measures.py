"""The matrix's own definitions: held-out files, same role, case grain, figures from artifacts, the report."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.realworld import figures, report
from bench.realworld.grain import (
    MIXED_CAPS,
    against,
    cases_of,
    default_import,
    dominant_case,
    name_in,
)
from bench.realworld.holdout import code_files, draw, held_out
from bench.realworld.roles import compound_suffix, role_of, same_role
from bench.realworld.truth import Truth


def test_held_out_files_are_a_stable_tenth_of_the_code() -> None:
    paths = [f"src/module_{n}.py" for n in range(3000)] + ["README.md", "logo.png", "package.json"]
    chosen = held_out(paths)
    assert 0.08 <= len(chosen) / 3000 <= 0.12
    assert chosen == held_out(list(reversed(paths)) + ["src/other.go"])[: len(chosen)] or set(chosen) <= set(
        held_out(paths + ["src/other.go"]))
    assert set(chosen) <= set(code_files(paths)) and "README.md" not in code_files(paths)
    assert draw("a.py") == draw("a.py") != draw("a.py", seed="other")


@pytest.mark.parametrize(("name", "suffix"), [
    ("Button.spec.tsx", ".spec.tsx"), ("Button.tsx", ".tsx"), ("Button.styles.ts", ".styles.ts"),
    ("test_users.py", "test_*.py"), ("users_test.py", "*_test.py"), ("server_test.go", "_test.go"),
    ("users.py", ".py"), (".eslintrc.js", ".js"), ("Makefile", ""),
])
def test_compound_suffix(name: str, suffix: str) -> None:
    assert compound_suffix(name) == suffix


def test_same_role_needs_language_testness_suffix_and_a_folder_name() -> None:
    tests = frozenset({"src/components/Button/Button.spec.tsx", "src/components/Card/Card.spec.tsx"})

    def same(a: str, b: str) -> bool:
        return same_role(role_of(a, tests), role_of(b, tests))

    assert same("src/components/Button/Button.spec.tsx", "src/components/Card/Card.spec.tsx")
    assert same("app/routers/items.py", "app/routers/users.py")
    assert same("packages/a/src/a.tsx", "packages/b/src/b.tsx")  # same parent folder name
    assert not same("src/components/Button/Button.tsx", "src/components/Button/Button.spec.tsx")
    assert not same("app/routers/items.py", "app/models/item.py")
    assert not same("src/a.ts", "src/b.tsx")
    # a file named like a test that no runner collects is not a test's peer
    assert not same("src/components/Button/Button.spec.tsx", "src/components/Other/Other.spec.tsx")


@pytest.mark.parametrize(("name", "cases"), [
    ("get_user", {"snake_case"}), ("getUser", {"camelCase"}), ("GetUser", {"PascalCase"}),
    ("MAX_SIZE", {"UPPER_CASE"}), ("button-group", {"kebab-case"}),
    ("user", {"snake_case", "camelCase", "kebab-case"}), ("__init__", {"snake_case", "camelCase", "kebab-case"}),
    ("HTTP", {"UPPER_CASE"}), ("Get_user", set()),
])
def test_cases_of_names(name: str, cases: set[str]) -> None:
    assert cases_of(name) == cases


def test_the_grain_is_the_style_most_names_fit() -> None:
    assert dominant_case(["get_user", "save", "load_all", "run"] * 3) == "snake_case"
    assert dominant_case(["ServeHTTP", "newRouter", "Use", "handle", "With"]) == MIXED_CAPS
    assert dominant_case(["get_user", "getUser", "GetUser", "X_Y"]) is None
    for grain in ("snake_case", "camelCase", "PascalCase", "UPPER_CASE", "kebab-case", MIXED_CAPS):
        broken = name_in(against(grain), ("injected", "helper", "value"))
        assert not cases_of(broken) & ({"camelCase", "PascalCase"} if grain == MIXED_CAPS else {grain})


def test_the_usual_default_import_is_of_a_package_not_of_the_repository_files() -> None:
    texts = ["import React from 'react'\nconst app = require('../')\n"] * 6
    assert default_import(texts) == ("react", "React", "import")
    assert default_import(["const express = require('express')\n"] * 5) == ("express", "express", "require")
    assert default_import(["import a from 'x'\n", "import b from 'x'\n"] * 3) is None  # no usual name


def test_recognition_recall_precision_and_mapping() -> None:
    truth = Truth({"tests/test_a.py": "pytest", "tests/test_b.py": "pytest", "src/x.test.ts": "jest"})
    files = [{"path": "tests/test_a.py", "kind": "test", "tests": ["a.py"]},
             {"path": "tests/test_b.py", "kind": "test", "tests": []},
             {"path": "src/x.test.ts", "kind": "source"},
             {"path": "tests/conftest.py", "kind": "test"},
             {"path": "docs/test_plan.md", "kind": "test"}]  # not code: outside the figure
    found = figures.recognition(files, truth)
    assert (found["recall"], found["precision"], found["mapped_share"]) == (2 / 3, 2 / 3, 1 / 3)
    assert found["missed"] == ["src/x.test.ts"] and found["false"] == ["tests/conftest.py"]


def test_pair_coverage_checks_code_kinds_with_enough_pairs() -> None:
    pairs = ([{"kind": "function", "split": "train"}] * 80 + [{"kind": "function", "split": "eval"}] * 6
             + [{"kind": "function", "split": "test"}] * 6 + [{"kind": "class", "split": "train"}] * 25
             + [{"kind": "commit", "split": "train"}] * 500 + [{"kind": "hook", "split": "test"}] * 3)
    found = figures.pair_coverage(pairs)
    assert found["code_kinds"]["function"] == {"pairs": 92, "held_share": 12 / 92, "test": 6, "ok": True}
    assert found["code_kinds"]["class"]["ok"] is False
    assert set(found["code_kinds"]) == {"function", "class"}  # commits are not code; hooks are too few
    assert found["share_ok"] == 0.5


def test_fim_coverage_holds_every_language_to_8_percent_and_counts_held_files_in_train() -> None:
    def span(language: str, split: str, path: str) -> dict:
        return {"kind": "fim", "language": language, "split": split, "path": path}

    pairs = ([span("go", "train", f"a{n}.go") for n in range(18)] + [span("go", "test", "b.go")] * 2
             + [span("java", "train", f"A{n}.java") for n in range(30)] + [span("java", "eval", "B.java")]
             + [{"kind": "function", "language": "go", "split": "test", "path": "c.go"}])
    found = figures.fim_coverage(pairs)
    assert found["by_language"]["go"] == {"train": 18, "eval": 0, "test": 2, "held_share": 0.1, "ok": True}
    assert found["by_language"]["java"]["ok"] is False and found["ok"] is False
    assert found["held_files_in_train"] == 0
    assert figures.fim_coverage([*pairs, span("go", "train", "b.go")])["held_files_in_train"] == 1
    assert "fim" not in figures.pair_coverage(pairs)["code_kinds"]


def test_conventions_by_category_apply_from_a_hundred_code_units() -> None:
    rules = [{"source": "naming"}] * 5 + [{"source": "imports"}, {"source": "forbidden"}, {"source": "review"},
                                          {"source": "review", "status": "candidate"}]
    units = [{"path": "a.py", "kind": "function"}] * 120 + [{"path": "a.yaml", "kind": "config"}] * 50
    found = figures.conventions_by_category(rules, units)
    assert (found["proposed"], found["code_units"], found["ok"]) == (8, 120, True)
    assert figures.conventions_by_category(rules, units[:50])["ok"] is None


def test_the_results_section_is_replaced_between_its_markers(tmp_path: Path) -> None:
    results_file = tmp_path / "RESULTS.md"
    results_file.write_text("# Results\n\n## Before\n\ntext\n")
    report.write_section(results_file, f"{report.BEGIN}\none\n{report.END}\n")
    report.write_section(results_file, f"{report.BEGIN}\ntwo\n{report.END}\n")
    text = results_file.read_text()
    assert text.count(report.BEGIN) == 1 and "two" in text and "one" not in text and text.startswith("# Results")
    results_file.write_text(text + "\n## After\n")
    report.write_section(results_file, f"{report.BEGIN}\nthree\n{report.END}\n")
    assert results_file.read_text().endswith("three\n" + report.END + "\n\n## After\n")


def test_macro_averages_skip_repositories_a_figure_does_not_apply_to() -> None:
    results = [{"repo": "a/a", "tests": {"recall": 1.0}}, {"repo": "b/b", "tests": {"recall": 0.5}},
               {"repo": "c/c", "error": "harvest failed"}]
    figure = next(f for f in report.FIGURES if f.title == "tests recognised")
    assert report.macro(results, figure) == 0.75
    header, rows = report.main_rows(results)
    assert rows[-2][header.index("tests recognised")] == "75% ✗" and rows[2][1] == "n/a"
