"""The matrix's ground truth for test files, on small synthetic trees of each runner's layout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.realworld.patterns import glob_matches
from bench.realworld.truth import collected_tests

PYTEST_CASE = "def test_it():\n    assert True\n"
UNITTEST_CASE = "import unittest\n\n\nclass ThingTest(unittest.TestCase):\n    def test_it(self):\n        self.assertTrue(True)\n"
JS_CASE = "it('works', () => {\n  expect(1).toBe(1)\n})\n"
GO_CASE = "package x\n\nimport \"testing\"\n\nfunc TestThing(t *testing.T) {}\n"
JUNIT_CASE = "package a;\n\nimport org.junit.jupiter.api.Test;\n\nclass {name} {{\n  @Test\n  void works() {{}}\n}}\n"


def tree(root: Path, files: dict[str, str]) -> dict[str, str]:
    """Write `files` under `root`; the truth's runners by path."""
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    return collected_tests(root, files).runners


@pytest.mark.parametrize(("glob", "path", "matches"), [
    ("**/__tests__/**/*.[jt]s?(x)", "src/__tests__/a/b.tsx", True),
    ("**/__tests__/**/*.[jt]s?(x)", "src/__tests__/b.mjs", False),
    ("**/?(*.)+(spec|test).[jt]s?(x)", "src/Button/spec.tsx", True),
    ("**/?(*.)+(spec|test).[jt]s?(x)", "Button.test.ts", True),
    ("**/?(*.)+(spec|test).[jt]s?(x)", "src/Button.stories.tsx", False),
    ("**/*.{test,spec}.?(c|m)[jt]s?(x)", "a/b.spec.mts", True),
    ("./test/*.{js,cjs,mjs}", "test/app.js", True),
    ("./test/*.{js,cjs,mjs}", "test/support/env.js", False),
    ("**/*Test.java", "org/a/FooTest.java", True),
    ("**/*Test.java", "FooTest.java", True),
    ("**/.{idea,git,cache,output,temp}/**", "a/.cache/x.test.ts", True),
])
def test_runner_globs(glob: str, path: str, matches: bool) -> None:
    assert glob_matches(glob, path) is matches


def test_pytest_defaults_count_modules_that_hold_tests(tmp_path: Path) -> None:
    found = tree(tmp_path, {
        "tests/conftest.py": "import pytest\n",
        "tests/test_a.py": PYTEST_CASE,
        "tests/b_test.py": "class TestB:\n    def test_b(self):\n        assert 1\n",
        "tests/helpers.py": "def make():\n    return 1\n",
        "tests/test_models.py": "class Model:\n    pass\n",  # named like a test, holds none
        "pkg/core.py": "def test_like():\n    pass\n",  # not named like a test module
        "build/test_generated.py": PYTEST_CASE,  # norecursedirs default
    })
    assert found == {"tests/test_a.py": "pytest", "tests/b_test.py": "pytest"}


@pytest.mark.parametrize(("config_file", "text"), [
    ("pyproject.toml", '[tool.pytest.ini_options]\ntestpaths = ["tests"]\npython_files = ["check_*.py"]\n'),
    ("pytest.ini", "[pytest]\ntestpaths = tests\npython_files = check_*.py\n"),
    ("tox.ini", "[tox]\nenvlist = py\n\n[pytest]\ntestpaths = tests\npython_files = check_*.py\n"),
    ("setup.cfg", "[metadata]\nname = x\n\n[tool:pytest]\ntestpaths = tests\npython_files = check_*.py\n"),
])
def test_pytest_config_from_each_file_pytest_reads(tmp_path: Path, config_file: str, text: str) -> None:
    found = tree(tmp_path, {config_file: text, "tests/check_a.py": PYTEST_CASE, "tests/test_b.py": PYTEST_CASE,
                            "examples/check_c.py": PYTEST_CASE})
    assert found == {"tests/check_a.py": "pytest"}


def test_a_nested_python_project_is_collected_with_its_own_config(tmp_path: Path) -> None:
    found = tree(tmp_path, {
        "pyproject.toml": '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
        "tests/test_a.py": PYTEST_CASE,
        "examples/app/pyproject.toml": "[project]\nname = 'app'\n",
        "examples/app/tests/test_app.py": PYTEST_CASE,
        "docs/test_snippet.py": PYTEST_CASE,  # outside the root project's testpaths
    })
    assert set(found) == {"tests/test_a.py", "examples/app/tests/test_app.py"}


def test_unittest_discovery_without_pytest_needs_packages_and_test_cases(tmp_path: Path) -> None:
    found = tree(tmp_path, {
        "test_top.py": UNITTEST_CASE,
        "pkg/__init__.py": "",
        "pkg/tests/__init__.py": "",
        "pkg/tests/test_inner.py": UNITTEST_CASE,
        "pkg/tests/test_functions.py": PYTEST_CASE,  # unittest runs TestCase classes only
        "loose/test_loose.py": UNITTEST_CASE,  # not a package: discovery does not go there
    })
    assert found == {"test_top.py": "unittest", "pkg/tests/test_inner.py": "unittest"}


def test_jest_defaults_take_spec_files_and_tests_folders_but_not_helpers(tmp_path: Path) -> None:
    found = tree(tmp_path, {
        "package.json": json.dumps({"scripts": {"test": "jest"}}),
        "src/components/Button/spec.tsx": JS_CASE,
        "src/components/Button/Button.test.tsx": JS_CASE,
        "src/__tests__/util.ts": JS_CASE,
        "src/__tests__/helpers.ts": "export const render = () => null\n",
        "src/components/Button/Button.stories.tsx": "export default {}\n",
        "node_modules/x/a.test.js": JS_CASE,
    })
    assert set(found) == {"src/components/Button/spec.tsx", "src/components/Button/Button.test.tsx",
                          "src/__tests__/util.ts"}
    assert set(found.values()) == {"jest"}


def test_jest_config_module_with_test_regex_and_ignores(tmp_path: Path) -> None:
    config = ("/** @type {import('jest').Config} */\nconst config = {\n  testRegex: '/test/.*\\\\.test\\\\.tsx?$',\n"
              "  testPathIgnorePatterns: ['/node_modules/', '/e2e/'],\n}\n\nexport default config\n")
    found = tree(tmp_path, {
        "package.json": json.dumps({"scripts": {"test": "jest"}}),
        "jest.config.js": config,
        "test/use-thing.test.tsx": JS_CASE,
        "test/e2e/flow.test.ts": JS_CASE,
        "src/thing.test.ts": JS_CASE,
    })
    assert set(found) == {"test/use-thing.test.tsx"}


def test_jest_key_in_package_json_with_test_match_and_extensions(tmp_path: Path) -> None:
    found = tree(tmp_path, {
        "package.json": json.dumps({"jest": {"testMatch": ["<rootDir>/src/**/*.check.ts?(x)"],
                                             "moduleFileExtensions": ["ts", "tsx", "js"]}}),
        "src/a.check.ts": JS_CASE,
        "src/b.check.jsx": JS_CASE,
        "src/c.test.ts": JS_CASE,
    })
    assert set(found) == {"src/a.check.ts"}


def test_vitest_config_include_exclude_spread_and_dir(tmp_path: Path) -> None:
    config = ('import { configDefaults, defineConfig } from "vitest/config"\n\nexport default defineConfig({\n'
              '  test: {\n    dir: "tests",\n    exclude: [...configDefaults.exclude, "**/fixtures/**"],\n'
              '    coverage: { include: ["src/**"] },\n  },\n})\n')
    found = tree(tmp_path, {
        "package.json": json.dumps({"scripts": {"test:spec": "vitest run"}}),
        "vitest.config.mts": config,
        "tests/basic.test.tsx": JS_CASE,
        "tests/fixtures/app/a.test.ts": JS_CASE,
        "tests/dist/b.spec.ts": JS_CASE,
        "src/inline.test.ts": JS_CASE,  # outside `dir`
    })
    assert found == {"tests/basic.test.tsx": "vitest"}


def test_vitest_projects_each_with_their_includes(tmp_path: Path) -> None:
    config = ("const RSC = '**/*.rsc.test.ts'\n\nexport default defineConfig({\n  test: {\n    projects: [\n"
              "      { test: { name: 'unit', include: ['**/*.unit.ts'] } },\n      { test: { include: [RSC] } },\n"
              "    ],\n  },\n})\n")
    found = tree(tmp_path, {"package.json": "{}", "vitest.config.ts": config, "a/x.unit.ts": JS_CASE,
                            "a/y.rsc.test.ts": JS_CASE, "a/z.test.ts": JS_CASE})
    assert set(found) == {"a/x.unit.ts", "a/y.rsc.test.ts"}


def test_mocha_specs_from_the_script_and_its_default(tmp_path: Path) -> None:
    found = tree(tmp_path, {
        "package.json": json.dumps({"scripts": {"test": "mocha --require test/support/env --check-leaks test/ test/acceptance/"}}),
        "test/app.js": JS_CASE,
        "test/acceptance/auth.js": "describe('auth', function () {\n  it('logs in', function () {})\n})\n",
        "test/support/env.js": "process.env.NODE_ENV = 'test'\n",
        "test/fixtures/deep/x.js": JS_CASE,
    })
    assert set(found) == {"test/app.js", "test/acceptance/auth.js"}
    assert tree(tmp_path / "plain", {"package.json": json.dumps({"devDependencies": {"mocha": "1"}, "mocha": {}}),
                                     "test/a.js": JS_CASE, "test/deep/b.js": JS_CASE}) == {"test/a.js": "mocha"}


def test_mocharc_spec(tmp_path: Path) -> None:
    found = tree(tmp_path, {"package.json": "{}", ".mocharc.yml": "spec: 'spec/**/*.spec.js'\n",
                            "spec/a/b.spec.js": JS_CASE, "test/c.js": JS_CASE})
    assert set(found) == {"spec/a/b.spec.js"}


def test_workspace_packages_bring_their_runner_and_fixture_packages_do_not(tmp_path: Path) -> None:
    found = tree(tmp_path, {
        "package.json": json.dumps({"private": True, "workspaces": ["packages/*"]}),
        "packages/ui/package.json": json.dumps({"scripts": {"test": "vitest"}}),
        "packages/ui/src/button.test.tsx": JS_CASE,
        "packages/ui/test/fixtures/app/package.json": json.dumps({"scripts": {"test": "jest"}}),
        "packages/ui/test/fixtures/app/__tests__/x.js": JS_CASE,
        "packages/other/src/no-runner.test.ts": JS_CASE,
    })
    assert found == {"packages/ui/src/button.test.tsx": "vitest"}


def test_go_test_files_hold_test_functions(tmp_path: Path) -> None:
    found = tree(tmp_path, {
        "router_test.go": GO_CASE,
        "example_test.go": "package x_test\n\nfunc ExampleRouter() {}\n",
        "helpers_test.go": "package x\n\nfunc newThing() int { return 1 }\n",
        "testdata/fixture_test.go": GO_CASE,
        "router.go": "package x\n",
    })
    assert set(found) == {"router_test.go", "example_test.go"}


def test_maven_surefire_defaults_and_inherited_tests(tmp_path: Path) -> None:
    base = "src/test/java/a"
    found = tree(tmp_path, {
        "pom.xml": "<project><modelVersion>4.0.0</modelVersion></project>",
        f"{base}/FooTest.java": JUNIT_CASE.format(name="FooTest"),
        f"{base}/BarTests.java": JUNIT_CASE.format(name="BarTests"),
        f"{base}/TestBaz.java": JUNIT_CASE.format(name="TestBaz"),
        f"{base}/QuxTestCase.java": JUNIT_CASE.format(name="QuxTestCase"),
        f"{base}/FooCheck.java": JUNIT_CASE.format(name="FooCheck"),  # has tests, but no surefire name
        f"{base}/AbstractBaseTest.java": "package a;\n\npublic abstract class AbstractBaseTest {\n  @Test void shared() {}\n}\n",
        f"{base}/ChildTest.java": "package a;\n\nclass ChildTest extends AbstractBaseTest {\n}\n",
        f"{base}/TestFixtures.java": "package a;\n\nfinal class TestFixtures {\n  class Inner extends Object {}\n}\n",
        "src/main/java/a/Foo.java": "package a;\n\nclass Foo {}\n",
    })
    assert set(found) == {f"{base}/{n}.java" for n in ("FooTest", "BarTests", "TestBaz", "QuxTestCase", "ChildTest")}


def test_maven_surefire_includes_replace_the_defaults_and_excludes_apply(tmp_path: Path) -> None:
    pom = ("<project xmlns='http://maven.apache.org/POM/4.0.0'><build><plugins><plugin>"
           "<artifactId>maven-surefire-plugin</artifactId><configuration>"
           "<includes><include>**/*Spec.java</include></includes>"
           "<excludes><exclude>**/SlowSpec.java</exclude></excludes>"
           "</configuration></plugin></plugins></build></project>")
    base = "src/test/java/a"
    found = tree(tmp_path, {"pom.xml": pom, f"{base}/FooSpec.java": JUNIT_CASE.format(name="FooSpec"),
                            f"{base}/SlowSpec.java": JUNIT_CASE.format(name="SlowSpec"),
                            f"{base}/FooTest.java": JUNIT_CASE.format(name="FooTest")})
    assert set(found) == {f"{base}/FooSpec.java"}


def test_gradle_runs_any_class_with_tests_under_src_test_java(tmp_path: Path) -> None:
    found = tree(tmp_path, {"build.gradle": "plugins { id 'java' }\n",
                            "app/src/test/java/a/Checks.java": JUNIT_CASE.format(name="Checks"),
                            "src/test/java/a/Checks.java": JUNIT_CASE.format(name="Checks"),
                            "src/test/java/a/Support.java": "package a;\n\nclass Support {}\n"})
    assert found == {"src/test/java/a/Checks.java": "gradle"}
