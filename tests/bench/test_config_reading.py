"""Reading runner configs: literal values out of JS/TS config modules, and the repositories file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.realworld.catalog import REPOS_FILE, MatrixError, load_repos
from bench.realworld.jsliteral import RegexLiteral, Spread, exported_config


def test_define_config_with_nested_objects_constants_and_spreads() -> None:
    text = """import { configDefaults, defineConfig } from 'vitest/config'
// a comment with a /slash/
const GLOB = '**/*.rsc.test.ts'

export default defineConfig({
  resolve: { alias: [{ find: /^pkg$/, replacement: resolve('./src/index.ts') }] },
  test: {
    include: ["**/*.test.ts", GLOB],
    exclude: [...configDefaults.exclude, `**/fixtures/**`],
    reporters: process.env.CI ? ['github'] : ['default'],
    retry: 1,
    globals: true,
  },
})
"""
    config = exported_config(text)
    assert config["test"]["include"] == ["**/*.test.ts", "**/*.rsc.test.ts"]
    assert config["test"]["exclude"] == [Spread("configDefaults.exclude"), "**/fixtures/**"]
    assert config["test"]["reporters"] is None  # not a literal: skipped, never guessed
    assert (config["test"]["retry"], config["test"]["globals"]) == (1, True)
    assert config["resolve"]["alias"][0]["find"] == RegexLiteral("^pkg$")


def test_module_exports_of_a_typed_constant_without_semicolons() -> None:
    text = ("/** @type {import('jest').Config} */\nconst config: Config = {\n  testRegex: '/test/.*\\\\.test\\\\.tsx?$',\n"
            "  roots: ['<rootDir>/src']\n}\n\nmodule.exports = config\n")
    assert exported_config(text) == {"testRegex": "/test/.*\\.test\\.tsx?$", "roots": ["<rootDir>/src"]}


def test_an_imported_base_config_is_spread_through_the_loader() -> None:
    text = "import base from './jest.config.js'\n\nexport default { ...base, moduleNameMapper: {} }\n"
    loaded = exported_config(text, lambda specifier: {"testRegex": "x"} if specifier == "./jest.config.js" else None)
    assert loaded == {"testRegex": "x", "moduleNameMapper": {}}
    assert exported_config("module.exports = { ...require('./base'), bail: true }\n", lambda s: {"roots": ["a"]}) == \
        {"roots": ["a"], "bail": True}


def test_a_config_that_is_not_a_literal_reads_as_empty() -> None:
    assert exported_config("export default async () => ({ testMatch: ['x'] })\n") == {}
    assert exported_config("module.exports = makeConfig()\n") == {}


def test_the_shipped_repositories_file_pins_every_repository() -> None:
    specs = load_repos(REPOS_FILE)
    assert len(specs) >= 12
    assert all(len(s.commit) == 40 and s.languages and s.layout for s in specs)
    assert len({s.name for s in specs}) == len(specs)


@pytest.mark.parametrize(("text", "says"), [
    ("[[repo]]\nrepo = 'nobody'\ncommit = 'x'\n", "owner/name"),
    ("[[repo]]\nrepo = 'a/b'\ncommit = 'abc'\n", "40-character"),
    (f"[[repo]]\nrepo = 'a/b'\ncommit = '{'a' * 40}'\n\n[[repo]]\nrepo = 'c/b'\ncommit = '{'b' * 40}'\n", "share a name"),
    ("repo = [", "not valid TOML"),
    ("title = 'no tables'\n", "[[repo]]"),
])
def test_a_bad_repositories_file_is_one_clear_error(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "repos.toml"
    path.write_text(text)
    with pytest.raises(MatrixError, match=r".*") as raised:
        load_repos(path)
    assert says in str(raised.value) and "\n" not in str(raised.value)
