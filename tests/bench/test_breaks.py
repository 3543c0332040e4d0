"""Injected breaks on small synthetic repositories of each language: what is planned, that it parses, and
that every change is undone."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from bench.realworld.breaks import Edit, Repository, applied, plan, trial
from bench.realworld.truth import collected_tests
from harvest.classify import language_of
from harvest.units import count_parse_errors, extract_units

MODULES = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "theta")


def python_repo() -> tuple[dict[str, str], list[str]]:
    files = {"pkg/__init__.py": "", "pyproject.toml": "[tool.pytest.ini_options]\ntestpaths = ['tests']\n"}
    for n, name in enumerate(MODULES):
        other = MODULES[(n + 1) % len(MODULES)]
        files[f"pkg/{name}.py"] = (f"from .{other} import make_{other}\n\n\ndef make_{name}():\n    return 1\n\n\n"
                                   f"class {name.capitalize()}Thing:\n    def run_it(self):\n        return make_{other}()\n")
        files[f"tests/test_{name}.py"] = f"from pkg.{name} import make_{name}\n\n\ndef test_{name}():\n    assert make_{name}()\n"
    return files, ["pkg/alpha.py", "tests/test_alpha.py"]


def typescript_repo() -> tuple[dict[str, str], list[str]]:
    files = {"package.json": json.dumps({"scripts": {"test": "jest"}})}
    for name in MODULES:
        title = name.capitalize()
        files[f"src/components/{title}.tsx"] = (
            f"import React from 'react'\n\nexport function {title}() {{\n  return <div />\n}}\n\n"
            f"export function use{title}State() {{\n  return React.useState(0)\n}}\n\n"
            f"export function format{title}Label() {{\n  return '{name}'\n}}\n")
        files[f"src/components/{title}.test.tsx"] = (f"import {{ {title} }} from './{title}'\n\n"
                                                     f"it('renders {name}', () => {{\n  expect({title}).toBeDefined()\n}})\n")
    return files, ["src/components/Alpha.tsx", "src/components/Alpha.test.tsx"]


def go_repo() -> tuple[dict[str, str], list[str]]:
    files = {"go.mod": "module example.com/route\n\ngo 1.22\n"}
    for name in MODULES:
        title = name.capitalize()
        files[f"{name}.go"] = (f"package route\n\nimport \"strings\"\n\ntype {name}Node struct{{}}\n\n"
                               f"func (n *{name}Node) find{title}() int {{\n\treturn strings.Count(\"a\", \"a\")\n}}\n\n"
                               f"func New{title}() int {{\n\treturn 1\n}}\n")
        files[f"{name}_test.go"] = (f"package route\n\nimport \"testing\"\n\nfunc Test{title}(t *testing.T) {{\n"
                                    f"\tif New{title}() != 1 {{\n\t\tt.Fatal(\"{name}\")\n\t}}\n}}\n")
    return files, ["alpha.go", "alpha_test.go"]


def java_repo() -> tuple[dict[str, str], list[str]]:
    files = {"pom.xml": "<project><modelVersion>4.0.0</modelVersion></project>\n"}
    for name in MODULES:
        title = name.capitalize()
        files[f"src/main/java/a/{title}.java"] = (
            f"package a;\n\nimport java.util.List;\n\npublic class {title} {{\n  public int count{title}(List<String> items) {{\n"
            "    return items.size();\n  }\n}\n")
        files[f"src/test/java/a/{title}Test.java"] = (
            f"package a;\n\nimport java.util.List;\nimport org.junit.jupiter.api.Test;\n"
            f"import static org.junit.jupiter.api.Assertions.assertEquals;\n\nclass {title}Test {{\n  @Test\n"
            f"  void counts() {{\n    assertEquals(0, new {title}().count{title}(List.of()));\n  }}\n}}\n")
    return files, ["src/main/java/a/Alpha.java", "src/test/java/a/AlphaTest.java"]


LAYOUTS = {"python": python_repo, "typescript": typescript_repo, "go": go_repo, "java": java_repo}


def repository(make_repo, layout: str) -> Repository:
    files, held = LAYOUTS[layout]()
    repo = make_repo(layout)
    for path, text in files.items():
        repo.write(path, text)
    repo.commit("initial")
    units = [dataclasses.asdict(u) for path, text in files.items() if path not in held and language_of(path)
             for u in extract_units(path, language_of(path), text)]
    return Repository(repo.path, list(files), collected_tests(repo.path, files).tests, held, units)


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_at_least_six_kinds_of_breaks_per_language_that_still_parse(make_repo, layout: str) -> None:
    repo = repository(make_repo, layout)
    edits = plan(repo, 25, repo.held_out)
    kinds = {e.kind.split(":")[0] if e.kind.startswith("naming") else e.kind for e in edits}
    assert {"test-style", "import-style", "unused-pattern", "file-case"} <= kinds
    assert len({e.kind for e in edits}) >= 6
    for edit in edits:
        assert count_parse_errors(language_of(edit.path), edit.text) == 0, (edit.kind, edit.text)
        assert edit.created or edit.text != (repo.root / edit.path).read_text()
        assert edit.created == (edit.kind in ("file-case", "test-name"))


def test_the_breaks_go_against_the_measured_grain(make_repo) -> None:
    details = {e.kind: e.detail for e in plan(repository(make_repo, "python"), 25, ["pkg/alpha.py", "tests/test_alpha.py"])}
    assert details["naming:function"] == "function injectedHelperValue among snake_case names"
    assert details["naming:class"].startswith("class injected_thing_holder among PascalCase")
    assert details["import-style"] == "an absolute import among relative ones (beta)"
    assert details["test-style"] == "self.assertEqual in a pytest-style file"
    assert details["test-name"] == "alpha_test.py among test_*.py test files"
    assert details["unused-pattern"] == "`print(`, used nowhere in the repository"
    typescript = {e.kind: e for e in plan(repository(make_repo, "typescript"), 25,
                                          ["src/components/Alpha.tsx", "src/components/Alpha.test.tsx"])}
    assert typescript["test-style"].text.rstrip().endswith("test(\"injected case\", () => {\n  expect(1).toBe(1)\n})")
    assert typescript["import-style"].text.startswith("import InjectedAlias from 'react'\n")
    assert typescript["file-case"].path == "src/components/injected_module.tsx"


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_every_break_is_undone(make_repo, layout: str) -> None:
    repo = repository(make_repo, layout)
    before = {p: (repo.root / p).read_bytes() for p in repo.paths}
    for edit in plan(repo, 25, repo.held_out):
        with applied(repo.root, edit):
            assert (repo.root / edit.path).read_text() == edit.text
        assert not edit.created or not (repo.root / edit.path).exists()
    assert {p: (repo.root / p).read_bytes() for p in repo.paths} == before
    assert sorted(str(p.relative_to(repo.root)) for p in repo.root.rglob("*") if p.is_file() and ".git" not in p.parts) \
        == sorted(repo.paths)


def test_a_break_is_undone_when_linting_fails_and_new_folders_go_too(make_repo, tmp_path: Path) -> None:
    repo = repository(make_repo, "python")
    original = (repo.root / "pkg/alpha.py").read_bytes()
    with pytest.raises(RuntimeError), applied(repo.root, Edit("x", "pkg/alpha.py", "broken\n")):
        raise RuntimeError("lint crashed")
    assert (repo.root / "pkg/alpha.py").read_bytes() == original
    with applied(repo.root, Edit("x", "new/deep/test_x.py", "def test_x():\n    pass\n", created=True)):
        assert (repo.root / "new/deep/test_x.py").exists()
    assert not (repo.root / "new").exists()


def test_a_break_is_caught_when_lint_reports_more_than_before(make_repo) -> None:
    repo = repository(make_repo, "python")
    edit = next(e for e in plan(repo, 25, repo.held_out) if e.kind == "unused-pattern")

    def prints(path: str) -> int:  # a stand-in for lint: lines calling print(
        return sum(line.startswith("print(") for line in (repo.root / path).read_text().splitlines())

    assert trial(repo.root, edit, prints) is True
    assert trial(repo.root, dataclasses.replace(edit, text=(repo.root / edit.path).read_text()), prints) is False


def test_java_breaks_only_where_java_allows_them(make_repo) -> None:
    files, _ = java_repo()
    files["src/main/java/a/Marker.java"] = "package a;\n\n/** A class marker. */\npublic @interface Marker {\n  String value();\n}\n"
    files["src/main/java/a/package-info.java"] = "/** The a package. */\npackage a;\n"
    files["src/test/java/a/EnvTest.java"] = ("package a;\n\nimport org.junitpioneer.jupiter.SetSystemProperty;\n\n"
                                            "class EnvTest {\n  @Test\n  @SetSystemProperty(key = \"k\", value = \"v\")\n"
                                            "  void reads() {\n  }\n}\n")
    held = ["src/main/java/a/Marker.java", "src/main/java/a/package-info.java", "src/test/java/a/EnvTest.java"]
    repo = make_repo("java")
    for path, text in files.items():
        repo.write(path, text)
    repo.commit("initial")
    units = [dataclasses.asdict(u) for path, text in files.items() if path not in held and language_of(path)
             for u in extract_units(path, language_of(path), text)]
    planned = plan(Repository(repo.path, list(files), collected_tests(repo.path, files).tests, held, units), 25, held)
    # No method body in an annotation type or a package-info.java; a JUnit 5 extension's file is JUnit 5.
    assert not [e for e in planned if e.kind in ("naming:method", "unused-pattern") and e.path != held[2]]
    assert [e.detail for e in planned if e.kind == "test-style"] == ["JUnit 4 assertions in a JUnit 5 file"]
