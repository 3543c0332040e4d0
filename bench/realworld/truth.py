"""Ground truth for the real-world matrix: the test files a repository's own test runner would collect.

Computed from the runner's configuration and the framework's documented discovery rules, independently of
the product's classifier (harvest/classify.py), so the matrix can say how far the product is from it:

- **pytest** (any `conftest.py`, a pytest config section or `pytest` named in the project's files): per
  Python project (the repository root and every folder with its own `pyproject.toml`/`setup.py`/`setup.cfg`),
  `testpaths`, `python_files` (default `test_*.py`, `*_test.py`), `python_classes`, `python_functions`,
  `norecursedirs` and `--ignore` in `addopts`, read from the first of `pytest.ini`, `.pytest.ini`,
  `pyproject.toml` `[tool.pytest.ini_options]`, `tox.ini` `[pytest]`, `setup.cfg` `[tool:pytest]`.
  **unittest** otherwise: `test*.py` in the start folder and the packages below it (`__init__.py`).
- **Jest** (`jest.config.*`, a `jest` key in package.json, or `jest` in a script): `roots`, `testMatch`
  (default `**/__tests__/**/*.[jt]s?(x)`, `**/?(*.)+(spec|test).[jt]s?(x)`) or `testRegex`,
  `testPathIgnorePatterns`, `moduleFileExtensions`, `projects`. **Vitest** (`vitest.config.*`, a `test` key in
  `vite.config.*`, `vitest.workspace.*`, or `vitest` in a script): `include` (default
  `**/*.{test,spec}.?(c|m)[jt]s?(x)`), `exclude` (default node_modules, dist, cypress, dot folders, tool
  configs), `dir`, `root`, `projects`. **Mocha** (`.mocharc.*`, a `mocha` key, or `mocha` in a script): the
  spec arguments of the script or `spec` (default `./test/*.{js,cjs,mjs}`), `extension`, `recursive`,
  `ignore`. **node --test** (its default patterns or its arguments), **Playwright** (`testDir`, `testMatch`,
  `testIgnore`) and **Cypress** (`specPattern`). A runner's configuration is looked for in the repository
  root, in the workspace packages it declares (`workspaces`, `pnpm-workspace.yaml`, `lerna.json`) and in the
  config files its scripts name (`-c`, `--config`); a package inside a test fixture is not a runner.
- **Go**: `*_test.go` outside `testdata/`, `vendor/` and `_`/`.` folders.
- **Maven** (`pom.xml`): surefire's includes under the module's test source folder (default `src/test/java`,
  `**/Test*.java`, `**/*Test.java`, `**/*Tests.java`, `**/*TestCase.java`, or the plugin's `<includes>`), its
  `<excludes>`, and failsafe's (`**/IT*.java`, `**/*IT.java`, `**/*ITCase.java`) when the plugin is declared.
  **Gradle** (`build.gradle[.kts]`): classes with tests under `src/test/java`.

Helpers and fixtures under test folders are not test files: a file counts only when it holds a test the
runner would run (a `test…` function or `Test…` class, `describe`/`it`/`test`, `func TestX`/`BenchmarkX`/
`ExampleX`/`FuzzX`, a JUnit/TestNG test method or an inherited `TestCase`, in a class that is not abstract).
Only files in the languages the product parses are considered. Not covered: Ava, tap, Bun, Deno, Karma,
Kotlin and Groovy tests, pytest plugins that change collection, `collect_ignore` in conftest.py.
"""

from __future__ import annotations

import configparser
import fnmatch
import json
import posixpath
import re
import shlex
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import yaml

from bench.realworld.jsliteral import RegexLiteral, Spread, exported_config
from bench.realworld.patterns import glob_matches

# The languages the matrix looks at (the product's parsed languages), by extension.
CODE_EXTENSIONS = {".py": "python", ".js": "javascript", ".jsx": "javascript", ".mjs": "javascript",
                   ".cjs": "javascript", ".ts": "typescript", ".tsx": "tsx", ".go": "go", ".java": "java"}
JS_LANGUAGES = {"javascript", "typescript", "tsx"}

PY_PROJECT_FILES = ("pyproject.toml", "setup.py", "setup.cfg")
PYTEST_FILES = ("test_*.py", "*_test.py")
PYTEST_NORECURSE = ("*.egg", ".*", "_darcs", "build", "CVS", "dist", "node_modules", "venv", "{arch}")
PYTEST_IMPORT = re.compile(r"(?m)^\s*(?:import|from)\s+pytest\b")
UNITTEST_CASE = re.compile(r"(?m)^\s*class\s+\w+\s*\([^)]*TestCase\b")

JEST_MATCH = ("**/__tests__/**/*.[jt]s?(x)", "**/?(*.)+(spec|test).[jt]s?(x)")
JEST_EXTENSIONS = ("js", "mjs", "cjs", "jsx", "ts", "tsx", "json", "node")
VITEST_INCLUDE = ("**/*.{test,spec}.?(c|m)[jt]s?(x)",)
VITEST_EXCLUDE = ("**/node_modules/**", "**/dist/**", "**/cypress/**", "**/.{idea,git,cache,output,temp}/**",
                  "**/{karma,rollup,webpack,vite,vitest,jest,ava,babel,nyc,cypress,tsup,build,eslint,prettier}.config.*")
MOCHA_SPEC = ("./test/*.{js,cjs,mjs}",)
MOCHA_EXTENSIONS = ("js", "cjs", "mjs")
MOCHA_VALUE_OPTIONS = frozenset({"-r", "--require", "-R", "--reporter", "-u", "--ui", "-t", "--timeout", "-s", "--slow",
                       "-g", "--grep", "-f", "--fgrep", "--config", "--package", "--extension", "--ignore",
                       "--exclude", "--file", "--spec", "-O", "--reporter-option", "--reporter-options",
                       "--retries", "-j", "--jobs", "-n", "--node-option", "--watch-files", "--watch-ignore"})
NODE_VALUE_OPTIONS = frozenset({"--import", "--require", "-r", "--loader", "--experimental-loader",
                                "--test-reporter", "--test-reporter-destination", "--test-name-pattern",
                                "--test-concurrency", "--test-shard", "--env-file"})
NODE_TEST = ("**/*.test.{cjs,mjs,js}", "**/*-test.{cjs,mjs,js}", "**/*_test.{cjs,mjs,js}",
             "**/test-*.{cjs,mjs,js}", "**/test.{cjs,mjs,js}", "**/test/**/*.{cjs,mjs,js}")
PLAYWRIGHT_MATCH = ("**/*.@(spec|test).?(c|m)[jt]s?(x)",)
CYPRESS_SPEC = ("cypress/e2e/**/*.cy.{js,jsx,ts,tsx}",)
JS_TEST_CALL = re.compile(r"(?<![\w$.])(?:describe|it|test|suite|specify|context)(?:\.\w+)*\s*(?:\(|`)")
CONFIG_NAME = re.compile(r"^(jest|vitest|vite|playwright|cypress)\.(config|workspace)(\.[\w-]+)*\.[cm]?[jt]s(on)?$"
                         r"|^vitest\.workspace\.json$|^\.mocharc(\.[\w]+)?$")
SCRIPT_SPLIT = re.compile(r"&&|\|\||[;|]")

GO_TEST_FUNC = re.compile(r"(?m)^func\s+(?:Test|Benchmark|Example|Fuzz)(?:[A-Z_0-9]\w*)?\s*\(")
SUREFIRE_INCLUDES = ("**/Test*.java", "**/*Test.java", "**/*Tests.java", "**/*TestCase.java")
FAILSAFE_INCLUDES = ("**/IT*.java", "**/*IT.java", "**/*ITCase.java")
JAVA_TEST_METHOD = re.compile(r"@(?:Test|ParameterizedTest|RepeatedTest|TestFactory|TestTemplate)\b"
                              r"|\bextends\s+(?:junit\.framework\.)?TestCase\b")


@dataclass(frozen=True)
class Truth:
    """The test files of a repository, each with the runner that collects it."""

    runners: dict[str, str] = field(default_factory=dict)  # path -> pytest, unittest, jest, vitest, go, maven, …

    @property
    def tests(self) -> frozenset[str]:
        return frozenset(self.runners)


class Tree:
    """The repository's tracked files (`paths`) and their text, read from `root` once each."""

    def __init__(self, root: Path, paths: Iterable[str]) -> None:
        self.root = root
        self.paths = sorted(set(paths))
        self.path_set = frozenset(self.paths)
        self.folders = frozenset(posixpath.dirname(p) for p in self.paths)

        self._texts: dict[str, str] = {}

    def text(self, path: str) -> str:
        """The file's text ("" when it is not there)."""
        if path not in self._texts:
            try:
                self._texts[path] = (self.root / path).read_text(encoding="utf-8", errors="replace")
            except OSError:
                self._texts[path] = ""
        return self._texts[path]

    def under(self, folder: str) -> list[str]:
        """Tracked files below `folder` ("" = all), as paths relative to it."""
        prefix = folder.rstrip("/") + "/" if folder else ""
        return [p[len(prefix):] for p in self.paths if p.startswith(prefix)]


def collected_tests(root: Path, paths: Iterable[str]) -> Truth:
    """The files of `paths` (repository-relative, under `root`) that the repository's test runners collect."""
    tree = Tree(root, paths)
    runners: dict[str, str] = {}
    for collect in COLLECTORS:
        for path, runner in collect(tree).items():
            if language_of(path):
                runners.setdefault(path, runner)
    return Truth(runners)


def language_of(path: str) -> str:
    """The code language the matrix counts the file in ("" for anything else)."""
    return CODE_EXTENSIONS.get(posixpath.splitext(path)[1], "")


# --- Python -------------------------------------------------------------------------------------------------

def python_tests(tree: Tree) -> dict[str, str]:
    """pytest's (or, in a repository that does not use pytest, unittest's) test modules."""
    modules = [p for p in tree.paths if p.endswith(".py")]
    if not modules:
        return {}
    if not _uses_pytest(tree):
        return {p: "unittest" for p in modules if _unittest_collects(tree, p)}
    roots = sorted({posixpath.dirname(p) for p in tree.paths if posixpath.basename(p) in PY_PROJECT_FILES} | {""},
                   key=lambda r: (-r.count("/") if r else 1, r))
    found = {}
    for path in modules:
        project = next(r for r in roots if not r or path.startswith(r + "/"))
        if _pytest_collects(tree, project, path[len(project) + 1 if project else 0:], _pytest_config(tree, project)):
            found[path] = "pytest"
    return found


def _uses_pytest(tree: Tree) -> bool:
    if any(posixpath.basename(p) == "conftest.py" for p in tree.paths):
        return True
    settings = [p for p in tree.paths if posixpath.basename(p) in
                (*PY_PROJECT_FILES, "pytest.ini", ".pytest.ini", "tox.ini", "noxfile.py", "Pipfile")
                or re.search(r"(^|/)requirements[^/]*\.(txt|in)$", p)]
    return any("pytest" in tree.text(p) for p in settings) or any(
        PYTEST_IMPORT.search(tree.text(p)) for p in tree.paths if p.endswith(".py"))


@dataclass(frozen=True)
class PytestConfig:
    testpaths: tuple[str, ...] = ()
    python_files: tuple[str, ...] = PYTEST_FILES
    python_classes: tuple[str, ...] = ("Test",)
    python_functions: tuple[str, ...] = ("test",)
    norecursedirs: tuple[str, ...] = PYTEST_NORECURSE
    ignore: tuple[str, ...] = ()


def _pytest_config(tree: Tree, project: str) -> PytestConfig:
    """The first pytest config of `project` (pytest's own order), parsed; the defaults when there is none."""
    def at(name: str) -> str:
        return posixpath.join(project, name) if project else name

    section: dict[str, Any] | None = None
    for name, kind, key in (("pytest.ini", "ini", "pytest"), (".pytest.ini", "ini", "pytest"),
                            ("pyproject.toml", "toml", ""), ("tox.ini", "ini", "pytest"),
                            ("setup.cfg", "ini", "tool:pytest")):
        if at(name) not in tree.path_set:
            continue
        section = _toml_pytest(tree.text(at(name))) if kind == "toml" else _ini_section(tree.text(at(name)), key)
        if section is not None:
            break
    if not section:
        return PytestConfig()
    addopts = _words(section.get("addopts", ""))
    ignore = tuple(a.split("=", 1)[1] for a in addopts if a.startswith(("--ignore=", "--ignore-glob=")))
    defaults = PytestConfig()
    return PytestConfig(
        _words(section.get("testpaths", ())), _words(section.get("python_files", ())) or defaults.python_files,
        _words(section.get("python_classes", ())) or defaults.python_classes,
        _words(section.get("python_functions", ())) or defaults.python_functions,
        _words(section.get("norecursedirs", ())) or defaults.norecursedirs, ignore)


def _toml_pytest(text: str) -> dict[str, Any] | None:
    try:
        tool = tomllib.loads(text).get("tool", {})
    except tomllib.TOMLDecodeError:
        return None
    pytest = tool.get("pytest", {})
    return pytest.get("ini_options", pytest) if isinstance(pytest, dict) and pytest else None


def _ini_section(text: str, section: str) -> dict[str, Any] | None:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    return dict(parser[section]) if parser.has_section(section) else None


def _words(value: Any) -> tuple[str, ...]:
    """An ini value's whitespace-separated words (pytest's `args`/`linelist`), or a TOML list."""
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value)
    try:
        return tuple(shlex.split(str(value)))
    except ValueError:
        return tuple(str(value).split())


def _pytest_collects(tree: Tree, project: str, relative: str, config: PytestConfig) -> bool:
    folders = relative.split("/")[:-1]
    name = relative.rsplit("/", 1)[-1]
    if config.testpaths and not any(_under_glob(relative, t.rstrip("/")) for t in config.testpaths):
        return False
    if any(fnmatch.fnmatchcase(d, pattern) for d in folders for pattern in config.norecursedirs):
        return False
    if any(_under_glob(relative, i.rstrip("/")) for i in config.ignore):
        return False
    if not any(fnmatch.fnmatchcase(relative if "/" in p else name, p) for p in config.python_files):
        return False
    text = tree.text(posixpath.join(project, relative) if project else relative)
    functions = "|".join(re.escape(f) for f in config.python_functions)
    classes = "|".join(re.escape(c) for c in config.python_classes)
    return bool(re.search(rf"(?m)^\s*(?:async\s+)?def\s+(?:{functions})\w*\s*\(|^\s*class\s+(?:{classes})\w*", text)
                or UNITTEST_CASE.search(text))


def _under_glob(path: str, prefix: str) -> bool:
    """`path` is `prefix` or lies below it; `prefix` may hold glob characters (pytest ≥ 7 testpaths)."""
    if prefix in ("", "."):
        return True
    parts = path.split("/")
    depth = prefix.count("/") + 1
    return len(parts) >= depth and fnmatch.fnmatchcase("/".join(parts[:depth]), prefix.removeprefix("./"))


def _unittest_collects(tree: Tree, path: str) -> bool:
    """`python -m unittest discover`: `test*.py` in the start folder or a package below it, with a TestCase."""
    folders = path.split("/")[:-1]
    packages = all(posixpath.join(*folders[:depth + 1], "__init__.py") in tree.path_set for depth in range(len(folders)))
    return packages and fnmatch.fnmatchcase(posixpath.basename(path), "test*.py") and \
        bool(UNITTEST_CASE.search(tree.text(path)))


# --- JavaScript / TypeScript --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Runner:
    """One configured run of a JS test runner: which files, relative to `root`, it collects."""

    name: str
    root: str
    include: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    regexes: tuple[str, ...] = ()  # Jest testRegex (replaces include)
    ignore_regexes: tuple[str, ...] = ()  # Jest testPathIgnorePatterns
    extensions: tuple[str, ...] = ()  # only these file extensions (Jest moduleFileExtensions, mocha --extension)
    folders: tuple[str, ...] = ("",)  # Jest roots, Vitest dir, Playwright testDir (relative to root)

    def collects(self, path: str) -> bool:
        if self.root and not path.startswith(self.root + "/"):
            return False
        relative = path[len(self.root) + 1:] if self.root else path
        if not any(not f or relative.startswith(f.rstrip("/") + "/") for f in self.folders):
            return False
        if self.extensions and posixpath.splitext(path)[1].lstrip(".") not in self.extensions:
            return False
        absolute = "/" + path
        if any(_search(r, absolute) for r in self.ignore_regexes) or any(glob_matches(g, relative) for g in self.exclude):
            return False
        if self.regexes:
            return any(_search(r, absolute) for r in self.regexes)
        return any(glob_matches(g, relative) for g in self.include)


def ecmascript_tests(tree: Tree) -> dict[str, str]:
    """Files a configured JS runner collects and that hold a test call."""
    runners = js_runners(tree)
    found = {}
    for path in tree.paths:
        if CODE_EXTENSIONS.get(posixpath.splitext(path)[1]) not in JS_LANGUAGES:
            continue
        runner = next((r for r in runners if r.collects(path)), None)
        if runner is not None and JS_TEST_CALL.search(tree.text(path)):
            found[path] = runner.name
    return found


def js_runners(tree: Tree) -> list[Runner]:
    """Every runner configured in the repository root, its workspace packages, and the configs scripts name."""
    runners: list[Runner] = []
    seen: set[str] = set()
    for package in _packages(tree):
        manifest = _json(tree.text(_at(package, "package.json")))
        local = [n for n in _files_in(tree, package) if CONFIG_NAME.match(n)]
        configs = {_at(package, n) for n in local}
        invoked: dict[str, list[list[str]]] = {}
        scripts = manifest.get("scripts")
        for script in scripts.values() if isinstance(scripts, dict) else ():
            for command in SCRIPT_SPLIT.split(str(script)):
                tool = _tool(_shell_words(command))
                if tool:
                    invoked.setdefault(tool[0], []).append(tool[1])
                    named = _option(tool[1], ("-c", "--config"))
                    if named and tool[0] != "mocha":
                        configs.add(posixpath.normpath(posixpath.join(package, named)))
        own: list[Runner] = []
        for config in sorted(configs - seen):
            seen.add(config)
            own += _config_runners(tree, config)
        if isinstance(manifest.get("jest"), dict):
            own += _jest_runners(tree, manifest["jest"], package)
        configured = {r.name for r in own}
        if "jest" in invoked and "jest" not in configured:
            own += _jest_runners(tree, {}, package)
        if "vitest" in invoked and "vitest" not in configured:
            own += _vitest_runners({}, package, tree)
        if "mocha" in invoked or "mocha" in manifest or any(n.startswith(".mocharc") for n in local):
            own += [_mocha_runner(tree, package, manifest, args) for args in invoked.get("mocha", [[]])]
        for args in invoked.get("node", []):
            patterns = tuple(_positional(args, NODE_VALUE_OPTIONS)) or NODE_TEST
            own.append(Runner("node --test", package, patterns, ("**/node_modules/**",)))
        runners += own
    return runners


def _at(folder: str, name: str) -> str:
    return posixpath.join(folder, name) if folder else name


def _packages(tree: Tree) -> list[str]:
    """The folders where a runner may be configured: the repository root (or its top-most packages) and the
    workspace packages each declares."""
    manifests = sorted(posixpath.dirname(p) for p in tree.paths if posixpath.basename(p) == "package.json")
    tops = [""] if "package.json" in tree.path_set or any(CONFIG_NAME.match(p) for p in tree.paths) else \
        [m for m in manifests if not any(m.startswith(o + "/") for o in manifests if o != m)]
    found: list[str] = []
    queue = list(tops)
    while queue:
        package = queue.pop(0)
        if package in found:
            continue
        found.append(package)
        for glob in _workspace_globs(tree, package):
            prefix = posixpath.join(package, glob) if package else glob
            queue += [m for m in manifests if m and m not in found and glob_matches(prefix.rstrip("/"), m)]
    return found


def _workspace_globs(tree: Tree, package: str) -> list[str]:
    def at(name: str) -> str:
        return posixpath.join(package, name) if package else name

    globs: list[str] = []
    manifest = _json(tree.text(at("package.json")))
    workspaces = manifest.get("workspaces", [])
    globs += workspaces.get("packages", []) if isinstance(workspaces, dict) else workspaces if isinstance(workspaces, list) else []
    if at("pnpm-workspace.yaml") in tree.path_set:
        loaded = _yaml(tree.text(at("pnpm-workspace.yaml")))
        globs += loaded.get("packages", []) if isinstance(loaded, dict) else []
    if at("lerna.json") in tree.path_set:
        globs += _json(tree.text(at("lerna.json"))).get("packages", ["packages/*"])
    return [g for g in globs if isinstance(g, str) and not g.startswith("!")]


def _files_in(tree: Tree, folder: str) -> list[str]:
    return [p for p in tree.under(folder) if "/" not in p]


def _tool(words: list[str]) -> tuple[str, list[str]] | None:
    """(runner, its arguments) when a script command runs a test runner (directly, or through npx, pnpm exec,
    cross-env and the like)."""
    for index, word in enumerate(words):
        name = posixpath.basename(word)
        rest = words[index + 1:]
        if name in ("jest", "vitest", "mocha", "_mocha"):
            if name == "vitest" and rest[:1] in (["bench"], ["typecheck"]):
                return None
            return ("mocha" if name == "_mocha" else name), rest
        if name == "playwright" and rest[:1] == ["test"]:
            return "playwright", rest[1:]
        if name == "cypress" and rest[:1] == ["run"]:
            return "cypress", rest[1:]
        if name == "node" and "--test" in rest:
            return "node", [w for w in rest if w != "--test"]
    return None


def _positional(args: Sequence[str], value_options: frozenset[str]) -> list[str]:
    """The arguments that are not options nor an option's value."""
    found, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg in value_options:
            skip = True
        elif not arg.startswith("-"):
            found.append(arg)
    return found


def _shell_words(command: str) -> list[str]:
    try:
        return shlex.split(command)
    except ValueError:
        return command.split()


def _option(args: Sequence[str], names: Sequence[str]) -> str:
    """The value of the first of `names` in `args` (`-c x`, `--config x`, `--config=x`), or ""."""
    for index, arg in enumerate(args):
        for name in names:
            if arg == name and index + 1 < len(args):
                return args[index + 1]
            if arg.startswith(name + "="):
                return arg.split("=", 1)[1]
    return ""


def _config_runners(tree: Tree, config: str) -> list[Runner]:
    folder = posixpath.dirname(config)
    name = posixpath.basename(config)
    if name.endswith((".json", ".jsonc", ".yml", ".yaml")) or name == ".mocharc":
        data = _yaml(tree.text(config)) if name.endswith((".yml", ".yaml")) else _json(tree.text(config))
    else:
        data = _module_config(tree, config)
    if name.startswith("jest."):
        return _jest_runners(tree, data if isinstance(data, dict) else {}, folder)
    if name.startswith("vitest.workspace"):
        return _vitest_projects(data if isinstance(data, list) else [], folder, tree)
    if name.startswith(("vitest.", "vite.")):
        test = data.get("test") if isinstance(data, dict) else None
        return _vitest_runners(test, folder, tree) if test is not None or name.startswith("vitest.") else []
    if name.startswith("playwright."):
        return [_playwright_runner(data if isinstance(data, dict) else {}, folder)]
    if name.startswith("cypress."):
        e2e = data.get("e2e", {}) if isinstance(data, dict) else {}
        spec = _strings(e2e.get("specPattern")) if isinstance(e2e, dict) else ()
        return [Runner("cypress", folder, spec or CYPRESS_SPEC, ("**/node_modules/**",))]
    return []  # a .mocharc is read with its package (the mocha runner)


def _module_config(tree: Tree, path: str, depth: int = 0) -> dict[str, Any]:
    """What a JS/TS config module exports, following the local config modules it imports (`...base`)."""
    def load(specifier: str) -> Any:
        if depth > 3 or not specifier.startswith("."):
            return None
        base = posixpath.normpath(posixpath.join(posixpath.dirname(path), specifier))
        found = next((c for c in (base, *(base + e for e in (".js", ".ts", ".mjs", ".cjs", ".mts", ".json")))
                      if c in tree.path_set), None)
        if found is None:
            return None
        return _json(tree.text(found)) if found.endswith(".json") else _module_config(tree, found, depth + 1)

    return exported_config(tree.text(path), load)


def _jest_runners(tree: Tree, config: dict[str, Any], folder: str) -> list[Runner]:
    """Jest run with `config` found in `folder`: one runner, or one per entry of `projects`."""
    root = _join(folder, _strings(config.get("rootDir"))[:1])
    projects = config.get("projects")
    if isinstance(projects, list) and projects:
        runners: list[Runner] = []
        for project in projects:
            if isinstance(project, dict):  # an inline project: its rootDir defaults to the parent's
                runners += _jest_runners(tree, {**project, "rootDir": _join(root, _strings(project.get("rootDir"))[:1])}, "")
            elif isinstance(project, str):  # folders (a glob) each with its own config, or a config file
                runners += [r for path in _project_configs(tree, _join(root, (_unrooted(project),)), "jest.")
                            for r in _config_runners(tree, path)]
        return runners
    roots = tuple(_unrooted(r) for r in _strings(config.get("roots"))) or ("",)
    regexes = tuple(_rooted_regex(r, root) for r in _list(config.get("testRegex")))
    ignored = tuple(_rooted_regex(r, root) for r in _list(config.get("testPathIgnorePatterns"))) or ("/node_modules/",)
    return [Runner("jest", root, tuple(_unrooted(p) for p in _strings(config.get("testMatch"))) or JEST_MATCH, (),
                   regexes, ignored, _strings(config.get("moduleFileExtensions")) or JEST_EXTENSIONS, roots)]


def _vitest_runners(test: Any, folder: str, tree: Tree) -> list[Runner]:
    """Vitest run with the `test` settings of a config in `folder`: one runner, or one per project."""
    test = test if isinstance(test, dict) else {}
    root = _join(folder, _strings(test.get("root"))[:1])
    projects = test.get("projects") or test.get("workspace")
    if isinstance(projects, list) and projects:
        return _vitest_projects(projects, root, tree)
    directory = _strings(test.get("dir"))
    return [Runner("vitest", root, _strings(test.get("include")) or VITEST_INCLUDE,
                   _excludes(test.get("exclude"), VITEST_EXCLUDE),
                   folders=(_join("", directory[:1]),) if directory else ("",))]


def _vitest_projects(projects: list[Any], root: str, tree: Tree) -> list[Runner]:
    """Vitest `projects` (or a workspace file): inline configs, and globs of folders or config files."""
    runners: list[Runner] = []
    for project in projects:
        if isinstance(project, dict):
            runners += _vitest_runners(project.get("test", {}), _join(root, _strings(project.get("root"))[:1]), tree)
        elif isinstance(project, str):
            glob = _join(root, (project,))
            configs = _project_configs(tree, glob, "vite")
            runners += [r for path in configs for r in _config_runners(tree, path)]
            configured = {posixpath.dirname(c) for c in configs}
            # "every folder … is a separate project even if it doesn't have a config file inside"
            runners += [r for f in sorted(tree.folders) if f not in configured and glob_matches(glob, f)
                        for r in _vitest_runners({}, f, tree)]
    return runners


def _project_configs(tree: Tree, glob: str, prefix: str) -> list[str]:
    """Config files (names starting with `prefix`) that `glob` names, or that sit in the folders it names."""
    return [p for p in tree.paths if CONFIG_NAME.match(posixpath.basename(p)) and posixpath.basename(p).startswith(prefix)
            and (glob_matches(glob, p) or glob_matches(glob.rstrip("/"), posixpath.dirname(p)))]


def _unrooted(pattern: str) -> str:
    """A Jest path or glob relative to its rootDir (`<rootDir>/src` → `src`)."""
    return pattern.replace("<rootDir>/", "").replace("<rootDir>", "").removeprefix("./").strip("/")


def _rooted_regex(value: str | RegexLiteral, root: str) -> str:
    text = value.pattern if isinstance(value, RegexLiteral) else value
    return text.replace("<rootDir>", "/" + root if root else "")


def _mocha_runner(tree: Tree, package: str, manifest: dict[str, Any], args: list[str]) -> Runner:
    """Mocha run from `package` with the script's `args`: spec files, extensions, --recursive, --ignore."""
    rc: dict[str, Any] = manifest.get("mocha", {}) if isinstance(manifest.get("mocha"), dict) else {}
    for name in _files_in(tree, package):
        if name.startswith(".mocharc"):
            path = posixpath.join(package, name) if package else name
            text = tree.text(path)
            loaded = _yaml(text) if name.endswith((".yml", ".yaml")) else _module_config(tree, path) \
                if name.endswith((".js", ".cjs")) else _json(text)
            rc = {**rc, **(loaded if isinstance(loaded, dict) else {})}
    positional = _positional(args, MOCHA_VALUE_OPTIONS) + [v for i, v in enumerate(args[1:]) if args[i] == "--spec"]
    specs = tuple(positional) or _strings(rc.get("spec")) or MOCHA_SPEC
    extensions = tuple(e.lstrip(".") for e in (_option(args, ("--extension",)) and [_option(args, ("--extension",))]
                                              or _strings(rc.get("extension")))) or MOCHA_EXTENSIONS
    recursive = "--recursive" in args or rc.get("recursive") is True
    include = []
    for spec in specs:
        spec = spec.removeprefix("./").rstrip("/")
        has_glob = any(c in spec for c in "*?[{")
        if has_glob or posixpath.splitext(spec)[1]:
            include.append(spec)
        else:  # a folder: its files with the extensions (below it too with --recursive)
            include.append(f"{spec}/{'**/' if recursive else ''}*.{{{','.join(extensions)}}}")
    ignore = tuple(_strings(rc.get("ignore"))) + tuple(a.split("=", 1)[1] for a in args if a.startswith("--ignore="))
    return Runner("mocha", package, tuple(include), ignore, extensions=extensions)


def _playwright_runner(config: dict[str, Any], folder: str) -> Runner:
    directory = _strings(config.get("testDir"))
    return Runner("playwright", folder, _strings(config.get("testMatch")) or PLAYWRIGHT_MATCH,
                  _strings(config.get("testIgnore")) + ("**/node_modules/**",),
                  folders=(posixpath.normpath(directory[0]).removeprefix("./") if directory and
                           posixpath.normpath(directory[0]) != "." else "",))


def _excludes(value: Any, defaults: tuple[str, ...]) -> tuple[str, ...]:
    """A Vitest `exclude`: its strings, plus the defaults when it spreads them (`...configDefaults.exclude`)."""
    if value is None:
        return defaults
    items = value if isinstance(value, list) else [value]
    spread = any(isinstance(v, Spread) for v in items)
    return tuple(v for v in items if isinstance(v, str)) + (defaults if spread else ())


def _strings(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    return tuple(v for v in items if isinstance(v, str))


def _list(value: Any) -> tuple[Any, ...]:
    items = value if isinstance(value, list) else [value] if value is not None else []
    return tuple(v for v in items if isinstance(v, (str, RegexLiteral)))


def _join(folder: str, relative: tuple[str, ...]) -> str:
    """`folder` joined with the first of `relative` (none: `folder`), normalised, "" for the repository root."""
    joined = posixpath.normpath(posixpath.join(folder or ".", relative[0])) if relative else folder
    return "" if joined in (".", "") else joined.removeprefix("./")


def _search(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern.replace("\\/", "/"), text) is not None
    except re.error:
        return False


def _json(text: str) -> dict[str, Any]:
    try:
        loaded = json.loads(re.sub(r"(?m)^\s*//.*$", "", text)) if text.strip() else {}
    except json.JSONDecodeError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _yaml(text: str) -> Any:
    try:
        return yaml.safe_load(text) or {}
    except yaml.YAMLError:
        return {}


# --- Go -----------------------------------------------------------------------------------------------------

def go_tests(tree: Tree) -> dict[str, str]:
    """`go test`'s files: `*_test.go` holding a Test, Benchmark, Example or Fuzz function."""
    found = {}
    for path in tree.paths:
        folders = path.split("/")[:-1]
        if not path.endswith("_test.go") or any(f in ("testdata", "vendor") or f.startswith(("_", ".")) for f in folders):
            continue
        if GO_TEST_FUNC.search(tree.text(path)):
            found[path] = "go"
    return found


# --- Java ---------------------------------------------------------------------------------------------------

def java_tests(tree: Tree) -> dict[str, str]:
    """Maven surefire/failsafe and Gradle test classes under each module's test source folder."""
    found: dict[str, str] = {}
    for build in tree.paths:
        name = posixpath.basename(build)
        module = posixpath.dirname(build)
        if name == "pom.xml":
            folder, includes, excludes = _surefire(tree.text(build))
            runner = "maven"
        elif name in ("build.gradle", "build.gradle.kts"):
            folder, includes, excludes, runner = "src/test/java", ("**/*.java",), (), "gradle"
        else:
            continue
        base = posixpath.join(module, folder) if module else folder
        for relative in tree.under(base):
            path = posixpath.join(base, relative)
            if not path.endswith(".java") or path in found or "$" in relative:
                continue
            if any(glob_matches(g, relative) for g in includes) and not any(glob_matches(g, relative) for g in excludes) \
                    and _java_test_class(tree, path):
                found[path] = runner
    return found


def _surefire(pom: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """(test source folder, includes, excludes) of a pom: surefire's and, when declared, failsafe's."""
    try:
        root = ElementTree.fromstring(pom)
    except ElementTree.ParseError:
        return "src/test/java", SUREFIRE_INCLUDES, ()

    def local(element: ElementTree.Element) -> str:
        return element.tag.rsplit("}", 1)[-1]

    def child(element: ElementTree.Element, tag: str) -> ElementTree.Element | None:
        return next((c for c in element if local(c) == tag), None)

    def texts(element: ElementTree.Element | None, tag: str) -> tuple[str, ...]:
        return tuple((e.text or "").strip() for e in element.iter() if local(e) == tag) if element is not None else ()

    build = child(root, "build")
    source = child(build, "testSourceDirectory") if build is not None else None
    folder = (source.text or "").strip().replace("${project.basedir}/", "").replace("${basedir}/", "") \
        if source is not None else "src/test/java"
    includes: list[str] = []
    excludes: list[str] = []
    plugins = [p for container in (build, child(build, "pluginManagement") if build is not None else None)
               if container is not None for group in container if local(group) == "plugins" for p in group]
    surefire_configured = False
    for plugin in plugins:
        artifact = child(plugin, "artifactId")
        artifact_id = (artifact.text or "").strip() if artifact is not None else ""
        if artifact_id not in ("maven-surefire-plugin", "maven-failsafe-plugin"):
            continue
        configuration = child(plugin, "configuration")
        own = texts(configuration, "include")
        surefire_configured |= artifact_id == "maven-surefire-plugin" and bool(own)
        includes += own or (FAILSAFE_INCLUDES if artifact_id == "maven-failsafe-plugin" else ())
        excludes += texts(configuration, "exclude")
        executions = child(plugin, "executions")
        for execution in executions if executions is not None else ():  # each adds a run with its own includes
            includes += texts(child(execution, "configuration"), "include")
    if not surefire_configured:
        includes += SUREFIRE_INCLUDES  # surefire runs by default, declared or not
    return folder, tuple(dict.fromkeys(i for i in includes if not i.startswith("%regex"))), tuple(excludes)


def _java_test_class(tree: Tree, path: str, seen: frozenset[str] = frozenset()) -> bool:
    """A concrete class with a test method of its own or inherited from a base class of the repository."""
    text = tree.text(path)
    stem = posixpath.splitext(posixpath.basename(path))[0]
    if re.search(rf"\babstract\s+(?:\w+\s+)*class\s+{re.escape(stem)}\b|\binterface\s+{re.escape(stem)}\b", text):
        return False
    return _java_has_tests(tree, path, seen)


def _java_has_tests(tree: Tree, path: str, seen: frozenset[str]) -> bool:
    text = tree.text(path)
    if JAVA_TEST_METHOD.search(text):
        return True
    stem = posixpath.splitext(posixpath.basename(path))[0]
    base = re.search(rf"\bclass\s+{re.escape(stem)}\b(?:\s*<[^{{]*?>)?\s+extends\s+([\w.]+)", text)
    if base is None:
        return False
    name = base.group(1).rsplit(".", 1)[-1]
    parents = [p for p in tree.paths if posixpath.basename(p) == name + ".java" and p not in seen]
    return any(_java_has_tests(tree, p, seen | {path}) for p in parents)


COLLECTORS: tuple[Callable[[Tree], dict[str, str]], ...] = (python_tests, ecmascript_tests, go_tests, java_tests)
