"""Test → source mapping through the code graph: one small real repository per layout, mined by
`idiom harvest`, each test's `tests` field asserted (best match first)."""

from __future__ import annotations

import json

from tests.harvest.conftest import Harvest

JS_CASE = "\n\ndescribe('it', () => {\n  it('works', () => {\n    {use}\n  })\n})\n"


def _js_test(imports: str, use: str) -> str:
    return imports + JS_CASE.replace("{use}", use)


def test_a_test_beside_its_source_and_a_bare_spec_in_a_component_folder(harvest_layout: Harvest) -> None:
    records, _ = harvest_layout({
        "package.json": '{"name": "ui"}',
        "src/components/Button/Button.tsx": "import { Icon } from '../Icon/Icon'\n\nexport const Button = () => Icon()\n",
        "src/components/Button/index.ts": "export * from './Button'\n",
        "src/components/Button/Button.test.tsx": _js_test(
            "import { Button } from './Button'\nimport { Icon } from '../Icon/Icon'", "Button(); Button(); Icon()"),
        "src/components/Icon/Icon.tsx": "export const Icon = () => null\n",
        "src/components/Icon/spec.tsx": _js_test("import { Icon } from '.'", "Icon()"),
        "src/components/Icon/index.ts": "export { Icon } from './Icon'\n",
        "src/components/Menu/__tests__/Menu.test.tsx": _js_test("import { Menu } from '..'", "Menu()"),
        "src/components/Menu/index.tsx": "export const Menu = () => null\n",
    })
    assert records["src/components/Button/Button.test.tsx"].tests == (
        "src/components/Button/Button.tsx", "src/components/Icon/Icon.tsx")
    assert records["src/components/Icon/spec.tsx"].tests == ("src/components/Icon/Icon.tsx",)  # through the barrel
    assert records["src/components/Menu/__tests__/Menu.test.tsx"].tests == ("src/components/Menu/index.tsx",)


def test_a_workspace_package_imported_by_its_own_name(harvest_layout: Harvest) -> None:
    records, _ = harvest_layout({
        "package.json": '{"name": "monorepo", "private": true}',
        "pnpm-workspace.yaml": "packages:\n  - 'packages/*'\n",
        "packages/hooks/package.json": '{"name": "@org/hooks", "main": "dist/index.js"}',
        "packages/hooks/src/index.ts": "export * from './useToggle'\nexport { useCount as useCounter } from './count'\n",
        "packages/hooks/src/useToggle.ts": "export function useToggle() { return true }\n",
        "packages/hooks/src/count.ts": "export function useCount() { return 1 }\n",
        "packages/hooks/test/toggle.test.ts": _js_test(
            "import { useToggle, useCounter } from '@org/hooks'", "useToggle(); useToggle(); useCounter()"),
    })
    assert records["packages/hooks/test/toggle.test.ts"].tests == (
        "packages/hooks/src/useToggle.ts", "packages/hooks/src/count.ts")


def test_a_library_importing_itself_by_name_and_an_exports_subpath(harvest_layout: Harvest) -> None:
    package = {"name": "fetchy", "main": "./dist/index/index.js",
               "exports": {".": {"import": {"types": "./dist/index/index.d.mts", "default": "./dist/index/index.mjs"}},
                           "./infinite": {"import": "./dist/infinite/index.mjs"}}}
    records, _ = harvest_layout({
        "package.json": json.dumps(package),
        "jest.config.js": "module.exports = { testRegex: '/test/.*\\\\.test\\\\.tsx?$' }\n",
        "src/index/index.ts": "import useFetchy from './use-fetchy'\n\nexport default useFetchy\n",
        "src/index/use-fetchy.ts": "export default function useFetchy() { return 1 }\n",
        "src/infinite/index.ts": "export default function useFetchyInfinite() { return 2 }\n",
        "test/use-fetchy-key.test.tsx": _js_test("import useFetchy from 'fetchy'", "useFetchy()"),
        "test/use-fetchy-infinite.test.tsx": _js_test("import useInfinite from 'fetchy/infinite'", "useInfinite()"),
    })
    assert records["test/use-fetchy-key.test.tsx"].tests == ("src/index/use-fetchy.ts",)
    assert records["test/use-fetchy-infinite.test.tsx"].tests == ("src/infinite/index.ts",)


def test_tsconfig_paths(harvest_layout: Harvest) -> None:
    records, _ = harvest_layout({
        "package.json": '{"name": "web"}',
        "tsconfig.json": '{\n  // aliases\n  "compilerOptions": {"baseUrl": ".", "paths": {"~lib/*": ["src/lib/*"]}},\n}\n',
        "src/lib/format.ts": "export const format = (x: number) => String(x)\n",
        "tests/format.spec.ts": _js_test("import { format } from '~lib/format'", "format(1)"),
    })
    assert records["tests/format.spec.ts"].tests == ("src/lib/format.ts",)


def test_python_tests_reach_the_module_that_defines_what_they_use(harvest_layout: Harvest) -> None:
    records, _ = harvest_layout({
        "pyproject.toml": '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
        "src/shop/__init__.py": "from shop._client import Client as Client\nfrom requests import Session as Session\n",
        "src/shop/_client.py": "class Client:\n    pass\n",
        "src/shop/_urls.py": "def parse(url):\n    return url\n",
        "src/shop/testing.py": "class Runner:\n    pass\n",
        "tests/test_client.py": ("import shop\nfrom shop._urls import parse\nfrom shop.testing import Runner\n\n\n"
                                 "def test_client():\n    shop.Client()\n    shop.Client()\n    parse('x')\n    Runner()\n"),
        "tests/test_session.py": "from shop import Session\n\n\ndef test_session():\n    Session()\n",
        "tests/test_runner.py": "from shop.testing import Runner\n\n\ndef test_runner():\n    Runner()\n",
    })
    assert records["tests/test_client.py"].tests == ("src/shop/_client.py", "src/shop/_urls.py")
    assert records["tests/test_session.py"].tests == ()  # only re-exported from elsewhere: not the repo's code
    assert records["tests/test_runner.py"].tests == ("src/shop/testing.py",)  # the helpers are all it tests


def test_a_mirrored_python_test_keeps_the_name_rule(harvest_layout: Harvest) -> None:
    records, _ = harvest_layout({
        "service/app/users.py": "def get_user(user_id):\n    return {'id': user_id}\n",
        "service/app/main.py": "def create_app():\n    return object()\n",
        "service/tests/test_users.py": ("from service.app.main import create_app\n\n\n"
                                        "def test_users():\n    assert create_app()\n"),
    })
    assert records["service/tests/test_users.py"].tests == ("service/app/users.py", "service/app/main.py")


def test_a_docs_tutorial_imported_at_run_time_is_what_its_test_tests(harvest_layout: Harvest) -> None:
    records, _ = harvest_layout({
        "docs_src/__init__.py": "", "docs_src/tutorial/__init__.py": "",
        "docs_src/tutorial/tutorial001.py": "from shop.session import Session\n\n\ndef main():\n    Session()\n",
        "shop/__init__.py": "", "shop/session.py": "class Session:\n    pass\n",
        "tests/fixtures/__init__.py": "", "tests/fixtures/data.py": "ROWS = [1, 2]\n",
        "tests/test_tutorial001.py": (
            "import importlib\n\nimport pytest\n\nfrom shop.session import Session\nfrom tests.fixtures.data import ROWS\n\n\n"
            "@pytest.fixture(params=['tutorial001'])\ndef mod(request):\n"
            "    return importlib.import_module(f'docs_src.tutorial.{request.param}')\n\n\n"
            "def test_main(mod):\n    mod.main()\n    assert Session() and Session() and ROWS and ROWS and ROWS\n"),
    })
    assert records["docs_src/tutorial/tutorial001.py"].kind == "example"
    assert records["tests/test_tutorial001.py"].tests == ("docs_src/tutorial/tutorial001.py", "shop/session.py")


def test_a_module_required_inside_the_tests(harvest_layout: Harvest) -> None:
    records, _ = harvest_layout({
        "package.json": '{"name": "hooky", "main": "dist/index.js"}',
        "src/index.ts": "export { default } from './use-hooky'\n",
        "src/use-hooky.ts": "export default function useHooky() { return 1 }\n",
        "test/isolated.test.ts": ("let useHooky\n\nbeforeEach(() => {\n  jest.resetModules()\n"
                                  "  useHooky = require('hooky').default\n})\n\ntest('fresh', () => { useHooky() })\n"),
    })
    assert records["test/isolated.test.ts"].tests == ("src/use-hooky.ts",)


def test_go_tests_map_to_their_package_same_named_file_first(harvest_layout: Harvest) -> None:
    records, _ = harvest_layout({
        "go.mod": "module example.com/shop\n",
        "cart/total.go": "package cart\n\nfunc Total(items []int) int { return apply(sum(items)) }\n",
        "cart/discount.go": "package cart\n\nconst (\n\tRate = 2\n)\n\nfunc apply(v int) int { return v / Rate }\n",
        "cart/sum.go": "package cart\n\nfunc sum(items []int) int { return len(items) }\n",
        "cart/print.go": "package cart\n\ntype Printer struct{}\n",
        "cart/total_test.go": ("package cart\n\nimport \"testing\"\n\nfunc TestTotal(t *testing.T) {\n"
                               "\tif Total(nil) != 0 || Rate != 2 || Rate < 1 {\n\t\tt.Fatal()\n\t}\n}\n"),
        "cart/example_test.go": ("package cart_test\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/shop/cart\"\n)\n\n"
                                 "func ExampleTotal() {\n\tfmt.Println(cart.Total(nil))\n}\n"),
    })
    assert records["cart/total_test.go"].tests == ("cart/total.go", "cart/discount.go")
    assert records["cart/example_test.go"].tests == ("cart/total.go",)


def test_java_tests_map_to_the_class_they_name_then_what_they_use(harvest_layout: Harvest) -> None:
    records, _ = harvest_layout({
        "pom.xml": "<project/>",
        "core/pom.xml": "<project/>",
        "core/src/main/java/com/shop/Cart.java": "package com.shop;\n\npublic class Cart {}\n",
        "core/src/main/java/com/shop/money/Price.java": "package com.shop.money;\n\npublic class Price {}\n",
        "core/src/main/java/com/shop/Basket.java": "package com.shop;\n\npublic class Basket {}\n",
        "legacy/src/main/java/com/shop/Cart.java": "package com.shop;\n\npublic class Cart {}\n",
        "core/src/test/java/com/shop/CartAddTest.java": (
            "package com.shop;\n\nimport com.shop.money.Price;\nimport org.junit.jupiter.api.Test;\n\n"
            "class CartAddTest {\n  @Test void add() { new Cart(); new Price(); new Price(); }\n}\n"),
    })
    assert records["core/src/test/java/com/shop/CartAddTest.java"].tests == (
        "core/src/main/java/com/shop/Cart.java", "core/src/main/java/com/shop/money/Price.java")


def test_browser_tests_map_to_the_pages_they_open(harvest_layout: Harvest) -> None:
    """A Cypress test of an app maps to the page serving the URL (route group and dynamic segment
    included); a Playwright test of a library's fixture site maps to the library code the site uses."""
    e2e = "import { test, expect } from '@playwright/test'\n\ntest('renders', async ({ page }) => {\n  {use}\n})\n"
    records, _ = harvest_layout({
        "package.json": '{"name": "fetchy"}',
        "playwright.config.ts": "export default { testDir: './e2e' }\n",
        "src/use-fetchy.ts": "export function useFetchy() { return 1 }\n",
        "e2e/site/app/suspense/page.tsx": "import Demo from './demo'\n\nexport default function Page() { return Demo() }\n",
        "e2e/site/app/suspense/demo.tsx": "import { useFetchy } from '../../../../src/use-fetchy'\n\n"
                                          "export default function Demo() { return useFetchy() }\n",
        "e2e/suspense.test.ts": e2e.replace("{use}", "await page.goto('./suspense')\n  await expect(page).toBeTruthy()"),
        "shop/package.json": '{"name": "shop", "devDependencies": {"cypress": "13.0.0"}}',
        "shop/cypress.config.ts": "import { defineConfig } from 'cypress'\n\nexport default defineConfig({ e2e: {} })\n",
        "shop/app/(store)/items/[id]/page.tsx": "export default function Item() { return null }\n",
        "shop/app/(store)/items/page.tsx": "export default function Items() { return null }\n",
        "shop/cypress/e2e/item.cy.ts": "describe('item', () => {\n  it('opens', () => {\n"
                                       "    cy.visit('http://localhost:3000/items/42?tab=1')\n  })\n})\n",
    })
    assert records["e2e/suspense.test.ts"].tests == ("src/use-fetchy.ts",)
    assert records["shop/cypress/e2e/item.cy.ts"].tests == ("shop/app/(store)/items/[id]/page.tsx",)
