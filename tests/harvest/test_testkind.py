"""The pieces of test discovery on their own: the runners' glob dialect, config files read without
running them, each runner's settings and defaults, and the profile's round trip through a manifest."""

from __future__ import annotations

import json

import pytest

from harvest.testkind.discover import discover_profile
from harvest.testkind.globs import matches_runner_glob
from harvest.testkind.jsliteral import COMPUTED, config_literals
from harvest.testkind.profile import DiscoveryProfile
from harvest.testkind.runners import read_suites


@pytest.mark.parametrize(("path", "glob", "expected"), [
    ("src/components/Button/spec.tsx", "**/?(*.)+(spec|test).[jt]s?(x)", True),
    ("src/Button.test.mts", "**/?(*.)+(spec|test).?([mc])[jt]s?(x)", True),
    ("src/respec.ts", "**/?(*.)+(spec|test).[jt]s?(x)", False),
    ("a/__tests__/deep/x.js", "**/__tests__/**/*.?([mc])[jt]s?(x)", True),
    ("src/x.spec.tsx", "**/*.{test,spec}.?(c|m)[jt]s?(x)", True),
    ("test/sub/x.js", "./test/*.{js,cjs,mjs}", False),
    ("com/shop/CartTest.kt", "**/*Test.{java,kt}", True),
    ("src/a.ts", "src/[", False),  # does not compile: matches nothing
])
def test_runner_globs(path: str, glob: str, expected: bool) -> None:
    assert matches_runner_glob(path, glob) is expected


def test_config_literals_are_read_without_running_the_file() -> None:
    text = ("import { configDefaults } from 'vitest/config'\nconst GLOB = '**/*.rsc.test.ts'\n"
            "export default defineConfig({\n  test: {\n    include: [GLOB, `a/${x}`, 'b/**'],\n"
            "    exclude: [...configDefaults.exclude, /fixtures/],\n    dir: process.env.DIR,\n"
            "    setup() { return {} },\n  },\n  plugins: [react()],\n})\n")
    test = config_literals(text)["test"]
    assert test is COMPUTED  # a method makes the object unreadable as a whole
    literal = config_literals(text.replace("    setup() { return {} },\n", ""))["test"]
    assert literal["include"] == ["**/*.rsc.test.ts", COMPUTED, "b/**"]
    assert literal["dir"] is COMPUTED
    assert literal["exclude"] == [COMPUTED, COMPUTED]


def test_a_fixture_projects_config_is_not_the_repositorys() -> None:
    configs = {"package.json": '{"name": "cli"}',
               "test/fixtures/app/vitest.config.ts": "export default { test: { include: ['**/*.x.ts'] } }\n"}
    suites = read_suites(configs, ["src/cli.ts", "test/fixtures/app/a.x.ts"])
    assert [(s.framework, s.root) for s in suites] == [("jest", "")]


def test_profile_survives_the_manifest_round_trip() -> None:
    configs = {"pyproject.toml": '[tool.pytest]\ntestpaths = ["t"]\npython_files = ["spec_*.py"]\n'}
    profile = DiscoveryProfile(tuple(read_suites(configs, ["t/spec_a.py"])), frozenset({"t/spec_b.py"}))
    again = DiscoveryProfile.from_json(json.loads(json.dumps(profile.to_json())))
    assert again.to_json() == profile.to_json()
    assert again.verdict("t/spec_a.py") == "test" and again.verdict("t/spec_b.py") == "support"
    assert again.verdict("src/spec_a.py") == ""



def _runs(configs: dict[str, str], paths: list[str]) -> list[str]:
    """The paths the suites read from `configs` would run."""
    profile = DiscoveryProfile(tuple(read_suites(configs, paths)))
    return [p for p in paths if profile.runs(p)]


def test_pytest_reads_its_native_toml_table_and_setup_cfg() -> None:
    native = {"pyproject.toml": '[tool.pytest]\ntestpaths = ["t"]\npython_files = ["spec_*.py"]\n'}
    assert _runs(native, ["t/spec_a.py", "t/test_a.py", "src/spec_b.py"]) == ["t/spec_a.py"]
    legacy = {"setup.cfg": "[metadata]\nname = x\n\n[tool:pytest]\ntestpaths = checks\n"}
    assert _runs(legacy, ["checks/test_a.py", "src/test_b.py"]) == ["checks/test_a.py"]


def test_unittest_discovery_when_nothing_configures_pytest() -> None:
    texts = {"app/tests.py": "from django.test import TestCase\n\n\nclass Views(TestCase):\n    pass\n",
             "app/testing.py": "def helper():\n    return 1\n", "app/views.py": "def home():\n    pass\n"}
    profile = discover_profile(texts)
    assert [s.framework for s in profile.suites] == ["pytest", "unittest"]
    assert profile.verdict("app/tests.py") == "test"
    assert profile.verdict("app/testing.py") == "" and "app/testing.py" in profile.unconfirmed


def test_jest_projects_and_roots() -> None:
    config = ("module.exports = {\n  projects: [\n    { rootDir: 'web', testMatch: ['<rootDir>/src/**/*.spec.js'] },\n"
              "    { rootDir: 'api', roots: ['<rootDir>/lib'] },\n  ],\n}\n")
    paths = ["web/src/a.spec.js", "web/test/b.spec.js", "api/lib/c.test.js", "api/other/d.test.js"]
    assert _runs({"jest.config.js": config}, paths) == ["web/src/a.spec.js", "api/lib/c.test.js"]


def test_playwright_test_dir_and_cypress_defaults() -> None:
    playwright = {"playwright.config.ts": "export default defineConfig({ testDir: './e2e', testMatch: '**/*.e2e.ts' })\n"}
    assert _runs(playwright, ["e2e/login.e2e.ts", "src/login.e2e.ts", "e2e/helpers.ts"]) == ["e2e/login.e2e.ts"]
    cypress = {"cypress.config.ts": "export default defineConfig({ e2e: { baseUrl: 'http://localhost' } })\n"}
    assert _runs(cypress, ["cypress/e2e/home.cy.ts", "cypress/support/e2e.ts"]) == ["cypress/e2e/home.cy.ts"]


def test_a_maven_module_inherits_its_parents_surefire_includes_and_failsafe_adds_its_defaults() -> None:
    parent = ("<project><build><pluginManagement><plugins><plugin><artifactId>maven-surefire-plugin</artifactId>"
              "<configuration><includes><include>**/*Check.java</include></includes></configuration></plugin>"
              "<plugin><artifactId>maven-failsafe-plugin</artifactId></plugin></plugins></pluginManagement>"
              "</build></project>")
    configs = {"pom.xml": parent, "core/pom.xml": "<project><artifactId>core</artifactId></project>"}
    paths = ["core/src/test/java/a/CartCheck.java", "core/src/test/java/a/CartIT.java",
             "core/src/test/java/a/CartTest.java", "core/src/main/java/a/CartCheck.java",
             "core/src/test/kotlin/a/PriceCheck.kt"]
    assert _runs(configs, paths) == ["core/src/test/java/a/CartCheck.java", "core/src/test/java/a/CartIT.java",
                                     "core/src/test/kotlin/a/PriceCheck.kt"]


def test_mocha_reads_its_rc_file() -> None:
    configs = {"package.json": '{"name": "x"}', ".mocharc.yml": "spec: 'spec/**/*.spec.js'\nrequire: ./spec/setup.js\n"}
    assert _runs(configs, ["spec/a/b.spec.js", "spec/setup.js", "test/c.js"]) == ["spec/a/b.spec.js"]
    assert DiscoveryProfile(tuple(read_suites(configs, []))).verdict("spec/setup.js") == "support"
