"""Test files recognised from the repository's own runner configuration and confirmed by their text:
one small real repository per layout, mined by `idiom harvest`, each file's kind asserted."""

from __future__ import annotations

import json
from pathlib import Path

from harvest.classify import kind_of
from harvest.records import FileRecord
from harvest.testkind.recorded import recorded_profile
from router.routing import request_kind
from tests.harvest.conftest import Harvest

JS_TEST = "import { describe, it, expect } from 'vitest'\n\ndescribe('x', () => {\n  it('works', () => expect(1).toBe(1))\n})\n"
PY_TEST = "def test_it():\n    assert True\n"
GO_TEST = "package shop\n\nimport \"testing\"\n\nfunc TestTotal(t *testing.T) {\n\tif Total() != 3 {\n\t\tt.Fatal()\n\t}\n}\n"


def _kinds(records: dict[str, FileRecord]) -> dict[str, str]:
    return {path: record.kind for path, record in records.items()}


def test_a_bare_spec_file_in_a_component_folder_is_a_test_by_jests_defaults(harvest_layout: Harvest) -> None:
    records, manifest = harvest_layout({
        "package.json": '{"name": "design-system", "devDependencies": {"jest": "29"}}',
        "src/components/Button/Button.tsx": "export const Button = () => null\n",
        "src/components/Button/spec.tsx": "import { Button } from './Button'\n\nit('renders', () => { Button() })\n",
        "src/components/Card/Card.test.tsx": "import { Card } from './Card'\n\ntest('card', () => { Card() })\n",
        "src/components/Card/Card.tsx": "export const Card = () => null\n",
    })
    kinds = _kinds(records)
    assert kinds["src/components/Button/spec.tsx"] == "test"
    assert kinds["src/components/Card/Card.test.tsx"] == "test"
    assert kinds["src/components/Button/Button.tsx"] == "source"
    assert manifest["tests"]["suites"][0]["framework"] == "jest"
    assert manifest["counts"]["tests"] == 2


def test_helpers_in_a_tests_folder_are_test_support_not_tests(harvest_layout: Harvest) -> None:
    records, _ = harvest_layout({
        "package.json": '{"name": "lib"}',
        "src/__tests__/sum.test.ts": "import { sum } from '../sum'\n\ntest('sum', () => { sum(1, 2) })\n",
        "src/__tests__/helpers.ts": "export const two = () => 2\n",  # jest would run it: it declares no test
        "src/sum.ts": "export const sum = (a: number, b: number) => a + b\n",
    })
    kinds = _kinds(records)
    assert kinds["src/__tests__/sum.test.ts"] == "test"
    assert kinds["src/__tests__/helpers.ts"] == "test-support"
    assert kinds["src/sum.ts"] == "source"


def test_pytest_testpaths_decide_and_conftest_is_support(harvest_layout: Harvest) -> None:
    records, manifest = harvest_layout({
        "pyproject.toml": '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
        "shop/cart.py": "def total():\n    return 3\n",
        "tests/test_cart.py": "from shop.cart import total\n\n\ndef test_total():\n    assert total() == 3\n",
        "tests/conftest.py": "import pytest\n\n\n@pytest.fixture\ndef cart():\n    return []\n",
        "tests/factories.py": "def make_cart():\n    return []\n",
        "tests/test_data_helpers.py": "def shared():\n    return 1\n",  # matched by name, declares no test
        "examples/app/test_app.py": PY_TEST,  # outside testpaths: an example's test
    })
    kinds = _kinds(records)
    assert kinds["tests/test_cart.py"] == "test"
    assert kinds["tests/conftest.py"] == kinds["tests/factories.py"] == "test-support"
    assert kinds["tests/test_data_helpers.py"] == "test-support"
    assert kinds["examples/app/test_app.py"] == "example"
    assert manifest["tests"]["unconfirmed"] == ["tests/test_data_helpers.py"]
    assert manifest["tests"]["suites"][0] == {
        "framework": "pytest", "include": ["**/test_*.py", "**/*_test.py"],
        "exclude": ["**/*.egg/**", "**/.*/**", "**/_darcs/**", "**/build/**", "**/CVS/**", "**/dist/**",
                    "**/node_modules/**", "**/venv/**", "**/{arch}/**"],
        "scan": ["tests"], "dedicated": True, "test_names": ["test", "Test"], "source": "pyproject.toml"}


def test_a_custom_python_files_and_python_functions(harvest_layout: Harvest) -> None:
    records, _ = harvest_layout({
        "pytest.ini": "[pytest]\npython_files = check_*.py\npython_functions = check_\n",
        "pyproject.toml": '[tool.pytest.ini_options]\ntestpaths = ["ignored"]\n',  # pytest.ini wins
        "calc/add.py": "def add(a, b):\n    return a + b\n",
        "calc/check_add.py": "from calc.add import add\n\n\ndef check_add():\n    assert add(1, 2) == 3\n",
        "calc/test_legacy.py": PY_TEST,  # not a python_files name here
    })
    kinds = _kinds(records)
    assert kinds["calc/check_add.py"] == "test"
    assert kinds["calc/test_legacy.py"] == "source"
    assert records["calc/check_add.py"].tests == ("calc/add.py",)


def test_jest_test_match_in_package_json(harvest_layout: Harvest) -> None:
    records, _ = harvest_layout({
        "package.json": json.dumps({"name": "app", "jest": {"testMatch": ["<rootDir>/src/**/*.unit.js"],
                                                             "setupFiles": ["<rootDir>/jest.setup.js"]}}),
        "jest.setup.js": "global.fetch = () => null\n",
        "src/math.js": "exports.double = (x) => x * 2\n",
        "src/math.unit.js": "const { double } = require('./math')\n\ntest('double', () => { double(2) })\n",
        "src/math.test.js": "const { double } = require('./math')\n\ntest('double', () => { double(2) })\n",
    })
    kinds = _kinds(records)
    assert kinds["src/math.unit.js"] == "test"
    assert kinds["src/math.test.js"] == "source"  # the configured runner would not run it
    assert kinds["jest.setup.js"] == "test-support"
    assert records["src/math.unit.js"].tests == ("src/math.js",)


def test_vitest_include_and_dir(harvest_layout: Harvest) -> None:
    records, _ = harvest_layout({
        "package.json": '{"name": "kit", "devDependencies": {"vitest": "3"}}',
        "vitest.config.ts": ("import { defineConfig } from 'vitest/config'\nconst pattern = '**/*.check.ts'\n"
                             "export default defineConfig({\n  test: {\n    dir: 'checks',\n    include: [pattern],\n"
                             "    setupFiles: ['checks/setup.ts'],\n    coverage: { include: ['src/**'] },\n  },\n})\n"),
        "src/kit.ts": "export const kit = () => 1\n",
        "checks/kit.check.ts": "import { kit } from '../src/kit'\n\ntest('kit', () => { kit() })\n",
        "checks/setup.ts": "export {}\n",
        "checks/util.ts": "export const util = 1\n",
        "src/other.test.ts": JS_TEST,  # outside `dir`
    })
    kinds = _kinds(records)
    assert kinds["checks/kit.check.ts"] == "test"
    assert kinds["checks/setup.ts"] == kinds["checks/util.ts"] == "test-support"
    assert kinds["src/other.test.ts"] == "source"
    assert records["checks/kit.check.ts"].tests == ("src/kit.ts",)


def test_mocha_specs_from_the_package_script(harvest_layout: Harvest) -> None:
    records, _ = harvest_layout({
        "package.json": json.dumps({"name": "web", "scripts": {
            "test": "mocha --require test/support/env --reporter spec test/ test/acceptance/"}}),
        "lib/web.js": "exports.serve = function () {}\n",
        "index.js": "module.exports = require('./lib/web')\n",
        "test/web.serve.js": "var web = require('..')\n\ndescribe('serve', function () {\n  it('serves', function () { web.serve() })\n})\n",
        "test/acceptance/home.js": "var web = require('../..')\n\ndescribe('home', function () { it('loads', function () { web() }) })\n",
        "test/support/env.js": "process.env.NODE_ENV = 'test'\n",
        "test/support/utils.js": "exports.noop = function () {}\n",
    })
    kinds = _kinds(records)
    assert kinds["test/web.serve.js"] == kinds["test/acceptance/home.js"] == "test"
    assert kinds["test/support/env.js"] == kinds["test/support/utils.js"] == "test-support"
    assert records["test/web.serve.js"].tests == ("lib/web.js",)  # through `module.exports = require(...)`
    assert records["test/acceptance/home.js"].tests == ("lib/web.js",)


def test_go_tests_need_a_test_function(harvest_layout: Harvest) -> None:
    records, _ = harvest_layout({
        "go.mod": "module example.com/shop\n",
        "shop/total.go": "package shop\n\nfunc Total() int { return 3 }\n",
        "shop/total_test.go": GO_TEST,
        "shop/helpers_test.go": "package shop\n\nfunc fixture() int { return 1 }\n",
        "shop/testdata/input_test.go": GO_TEST,
    })
    kinds = _kinds(records)
    assert kinds["shop/total_test.go"] == "test"
    assert kinds["shop/helpers_test.go"] == "test-support"
    assert kinds["shop/testdata/input_test.go"] == "example"


def test_maven_surefire_includes_and_abstract_bases(harvest_layout: Harvest) -> None:
    pom = ("<project xmlns='http://maven.apache.org/POM/4.0.0'><build><plugins><plugin>"
           "<artifactId>maven-surefire-plugin</artifactId><configuration><includes>"
           "<include>**/*Spec.java</include></includes></configuration></plugin></plugins></build></project>")
    records, _ = harvest_layout({
        "pom.xml": pom,
        "src/main/java/com/shop/Cart.java": "package com.shop;\n\npublic class Cart {}\n",
        "src/test/java/com/shop/CartSpec.java": ("package com.shop;\n\nimport org.junit.jupiter.api.Test;\n\n"
                                                 "class CartSpec {\n  @Test void empty() { new Cart(); }\n}\n"),
        "src/test/java/com/shop/CartTest.java": ("package com.shop;\n\nclass CartTest {\n  @org.junit.Test "
                                                 "public void old() {}\n}\n"),  # not in the configured includes
        "src/test/java/com/shop/BaseSpec.java": ("package com.shop;\n\npublic abstract class BaseSpec {\n"
                                                 "  @Test void shared() {}\n}\n"),
        "src/test/java/com/shop/Fixtures.java": "package com.shop;\n\nclass Fixtures {}\n",
    })
    kinds = _kinds(records)
    assert kinds["src/test/java/com/shop/CartSpec.java"] == "test"
    assert kinds["src/test/java/com/shop/CartTest.java"] == "test-support"
    assert kinds["src/test/java/com/shop/BaseSpec.java"] == "test-support"
    assert kinds["src/test/java/com/shop/Fixtures.java"] == "test-support"
    assert records["src/test/java/com/shop/CartSpec.java"].tests == ("src/main/java/com/shop/Cart.java",)


def test_a_workspace_package_configures_its_own_runner(harvest_layout: Harvest) -> None:
    records, _ = harvest_layout({
        "package.json": '{"name": "root", "private": true, "workspaces": ["packages/*"]}',
        "packages/a/package.json": '{"name": "@org/a", "scripts": {"test": "vitest run"}}',
        "packages/a/vitest.config.ts": "export default { test: { include: ['spec/**/*.ts'] } }\n",
        "packages/a/spec/a.ts": JS_TEST,
        "packages/a/src/a.ts": "export const a = 1\n",
        "packages/b/package.json": '{"name": "@org/b"}',  # no runner: jest's defaults
        "packages/b/src/b.test.ts": JS_TEST,
        "packages/b/src/b.ts": "export const b = 1\n",
    })
    kinds = _kinds(records)
    assert kinds["packages/a/spec/a.ts"] == "test"
    assert kinds["packages/b/src/b.test.ts"] == "test"
    assert kinds["packages/a/src/a.ts"] == kinds["packages/b/src/b.ts"] == "source"


def test_the_recorded_profile_classifies_at_request_time(harvest_layout: Harvest, tmp_path: Path) -> None:
    records, manifest = harvest_layout({
        "package.json": json.dumps({"name": "app", "jest": {"testRegex": "/checks/.*\\.tsx?$"}}),
        "src/app.ts": "export const app = 1\n",
        "checks/app.ts": JS_TEST,
        "checks/shared.ts": "export const shared = 1\n",
    })
    assert records["checks/app.ts"].kind == "test"
    profile = recorded_profile(tmp_path)  # the harvest under this test's IDIOM_HOME

    assert profile is not None and profile.to_json() == manifest["tests"]
    assert kind_of("checks/new-feature.tsx", profile) == "test"  # a file created after the harvest
    assert kind_of("checks/new-feature.tsx") == "source"  # the runners' defaults know no such folder
    assert kind_of("checks/shared.ts", profile) == "test-support"  # matched at HEAD, declared no test
    assert request_kind("checks/new-feature.tsx", "", profile) == "test"
    assert recorded_profile(tmp_path) is profile  # read once per manifest: kind_of caches by identity
