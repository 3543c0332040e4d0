"""Map each test file to the source files it tests, by naming convention first, then by imports.

`Button.spec.tsx` → `Button.tsx`, `test_users.py` → `users.py`, `__tests__/x.ts` → `../x.ts`; when
no name matches, the local modules a test imports are what it tests. Imports are read with small
regexes here; the tree-sitter code graph of the next stage refines them.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import PurePosixPath

TEST_AFFIXES = re.compile(r"^(?:test_)?(?P<stem>.+?)(?:_test|\.spec|\.test|Tests?|IT)?$")
JS_IMPORT = re.compile(r"""(?:from\s+|require\(\s*|import\s*\(\s*|import\s+)['"]([^'"]+)['"]""")
PY_IMPORT = re.compile(r"^\s*(?:from\s+(\.*[\w.]*)\s+import\s+([\w, ()*]+)|import\s+([\w.]+))", re.MULTILINE)
JS_EXTS = (".tsx", ".ts", ".jsx", ".js", ".mjs", ".cjs")
TEST_DIRS = {"tests", "test", "__tests__", "spec", "specs"}


def map_tests(tests: Mapping[str, str], sources: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """For each test path (→ its text), the source paths it tests, best match first."""
    source_set = set(sources)
    by_stem: dict[str, list[str]] = defaultdict(list)
    for path in sorted(source_set):
        by_stem[_stem(path)].append(path)
    modules = _python_modules(source_set)
    mapped = {}
    for test, text in tests.items():
        imported = _python_imports(test, text, modules) if test.endswith(".py") else _js_imports(test, text, source_set)
        named = _closest(test, by_stem.get(_test_stem(test), []))
        preferred = [p for p in imported if _stem(p) == _test_stem(test)]
        ordered = list(dict.fromkeys(preferred + named)) or imported
        mapped[test] = tuple(ordered)
    return mapped


def _stem(path: str) -> str:
    return PurePosixPath(path).name.split(".")[0]


def _test_stem(path: str) -> str:
    name = PurePosixPath(path).name
    base = name.split(".")[0] if not re.search(r"\.(spec|test)\.", name) else name.rsplit(".", 2)[0]
    match = TEST_AFFIXES.match(base)
    return match.group("stem") if match else base


def _closest(test: str, candidates: list[str]) -> list[str]:
    """Same-named sources ordered by how much directory they share with the test (mirrors count)."""
    test_dirs = [d for d in PurePosixPath(test).parent.parts if d not in TEST_DIRS]

    def shared(path: str) -> int:
        src_dirs = PurePosixPath(path).parent.parts
        return sum(1 for d in test_dirs if d in src_dirs) - abs(len(src_dirs) - len(test_dirs)) * 0.1

    return sorted(candidates, key=lambda p: (-shared(p), p))


def _js_imports(test: str, text: str, sources: set[str]) -> list[str]:
    """Relative and `@/` alias imports of a JS/TS test, resolved to the repository's files."""
    found = []
    for spec in JS_IMPORT.findall(text):
        if spec.startswith("."):
            base = posixpath.normpath(posixpath.join(posixpath.dirname(test), spec))
        elif spec.startswith(("@/", "~/")):
            base = "src/" + spec[2:]
        else:
            continue
        hit = _resolve_js(base, sources)
        if hit:
            found.append(hit)
    return list(dict.fromkeys(found))


def _resolve_js(base: str, sources: set[str]) -> str | None:
    candidates = [base] + [base + ext for ext in JS_EXTS] + [f"{base}/index{ext}" for ext in JS_EXTS]
    return next((c for c in candidates if c in sources), None)


def _python_modules(sources: set[str]) -> dict[str, str]:
    """Every dotted suffix of every .py source → its path, so any package root resolves."""
    modules: dict[str, str] = {}
    for path in sorted(sources, key=lambda p: (p.count("/"), p)):
        if not path.endswith(".py"):
            continue
        parts = PurePosixPath(path).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        for start in range(len(parts)):
            modules.setdefault(".".join(parts[start:]), path)
    return modules


def _python_imports(test: str, text: str, modules: dict[str, str]) -> list[str]:
    """Resolve `from a.b import c`, `from . import c` and `import a.b` to source paths."""
    names = []
    for from_mod, imported, plain in PY_IMPORT.findall(text):
        if plain:
            names.append(plain)
            continue
        if from_mod.startswith("."):
            depth = len(from_mod) - len(from_mod.lstrip("."))
            package = ".".join(PurePosixPath(test).parents[depth - 1].parts)
            from_mod = ".".join(filter(None, [package, from_mod.lstrip(".")]))
        names.append(from_mod)
        names.extend(f"{from_mod}.{n.strip()}" for n in imported.strip("()").split(",") if n.strip() not in ("", "*"))
    return list(dict.fromkeys(modules[n] for n in names if n in modules))
