"""Map each test file to the source files it tests: by name first, then by what it uses.

Python and JavaScript/TypeScript tests go through the code graph (harvest/graph): every import is
resolved the way the repository resolves it (relative paths, tsconfig `paths`, workspace packages, a
package importing itself by its own name, Python packages and `__init__.py` re-exports), and each name
the test uses is followed through barrels to the file that defines it; the files used most come first.
A Go test tests its own package: the files of its folder, the same-named one first, then those that
define the identifiers it uses. A Java/Kotlin test tests its package: the class its name names
(`FooTest` → `Foo`), then the classes it imports or uses. A browser test (Playwright, Cypress) tests the
pages it opens (harvest/mining/pageroutes.py), or what they use when they belong to a test-only site.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from harvest.classify import language_of
from harvest.graph import (
    EVERYTHING,
    MODULE,
    CodeGraph,
    FileFacts,
    on_demand_graph,
    parse_text,
)
from harvest.mining.pageroutes import Route, page_routes, pages_visited
from harvest.testkind.profile import FIXTURE_PATH

TEST_AFFIXES = re.compile(r"^(?:test_|Test(?=[A-Z_]))?(?P<stem>.+?)(?:[_.-](?:test|spec)|Tests?|IT|ITCase|TestCase)?$")
BARE_TEST_NAME = re.compile(r"^(?:index\.)?(?:test|spec|tests|specs)$")
TEST_DIRS = frozenset({"tests", "test", "__tests__", "spec", "specs", "e2e", "unit", "integration"})
BARRELS = frozenset({"__init__", "index"})
GO_DECLARATION = re.compile(r"^(?:func\s+(?:\([^)]*\)\s*)?|type\s+|var\s+|const\s+)([A-Za-z_]\w*)", re.MULTILINE)
GO_BLOCK = re.compile(r"^(?:var|const|type)\s*\(\n(.*?)^\)", re.MULTILINE | re.DOTALL)  # `const (\n\tA = 1\n)`
GO_BLOCK_NAME = re.compile(r"^\t([A-Za-z_]\w*)", re.MULTILINE)
JVM_PACKAGE = re.compile(r"^\s*package\s+([\w.]+)", re.MULTILINE)
JVM_IMPORT = re.compile(r"^\s*import\s+(?:static\s+)?([\w.]+?)(?:\.\*)?\s*;?\s*$", re.MULTILINE)
IDENTIFIER = re.compile(r"\b[A-Za-z_]\w*\b")
# `name.member` where name starts an identifier (not `a.name.member`); one pass finds every imported module's
# members a test uses, where one search per module read a long test file again for each
MEMBER_USE = re.compile(r"(?<![\w$.])((?:[^\W\d]|\$)[\w$]*)\.([A-Za-z_$][\w$]*)")
JS_INLINE_IMPORT = re.compile(r"""\b(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)(?:\.([A-Za-z_$][\w$]*))?""")
PY_STRING = re.compile(r"""(?<![\w])['"]([A-Za-z_][\w.]*)['"]""")
PY_FSTRING_PREFIX = re.compile(r"""\bf['"]([A-Za-z_][\w.]*\.)\{""")
SCRIPT_LANGUAGES = frozenset({"python", "javascript", "typescript", "tsx"})
FAMILIES = {"python": "python", "javascript": "ecmascript", "typescript": "ecmascript", "tsx": "ecmascript",
            "go": "go", "java": "jvm", "kotlin": "jvm"}
SITE_DEPTH = 3  # a test-only site's modules followed this deep from its pages
TESTING_HELPER = re.compile(r"^(testing|testutils?|testhelpers?)$")  # a library's helpers for its users' tests


def map_tests(texts: Mapping[str, str], kinds: Mapping[str, str],
              parse: Callable[[str, str], FileFacts] = parse_text) -> dict[str, tuple[str, ...]]:
    """For each file of kind `test` (path → text in `texts`), the files it tests, best match first:
    `source` files, or `example` files when it tests nothing else (a docs snippet's test). The code graph
    it follows parses files with `parse` (path, text → facts before binding)."""
    targets = {p for p, k in kinds.items() if k in ("source", "example") and _family(p) in FAMILIES.values()}
    by_stem = _stems(targets)
    graph = on_demand_graph(texts, parse)
    go = _go_packages({p: texts[p] for p in targets if _family(p) == "go"})
    jvm = _jvm_classes({p: texts[p] for p in targets if _family(p) == "jvm"})
    routes = page_routes(texts)
    mapped = {}
    for test in (p for p, k in kinds.items() if k == "test"):
        language = language_of(test)
        if language in SCRIPT_LANGUAGES:
            used = _graph_uses(graph, test, texts[test]) + _visited_uses(graph, test, texts, kinds, routes)
        elif language == "go":
            used = _go_uses(texts[test], go.get(posixpath.dirname(test), {}))
        elif language in ("java", "kotlin"):
            used = _jvm_uses(test, texts[test], jvm)
        else:
            used = Counter()
        mapped[test] = _ranked(test, {p: n for p, n in used.items() if p in targets}, by_stem, kinds)
    return mapped


def _ranked(test: str, used: Mapping[str, int], by_stem: Mapping[str, list[str]],
            kinds: Mapping[str, str]) -> tuple[str, ...]:
    """The same-named file among those the test uses first (else the nearest same-named one of its
    language), then what it uses, most used first: an example program it imports (a docs tutorial's
    test tests the tutorial), then source files. A library's own testing helpers (`testing.py`,
    `test-utils.ts`) and fixtures count only when the test uses nothing else."""
    stem = _test_stem(test)
    same_language = [p for p in by_stem.get(stem, []) if _family(p) == _family(test)]
    named = [p for p in used if _stem_key(p) == stem] or \
        _closest(test, [p for p in same_language if kinds.get(p) == "source"])[:1]
    by_use = sorted(used, key=lambda p: (-used[p], p))
    demos = [p for p in by_use if kinds.get(p) == "example" and not FIXTURE_PATH.search(p)]
    tested = [p for p in by_use if kinds.get(p) == "source" and not TESTING_HELPER.match(_stem_key(p))]
    return tuple(dict.fromkeys(named + (demos + tested or by_use)))


# --- names -----------------------------------------------------------------------------------------

def _stems(paths: Iterable[str]) -> dict[str, list[str]]:
    """Subject name → files: `Button.tsx` under "button"; `Button/index.tsx` and `utils/__init__.py`
    under their folder's name too."""
    found: dict[str, list[str]] = defaultdict(list)
    for path in sorted(paths):
        found[_stem_key(path)].append(path)
        if _is_barrel(path):
            found[_normal(posixpath.basename(posixpath.dirname(path)))].append(path)
    return found


def _stem_key(path: str) -> str:
    return _normal(posixpath.basename(path).split(".")[0])


def _test_stem(path: str) -> str:
    """The subject a test's name names: `test_users.py`, `users_test.go`, `Users.spec.tsx`, `UsersTest.java`
    → users; a bare `spec.tsx` or `__tests__/index.test.ts` is named after its folder."""
    name = posixpath.basename(path)
    base = re.sub(r"\.[cm]?[jt]sx?$|\.\w+$", "", name)
    if BARE_TEST_NAME.match(base):
        folders = [d for d in posixpath.dirname(path).split("/") if d and d not in TEST_DIRS]
        return _normal(folders[-1]) if folders else ""
    base = re.sub(r"\.(?:test|spec)$", "", base).split(".")[0]
    match = TEST_AFFIXES.match(base)
    return _normal(match.group("stem") if match else base)


def _normal(name: str) -> str:
    """`use-swr`, `use_swr`, `useSWR` and `_client`/`client` compare equal."""
    return re.sub(r"[-_.]", "", name).lower()


def _closest(test: str, candidates: list[str]) -> list[str]:
    """Same-named files ordered by how much folder they share with the test (mirrored trees count)."""
    test_dirs = [d for d in posixpath.dirname(test).split("/") if d not in TEST_DIRS]

    def shared(path: str) -> float:
        source_dirs = posixpath.dirname(path).split("/")
        return sum(1 for d in test_dirs if d in source_dirs) - abs(len(source_dirs) - len(test_dirs)) * 0.1

    return sorted(candidates, key=lambda p: (-shared(p), p))


def _is_barrel(path: str) -> bool:
    return posixpath.basename(path).split(".")[0] in BARRELS


def _family(path: str) -> str:
    """Languages whose files test one another: a `.ts` test may test a `.tsx` or `.js` file."""
    language = language_of(path)
    return FAMILIES.get(language, "")


# --- Python and JavaScript/TypeScript: the code graph --------------------------------------------

def _member_uses(text: str) -> dict[str, Counter[str]]:
    """name → how often `text` uses each of its members (`name.member`)."""
    uses: dict[str, Counter[str]] = {}
    for name, member in MEMBER_USE.findall(text):
        uses.setdefault(name, Counter())[member] += 1
    return uses


def _graph_uses(graph: CodeGraph, test: str, text: str) -> Counter[str]:
    """Repository files that define what the test uses, by how often it uses them."""
    facts = graph.files.get(test)
    if facts is None:
        return Counter()
    counts = Counter(IDENTIFIER.findall(text))
    member_uses: dict[str, Counter[str]] | None = None
    used: Counter[str] = Counter()
    for binding in facts.bindings:
        if not binding.target or binding.reexport or binding.local == EVERYTHING:
            continue
        uses = max(1, counts[binding.local] - 1)  # its own import statement aside
        if binding.imported != MODULE:
            found = graph.find(binding.target, binding.imported)
            if found is not None:  # a name the repository only re-exports from elsewhere is not its code
                used[found.path] += uses
            continue
        if member_uses is None:
            member_uses = _member_uses(text)
        members = member_uses.get(binding.local, Counter())
        for member, count in members.items():
            found = graph.find(binding.target, member)
            if found is not None:
                used[found.path] += count
        if not members:  # the module itself is used (`express()`): what its barrels pass on
            used[_through_barrels(graph, binding.target)] += uses
    if facts.language == "python":
        for module in _dynamic_imports(text):
            used[graph.resolver.resolve(test, "python", module)] += 1
    else:  # `require('lib')` and `await import('lib')` inside the tests: loaded afresh per case
        for module, member in JS_INLINE_IMPORT.findall(text):
            target = graph.resolver.resolve(test, facts.language, module)
            if target:
                found = graph.find(target, member or "default")
                used[found.path if found else _through_barrels(graph, target)] += 1
    used.pop("", None)
    return used


def _visited_uses(graph: CodeGraph, test: str, texts: Mapping[str, str], kinds: Mapping[str, str],
                  routes: Mapping[str, Route]) -> Counter[str]:
    """What a browser test tests through the pages it opens: an app's page itself; for a page of a
    test-only site (a library's e2e fixture app), the code it uses, through the site's own modules."""
    used: Counter[str] = Counter()
    site = pages_visited(test, texts[test], routes)
    seen = set(site)
    for _ in range(SITE_DEPTH):
        onward = []
        for page in site:
            if kinds.get(page) in ("source", "example"):
                used[page] += 1
                continue
            for path, count in _graph_uses(graph, page, texts[page]).items():
                if kinds.get(path) in ("source", "example"):
                    used[path] += count
                elif path not in seen:
                    seen.add(path)
                    onward.append(path)
        site = onward
    return used


def _dynamic_imports(text: str) -> set[str]:
    """Modules a Python test imports by name at run time: `importlib.import_module("pkg.mod")`, or
    `import_module(f"docs.tutorial.{name}")` with the names given as string literals (a parametrized
    fixture). Only the candidates that name a repository module are kept by the caller."""
    if "import_module" not in text and "__import__" not in text:
        return set()
    literals = set(PY_STRING.findall(text))
    prefixes = set(PY_FSTRING_PREFIX.findall(text))
    return {s for s in literals if "." in s} | {p + s for p in prefixes for s in literals if "." not in s}


def _through_barrels(graph: CodeGraph, path: str) -> str:
    """The module a pure barrel (`module.exports = require('./lib/x')`, `export * from './x'` alone) passes on."""
    seen = {path}
    while True:
        facts = graph.files.get(path)
        onward = [b.target for b in facts.bindings if b.local == EVERYTHING and b.target] if facts else []
        if facts is None or facts.definitions or len(onward) != 1 or onward[0] in seen:
            return path
        path = onward[0]
        seen.add(path)


# --- Go: the package is the folder ----------------------------------------------------------------

def _go_packages(texts: Mapping[str, str]) -> dict[str, dict[str, frozenset[str]]]:
    """Folder → its Go source files → the top-level identifiers each declares."""
    found: dict[str, dict[str, frozenset[str]]] = defaultdict(dict)
    for path, text in texts.items():
        declared = set(GO_DECLARATION.findall(text)) | {n for block in GO_BLOCK.findall(text)
                                                      for n in GO_BLOCK_NAME.findall(block)}
        found[posixpath.dirname(path)][path] = frozenset(declared - {"_", "init", "main"})
    return found


def _go_uses(text: str, package: Mapping[str, frozenset[str]]) -> Counter[str]:
    """The files of the test's package, weighted by how often the test uses the identifiers each declares
    (all of them when it names none: it tests the package as a whole)."""
    counts = Counter(IDENTIFIER.findall(text))
    used = Counter({path: sum(counts[name] for name in declared) for path, declared in package.items()})
    return +used or Counter(dict.fromkeys(package, 1))


# --- Java and Kotlin: packages and classes --------------------------------------------------------

@dataclass(frozen=True)
class _Classes:
    """The repository's Java/Kotlin classes: by fully qualified name, and each package's class names."""

    paths: dict[str, list[str]]  # com.shop.Cart → files declaring it (modules, source sets)
    by_package: dict[str, list[str]]  # com.shop → its class names, longest first


def _jvm_classes(texts: Mapping[str, str]) -> _Classes:
    """Each file's class: its package line and its file name."""
    paths: dict[str, list[str]] = defaultdict(list)
    by_package: dict[str, set[str]] = defaultdict(set)
    for path, text in texts.items():
        package = JVM_PACKAGE.search(text[:4000])
        name = posixpath.basename(path).rsplit(".", 1)[0]
        prefix = package.group(1) if package else ""
        paths[f"{prefix}.{name}" if prefix else name].append(path)
        by_package[prefix].add(name)
    return _Classes(paths, {p: sorted(names, key=len, reverse=True) for p, names in by_package.items()})


def _jvm_uses(test: str, text: str, classes: _Classes) -> Counter[str]:
    """The class the test's name names (or the longest class of its package its name starts with), then
    the repository classes it imports or names from its own package, by how often it uses them."""
    package_match = JVM_PACKAGE.search(text[:4000])
    package = package_match.group(1) if package_match else ""
    qualified = (lambda name: f"{package}.{name}") if package else (lambda name: name)
    counts = Counter(IDENTIFIER.findall(text))
    used: Counter[str] = Counter()
    subject = re.sub(r"(Tests?|IT|ITCase|TestCase)$", "", posixpath.basename(test).rsplit(".", 1)[0])
    local = classes.by_package.get(package, [])
    named = next((n for n in local if subject.removeprefix("Test").startswith(n)), None)
    if named:
        used[_nearest(test, classes.paths[qualified(named)])] += 1 + sum(counts.values())  # outweighs any use
    imports = JVM_IMPORT.findall(text)
    imported = {n for name in imports for n in (name, name.rsplit(".", 1)[0]) if n in classes.paths}
    for name in imported | {qualified(n) for n in local if counts[n]}:
        used[_nearest(test, classes.paths[name])] += counts[name.rsplit(".", 1)[-1]]
    return used


def _nearest(test: str, paths: list[str]) -> str:
    """Of several files declaring one class (modules, source sets), the one sharing most of the test's path."""
    return max(paths, key=lambda p: (len(posixpath.commonpath([p, test])) if "/" in p and "/" in test else 0, p))
