"""Read each test runner's configuration into suites, with the framework's documented defaults where
the configuration says nothing: a registry of one small reader per runner.

Every reader gets the texts of the runner configuration files at HEAD (`is_runner_config` names them)
and the repository's paths, and returns the suites it found. JavaScript configs are read statically
(harvest/testkind/jsliteral.py), never run. Configs inside fixture folders describe fixtures, not the
repository, and are skipped.
"""

from __future__ import annotations

import configparser
import json
import posixpath
import re
import shlex
import tomllib
from collections.abc import Callable, Collection, Iterator, Mapping
from typing import Any
from xml.etree import ElementTree

import yaml

from harvest.testkind.jsliteral import config_literals, strings
from harvest.testkind.profile import FIXTURE_FOLDERS, Suite
from harvest.yamltext import load_yaml

JS_CODE = r"?([mc])[jt]s?(x)"
JEST_DEFAULT = (f"**/__tests__/**/*.{JS_CODE}", f"**/?(*.)+(spec|test).{JS_CODE}")
VITEST_DEFAULT = ("**/*.{test,spec}.?(c|m)[jt]s?(x)",)
VITEST_EXCLUDE = ("**/node_modules/**", "**/.git/**")
PLAYWRIGHT_DEFAULT = ("**/*.@(spec|test).?(c|m)[jt]s?(x)",)
CYPRESS_DEFAULT = ("cypress/e2e/**/*.cy.{js,jsx,ts,tsx}", "**/*.cy.{js,jsx,ts,tsx}")
MOCHA_EXTENSIONS = ("js", "cjs", "mjs")
PYTEST_FILES = ("test_*.py", "*_test.py")
PYTEST_NORECURSE = ("*.egg", ".*", "_darcs", "build", "CVS", "dist", "node_modules", "venv", "{arch}")
SUREFIRE_DEFAULT = ("**/Test*.java", "**/*Test.java", "**/*Tests.java", "**/*TestCase.java")
FAILSAFE_DEFAULT = ("**/IT*.java", "**/*IT.java", "**/*ITCase.java")
JVM_TEST_ROOTS = ("src/test/java", "src/test/kotlin", "src/test/groovy")
NODE_EXCLUDE = ("**/node_modules/**",)
UNIT_RUNNERS = frozenset({"jest", "vitest", "mocha"})  # a package they cover needs no default suite

FIXTURE_FOLDER = re.compile(rf"(^|/)(node_modules|{'|'.join(FIXTURE_FOLDERS)})/")
PYTEST_CONFIGS = ("pytest.toml", ".pytest.toml", "pytest.ini", ".pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg")
JS_CONFIG = re.compile(r"^(jest|vitest|vite|playwright|cypress)\.(config|workspace)\.[cm]?[jt]s(on)?$"
                       r"|^\.mocharc(\.\w+)?$")
OTHER_CONFIGS = frozenset({"package.json", "pom.xml", "build.gradle", "build.gradle.kts", *PYTEST_CONFIGS})
# mocha options that take a value: the word after them is not a spec
MOCHA_VALUED = frozenset({"--require", "-r", "--reporter", "-R", "--ui", "-u", "--timeout", "-t", "--slow", "-s",
                          "--file", "--ignore", "--exclude", "--extension", "--config", "--grep", "-g", "--fgrep",
                          "-f", "--retries", "--jobs", "-j", "--reporter-option", "--reporter-options", "-O",
                          "--package", "--opts", "--spec", "--watch-files", "--watch-ignore", "--node-option", "-n"})

Configs = Mapping[str, str]
Reader = Callable[[Configs, Collection[str]], list[Suite]]


def is_runner_config(path: str) -> bool:
    """Whether `path` is a file some reader here looks at (so only those texts need keeping)."""
    name = posixpath.basename(path)
    return (name in OTHER_CONFIGS or JS_CONFIG.match(name) is not None) and not FIXTURE_FOLDER.search(path)


def read_suites(configs: Configs, paths: Collection[str]) -> list[Suite]:
    """Every suite of every runner the repository configures, defaults where it configures none."""
    usable = {p: t for p, t in configs.items() if not FIXTURE_FOLDER.search(p)}
    found = [suite for reader in READERS for suite in reader(usable, paths)]
    return found + unconfigured_js_suites(usable, paths, found)


def default_suites() -> tuple[Suite, ...]:
    """What the runners find with no configuration at all: the verdict for a repository never harvested."""
    return (_pytest_suite("", {}, "pytest defaults"), _jest_defaults("", "jest defaults"),
            Suite("mocha", "", ("test/*.{js,cjs,mjs}",), scan=("test",), dedicated=True, source="mocha defaults"),
            *go_suites({}, ("_test.go",)),
            Suite("maven", "", tuple(f"**/{root}/{_both_jvm(i)}" for root in JVM_TEST_ROOTS[:2]
                                     for i in SUREFIRE_DEFAULT), source="maven defaults"))


# --- Python: pytest and unittest -------------------------------------------------------------------

def pytest_suites(configs: Configs, paths: Collection[str]) -> list[Suite]:
    """One suite per folder with a pytest configuration (the first file pytest itself would pick), plus
    pytest's defaults at the root when the root has none; unittest's `test*.py` when nothing uses pytest."""
    suites = []
    folders = sorted({posixpath.dirname(p) for p in configs if posixpath.basename(p) in PYTEST_CONFIGS})
    for folder in folders:
        for name in PYTEST_CONFIGS:
            path = posixpath.join(folder, name)
            options = _pytest_options(name, configs[path]) if path in configs else None
            if options is not None:
                suites.append(_pytest_suite(folder, options, path))
                break
    if not any(s.root == "" for s in suites) and any(p.endswith(".py") for p in paths):
        suites.append(_pytest_suite("", {}, "pytest defaults"))
        if len(suites) == 1:
            suites.append(Suite("unittest", "", ("**/test*.py",), exclude=_norecurse(PYTEST_NORECURSE),
                                test_names=("test",), loose=True, source="unittest defaults"))
    return suites


def _pytest_options(name: str, text: str) -> dict[str, Any] | None:
    """The pytest settings a config file holds, or None when it holds no pytest section."""
    try:
        if name.endswith(".toml"):
            data = tomllib.loads(text)
            if name in ("pytest.toml", ".pytest.toml"):
                return data.get("pytest", data)
            tool = data.get("tool", {}).get("pytest")
            if not isinstance(tool, dict):
                return None
            return tool.get("ini_options", tool) if isinstance(tool.get("ini_options"), dict) else tool
        parser = configparser.ConfigParser(interpolation=None)
        parser.read_string(text)
    except (tomllib.TOMLDecodeError, configparser.Error, AttributeError):
        return None
    section = {"setup.cfg": "tool:pytest"}.get(name, "pytest")
    if parser.has_section(section):
        return dict(parser[section])
    return {} if name in ("pytest.ini", ".pytest.ini") else None  # pytest.ini is the config even when empty


def _pytest_suite(folder: str, options: dict[str, Any], source: str) -> Suite:
    scan = tuple(p for p in (_join(folder, t) for t in _words(options.get("testpaths"))) if p != folder)
    files = _words(options.get("python_files")) or list(PYTEST_FILES)
    norecurse = _words(options.get("norecursedirs")) or list(PYTEST_NORECURSE)
    names = (_words(options.get("python_functions")) or ["test"]) + (_words(options.get("python_classes")) or ["Test"])
    return Suite("pytest", folder, tuple(f if "/" in f else "**/" + f for f in files), exclude=_norecurse(norecurse),
                 scan=scan, dedicated=bool(scan),
                 test_names=tuple(n.rstrip("*") for n in names), source=source)


def _norecurse(folders: Collection[str]) -> tuple[str, ...]:
    return tuple(f"**/{folder}/**" for folder in folders)


def _words(value: Any) -> list[str]:
    """An ini value (whitespace-separated) or a TOML list, as a list of strings."""
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list):
        return [str(v) for v in value]
    return []


# --- JavaScript: jest, vitest, mocha, playwright, cypress --------------------------------------------

def jest_suites(configs: Configs, paths: Collection[str]) -> list[Suite]:
    """jest.config.* and package.json `jest`, with their `projects` objects; jest's defaults where a
    package runs jest with no configuration."""
    suites: list[Suite] = []
    for path, options in _js_configs(configs, "jest", "jest"):
        suites += _jest_suites(posixpath.dirname(path), options, path)
    for folder, package in _packages(configs):
        if _runs(package, "jest") and not _covered(folder, suites):
            suites.append(_jest_defaults(folder, f"{_package_json(folder)}: jest defaults"))
    return suites


def unconfigured_js_suites(configs: Configs, paths: Collection[str], found: list[Suite]) -> list[Suite]:
    """Jest's defaults (which take in vitest's and `spec.tsx` alike) for each package that no unit-test
    runner covers, from it or from a folder above or below it (a workspace root whose members configure
    their own runners delegates to them), and for the root when there is JavaScript but no package.json."""
    units = [s for s in found if s.framework in UNIT_RUNNERS]
    folders = [folder for folder, _ in _packages(configs)]
    if not folders and any(p.endswith((".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".mts", ".cts")) for p in paths):
        folders = [""]
    suites: list[Suite] = []
    for folder in folders:
        below = any(not folder or s.root.startswith(folder + "/") for s in units)
        if not below and not _covered(folder, units + suites):
            suites.append(_jest_defaults(folder, "no runner configured: jest defaults"))
    return suites


def _jest_defaults(folder: str, source: str) -> Suite:
    return Suite("jest", folder, JEST_DEFAULT, exclude=NODE_EXCLUDE, exclude_regex=("/node_modules/",), source=source)


def _jest_suites(folder: str, options: dict[str, Any], source: str) -> list[Suite]:
    root = _join(folder, _string(options.get("rootDir")) or ".")
    projects = _objects(options.get("projects"))
    if projects:
        return [s for p in projects for s in _jest_suites(root, p, source)]
    roots = [_join(root, r.replace("<rootDir>", ".")) for r in strings(options.get("roots")) or []]
    regex = strings(options.get("testRegex")) or []
    match = [] if regex else [_root_relative(m) for m in strings(options.get("testMatch")) or JEST_DEFAULT]
    ignored = (strings(options.get("testPathIgnorePatterns")) or ["/node_modules/"]) + \
        (strings(options.get("modulePathIgnorePatterns")) or [])
    setup = [_join(root, s.replace("<rootDir>", ".")) for key in ("setupFiles", "setupFilesAfterEnv")
             for s in strings(options.get(key)) or []]
    return [Suite("jest", root, tuple(match), tuple(regex), NODE_EXCLUDE, tuple(ignored),
                  tuple(r for r in roots if r != root), setup=tuple(setup), source=source)]


def vitest_suites(configs: Configs, paths: Collection[str]) -> list[Suite]:
    """vitest.config.* (else vite.config.* with a `test` block) and its projects; vitest's defaults
    where a package runs vitest with no configuration."""
    suites: list[Suite] = []
    chosen: dict[str, tuple[str, dict[str, Any]]] = {}
    for path, options in _js_configs(configs, "vitest", ""):
        folder, name = posixpath.split(path)
        if name.startswith("vitest.workspace"):
            continue
        if name.startswith("vite.") and ("test" not in options or folder in chosen):
            continue
        chosen[folder] = (path, options)
    for folder, (path, options) in sorted(chosen.items()):
        suites += _vitest_suites(folder, options.get("test") if isinstance(options.get("test"), dict) else {}, path)
    for folder, package in _packages(configs):
        if folder not in chosen and _runs(package, "vitest") and not _covered(folder, suites):
            suites.append(_vitest_suite(folder, {}, f"{_package_json(folder)}: vitest defaults"))
    return suites


def _vitest_suites(folder: str, test: dict[str, Any], source: str) -> list[Suite]:
    inline = _objects(test.get("projects") or test.get("workspace"))
    if inline:
        return [_vitest_suite(_join(folder, _string(p.get("root")) or "."),
                              p.get("test") if isinstance(p.get("test"), dict) else {}, source, test) for p in inline]
    return [_vitest_suite(folder, test, source)]


def _vitest_suite(folder: str, test: dict[str, Any], source: str, parent: dict[str, Any] | None = None) -> Suite:
    inherited = parent or {}
    include = strings(test.get("include")) or strings(inherited.get("include")) or list(VITEST_DEFAULT)
    exclude = (strings(test.get("exclude")) or []) + (strings(inherited.get("exclude")) or []) + list(VITEST_EXCLUDE)
    directory = _string(test.get("dir")) or _string(inherited.get("dir"))
    setup = [_join(folder, s) for key in ("setupFiles", "globalSetup") for s in strings(test.get(key)) or []]
    return Suite("vitest", folder, tuple(_root_relative(i) for i in include), exclude=tuple(exclude),
                 scan=(_join(folder, directory),) if directory else (), dedicated=bool(directory),
                 setup=tuple(setup), source=source)


def mocha_suites(configs: Configs, paths: Collection[str]) -> list[Suite]:
    """.mocharc.* or package.json `mocha`, and the specs a `mocha` command in a package script names;
    mocha's default `./test/*.{js,cjs,mjs}` where none is given."""
    suites = []
    for folder, package in _packages(configs):
        options = next((o for p, o in _js_configs(configs, "mocha", "mocha") if posixpath.dirname(p) == folder), None)
        commands = [c for script in (package.get("scripts") or {}).values() if isinstance(script, str)
                    for c in _mocha_commands(script)]
        if options is None and not commands:
            continue
        options = options or {}
        extensions = strings(options.get("extension")) or list(MOCHA_EXTENSIONS)
        recursive = options.get("recursive") is True
        specs = strings(options.get("spec")) or []
        setup = strings(options.get("require")) or []
        for words in commands:
            found, required, deep = _mocha_arguments(words)
            specs += found
            setup += required
            recursive = recursive or deep
        specs = specs or ["./test"]
        include = tuple(_mocha_glob(s, extensions, recursive) for s in dict.fromkeys(specs))
        folders = tuple(dict.fromkeys(_join(folder, _static_prefix(s)) for s in specs))
        ignored = tuple(strings(options.get("ignore")) or ())
        required = tuple(_join(folder, s) + ("" if posixpath.splitext(s)[1] else ".js") for s in setup
                         if s.startswith(".") or "/" in s)  # a bare name is a package (`ts-node/register` aside)
        suites.append(Suite("mocha", folder, include, exclude=NODE_EXCLUDE + ignored,
                            scan=tuple(f for f in folders if f != folder), dedicated=all(f != folder for f in folders),
                            setup=required, source=f"{_package_json(folder)}: mocha"))
    return suites


def _mocha_commands(script: str) -> Iterator[list[str]]:
    """The words after each `mocha` (or `_mocha`) in a package script."""
    for command in re.split(r"&&|\|\||;|\|", script):
        try:
            words = shlex.split(command)
        except ValueError:
            continue
        for i, word in enumerate(words):
            if posixpath.basename(word) in ("mocha", "_mocha"):
                yield words[i + 1:]
                break


def _mocha_arguments(words: list[str]) -> tuple[list[str], list[str], bool]:
    """(specs, required files, --recursive) from mocha's command-line words."""
    specs, required, recursive = [], [], False
    skip = False
    for i, word in enumerate(words):
        if skip:
            skip = False
            continue
        if word in ("--recursive",):
            recursive = True
        elif word in MOCHA_VALUED:
            skip = True
            if word in ("--require", "-r", "--file") and i + 1 < len(words):
                required.append(words[i + 1])
            elif word == "--spec" and i + 1 < len(words):
                specs.append(words[i + 1])
        elif not word.startswith("-"):
            specs.append(word)
    return specs, required, recursive


def _mocha_glob(spec: str, extensions: list[str], recursive: bool) -> str:
    """A spec as a glob: a folder means the files in it with mocha's extensions (all below with --recursive)."""
    spec = spec.removeprefix("./").rstrip("/")
    if any(c in spec for c in "*?{[") or posixpath.splitext(spec)[1]:
        return spec
    return f"{spec}/{'**/' if recursive else ''}*.{{{','.join(e.lstrip('.') for e in extensions)}}}"


def playwright_suites(configs: Configs, paths: Collection[str]) -> list[Suite]:
    """playwright.config.*: `testDir` (the config's folder by default), `testMatch`, `testIgnore`, and the
    same per project."""
    suites = []
    for path, options in _js_configs(configs, "playwright", ""):
        folder = posixpath.dirname(path)
        projects = _objects(options.get("projects"))
        for item in [options] + [p for p in projects if "testDir" in p or "testMatch" in p]:
            directory = _string(item.get("testDir")) or _string(options.get("testDir"))
            match = strings(item.get("testMatch")) or strings(options.get("testMatch")) or list(PLAYWRIGHT_DEFAULT)
            ignore = strings(item.get("testIgnore")) or strings(options.get("testIgnore")) or []
            scan = _join(folder, directory) if directory else folder
            suites.append(Suite("playwright", folder, tuple(m if m.startswith("**") else "**/" + m.removeprefix("./")
                                                            for m in match),
                                exclude=tuple(ignore) + NODE_EXCLUDE, scan=(scan,) if scan != folder else (),
                                dedicated=bool(directory), source=path))
    return suites


def cypress_suites(configs: Configs, paths: Collection[str]) -> list[Suite]:
    """cypress.config.*: `e2e.specPattern` and `component.specPattern`, or their defaults."""
    suites = []
    for path, options in _js_configs(configs, "cypress", ""):
        patterns = [p for key in ("e2e", "component") if isinstance(options.get(key), dict)
                    for p in strings(options[key].get("specPattern")) or []]
        suites.append(Suite("cypress", posixpath.dirname(path), tuple(patterns) or CYPRESS_DEFAULT,
                            exclude=NODE_EXCLUDE, source=path))
    return suites


def _js_configs(configs: Configs, runner: str, package_key: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, options) of each `<runner>.config.*` (or `.mocharc.*`) file and of package.json `package_key`."""
    for path, text in sorted(configs.items()):
        name = posixpath.basename(path)
        if runner == "mocha" and name.startswith(".mocharc"):
            yield path, _data_file(name, text)
        elif runner == "vitest" and re.match(r"^(vitest|vite)\.(config|workspace)\.[cm]?[jt]s$", name) or \
                re.match(rf"^{runner}\.config\.[cm]?[jt]s(on)?$", name) and runner != "vitest":
            yield path, _data_file(name, text)
        elif name == "package.json" and package_key:
            options = _json(text).get(package_key)
            if isinstance(options, dict):
                yield path, options


def _data_file(name: str, text: str) -> dict[str, Any]:
    if name.endswith((".json", ".jsonc")) or name == ".mocharc":
        return _json(text)
    if name.endswith((".yaml", ".yml")):
        try:
            data = load_yaml(text)
        except yaml.YAMLError:
            return {}
        return data if isinstance(data, dict) else {}
    return config_literals(text)


def _packages(configs: Configs) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, text in sorted(configs.items()):
        if posixpath.basename(path) == "package.json":
            yield posixpath.dirname(path), _json(text)


def _runs(package: dict[str, Any], runner: str) -> bool:
    """Whether a package.json runs `runner`: a script calls it or it is a dependency."""
    scripts = package.get("scripts") if isinstance(package.get("scripts"), dict) else {}
    named = any(isinstance(s, str) and re.search(rf"(^|[\s/]){runner}(\s|$)", s) for s in scripts.values())
    return named or any(isinstance(package.get(k), dict) and runner in package[k]
                        for k in ("devDependencies", "dependencies"))


def _covered(folder: str, suites: list[Suite]) -> bool:
    """Whether a suite rooted at `folder` or above already looks at it."""
    return any(not s.root or folder == s.root or folder.startswith(s.root + "/") for s in suites)


def _package_json(folder: str) -> str:
    return posixpath.join(folder, "package.json")


# --- Go and the JVM --------------------------------------------------------------------------------

def go_suites(configs: Configs, paths: Collection[str]) -> list[Suite]:
    """`go test` compiles every `*_test.go` outside `testdata`, `vendor` and folders starting with `_` or `.`."""
    if not any(p.endswith("_test.go") for p in paths):
        return []
    return [Suite("go", "", ("**/*_test.go",), exclude=("**/testdata/**", "**/vendor/**", "**/_*", "**/.*"),
                  source="go test")]


def jvm_suites(configs: Configs, paths: Collection[str]) -> list[Suite]:
    """Maven surefire/failsafe includes (configured, else their defaults) under each module's test source
    folder; Gradle runs every test class of its test source sets. Without a build file, Maven's defaults."""
    suites = []
    builds = sorted((p for p in configs if posixpath.basename(p) in ("pom.xml", "build.gradle", "build.gradle.kts")),
                    key=lambda p: (p.count("/"), p))  # a parent pom before its modules
    inherited: dict[str, tuple[list[str], list[str], str]] = {}
    for path in builds:
        folder, name = posixpath.split(path)
        if name == "pom.xml":
            includes, excludes, test_dir = _surefire(configs[path])
            parent = next((inherited[f] for f in _ancestors(folder) if f in inherited), None)
            if not includes and parent:
                includes, excludes = parent[0], parent[1]
            inherited[folder] = (includes, excludes, test_dir)
            roots = (test_dir or "src/test/java", "src/test/kotlin")
            suites.append(Suite("maven", folder, tuple(_both_jvm(i) for i in includes or SUREFIRE_DEFAULT),
                                exclude=tuple(_both_jvm(e) for e in excludes),
                                scan=tuple(_join(folder, r) for r in roots), dedicated=True, source=path))
        else:
            suites.append(Suite("gradle", folder, ("**/*.{java,kt,groovy}",),
                                scan=tuple(_join(folder, r) for r in JVM_TEST_ROOTS), dedicated=True, source=path))
    if not builds and any(p.endswith((".java", ".kt")) for p in paths):
        suites.append(default_suites()[-1])
    return suites


def _surefire(text: str) -> tuple[list[str], list[str], str]:
    """(includes, excludes, testSourceDirectory) of a pom: surefire's includes (its defaults when only
    failsafe is configured) and failsafe's; empty includes when the pom configures neither."""
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError:
        return [], [], ""
    for element in root.iter():
        element.tag = str(element.tag).rsplit("}", 1)[-1]
    surefire: list[str] = []
    failsafe: list[str] = []
    excludes: list[str] = []
    for plugin in root.iter("plugin"):
        artifact = plugin.findtext("artifactId", "")
        if artifact not in ("maven-surefire-plugin", "maven-failsafe-plugin"):
            continue
        found = [e.text.strip() for e in plugin.iter("include") if e.text and e.text.strip()]
        if artifact == "maven-failsafe-plugin":
            failsafe += found or list(FAILSAFE_DEFAULT)
        else:
            surefire += found
        excludes += [e.text.strip() for e in plugin.iter("exclude") if e.text and e.text.strip()]
    includes = (surefire or list(SUREFIRE_DEFAULT)) + failsafe if surefire or failsafe else []
    test_dir = (root.findtext("build/testSourceDirectory") or "").strip().removeprefix("${project.basedir}/")
    return includes, excludes, test_dir


def _both_jvm(pattern: str) -> str:
    """Surefire patterns name `.java` files but select classes: a Kotlin test class counts the same."""
    return re.sub(r"\.java$", ".{java,kt}", pattern)


def _ancestors(folder: str) -> Iterator[str]:
    while folder:
        folder = posixpath.dirname(folder)
        yield folder


# --- shared ----------------------------------------------------------------------------------------

def _json(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _objects(value: Any) -> list[dict[str, Any]]:
    """The object items of a `projects` list (its string items name folders with their own configs)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _string(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _join(folder: str, relative: str) -> str:
    joined = posixpath.normpath(posixpath.join(folder, relative.removeprefix("<rootDir>/")))
    return "" if joined == "." else joined


def _root_relative(glob: str) -> str:
    """`<rootDir>/src/**/*.test.ts` → `src/**/*.test.ts`: patterns are matched relative to the root."""
    return glob.replace("<rootDir>/", "").removeprefix("./")


def _static_prefix(glob: str) -> str:
    """The folder part of a spec before its first wildcard (a file's own name left out): where the
    runner starts looking."""
    parts = glob.removeprefix("./").rstrip("/").split("/")
    if posixpath.splitext(parts[-1])[1]:
        parts = parts[:-1]
    folders = []
    for part in parts:
        if any(c in part for c in "*?{[("):
            break
        folders.append(part)
    return "/".join(folders) or "."


READERS: tuple[Reader, ...] = (pytest_suites, jest_suites, vitest_suites, mocha_suites, playwright_suites,
                               cypress_suites, go_suites, jvm_suites)
