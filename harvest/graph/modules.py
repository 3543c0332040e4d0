"""Module specifier → repository file: how an import statement names another file of the same repo.

Python: relative imports from the importer's package, absolute imports from the package roots found
by walking up `__init__.py` files (a `src/` layout needs nothing special), and submodules. JS/TS:
relative paths with extension and `index.*` resolution (a `.js` specifier may name a `.ts` file),
tsconfig `paths`/`baseUrl`, and workspace package names. Go: an import path under a `go.mod`'s module
path names the folder below that `go.mod`; the package is represented by one of its files (the graph
looks names up across all of them). Java: a dotted name's longest prefix that is a class, the class
being its file's `package` clause plus its file name, wherever the source root is. Anything else is
third-party: "".
"""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Iterable, Mapping

from harvest.graph.packages import GoModule
from harvest.graph.workspace import Aliases, Package

RESOLVED_KEPT = 4096  # (importer, specifier) answers a resolver remembers: an editor's document asks the same ones
PYTHON_SUFFIXES = (".py", ".pyi")
SCRIPT_EXTENSIONS = (".ts", ".tsx", ".d.ts", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts")
JS_TO_TS = {".js": (".ts", ".tsx"), ".jsx": (".tsx",), ".mjs": (".mts",), ".cjs": (".cts",)}


class ModuleResolver:
    """Resolves specifiers against a fixed set of repository paths and the repo's alias tables."""

    def __init__(self, paths: Iterable[str], aliases: list[Aliases], packages: list[Package],
                 go_modules: list[GoModule], declared: Mapping[str, str]) -> None:
        self.paths = frozenset(paths)
        self.aliases = aliases
        self.packages = sorted(packages, key=lambda p: -len(p.name))
        self.go_modules = sorted(go_modules, key=lambda m: -len(m.path))
        self.declared = {p: d for p, d in declared.items() if p in self.paths}
        self.go_folders: dict[str, list[str]] = {}  # folder → its Go files, tests included
        self.java_classes: dict[str, list[str]] = {}  # a.b.C → the files declaring it (modules, source sets)
        for path, package in sorted(self.declared.items()):
            if path.endswith(".go"):
                self.go_folders.setdefault(posixpath.dirname(path), []).append(path)
            elif path.endswith(".java"):
                name = posixpath.basename(path).removesuffix(".java")
                self.java_classes.setdefault(f"{package}.{name}" if package else name, []).append(path)
        self.python_modules: dict[str, list[str]] = {}
        for path in sorted(p for p in self.paths if p.endswith(PYTHON_SUFFIXES)):
            for dotted in self._dotted_names(path):
                self.python_modules.setdefault(dotted, []).append(path)
        # The tables above never change, so an answer holds as long as the resolver: a workspace of many packages
        # took a third of a millisecond of every completion request to resolve its document's imports again.
        self._remembered = functools.lru_cache(maxsize=RESOLVED_KEPT)(self._resolve)

    def resolve(self, importer: str, language: str, module: str) -> str:
        """The file `module` names when imported from `importer`, or "" when it is not in the repository."""
        return self._remembered(importer, language, module)

    def _resolve(self, importer: str, language: str, module: str) -> str:
        if not module:
            return ""
        if language == "python":
            return self._python(importer, module)
        if language == "go":
            return self._go(module)
        if language == "java":
            return self._java(importer, module)
        return self._script(importer, module)

    def go_package(self, folder: str, package: str, tests: bool) -> list[str]:
        """The files of Go package `package` in `folder`; `_test.go` files only when `tests`."""
        return [p for p in self.go_folders.get(folder, ()) if self.declared[p] == package and
                (tests or not p.endswith("_test.go"))]

    def submodule(self, package_file: str, name: str) -> str:
        """`pkg/name.py` (or `pkg/name/__init__.py`) for `from pkg import name` when pkg/__init__.py is given."""
        if posixpath.basename(package_file) not in ("__init__.py", "__init__.pyi"):
            return ""
        return self._python_file(posixpath.join(posixpath.dirname(package_file), name))

    def _dotted_names(self, path: str) -> list[str]:
        parts = path.rsplit(".", 1)[0].split("/")
        if parts[-1] == "__init__":
            parts.pop()
        folder = posixpath.dirname(path)
        depth = 0  # how many enclosing folders are packages
        while folder and f"{folder}/__init__.py" in self.paths:
            folder = posixpath.dirname(folder)
            depth += 1
        in_root_package = parts[len(parts) - depth - (0 if path.endswith(("__init__.py", "__init__.pyi")) else 1):]
        names = [".".join(in_root_package)] if in_root_package else []
        whole = ".".join(parts)
        return names + ([whole] if whole and whole not in names else [])

    def _python(self, importer: str, module: str) -> str:
        if module.startswith("."):
            level = len(module) - len(module.lstrip("."))
            folder = posixpath.dirname(importer)
            for _ in range(level - 1):
                folder = posixpath.dirname(folder)
            rest = module[level:].replace(".", "/")
            return self._python_file(posixpath.join(folder, rest) if rest else folder)
        candidates = self.python_modules.get(module, [])
        if len(candidates) <= 1:
            return candidates[0] if candidates else ""
        # Two files claim the name (a vendored copy, tests and src): the one nearest the importer wins.
        return max(candidates, key=lambda c: (len(posixpath.commonpath([c, importer])), -len(c)))

    def _python_file(self, stem: str) -> str:
        stem = stem.strip("/")
        for candidate in (*(stem + s for s in PYTHON_SUFFIXES), f"{stem}/__init__.py", f"{stem}/__init__.pyi"):
            if candidate.lstrip("/") in self.paths:
                return candidate.lstrip("/")
        return ""

    def _go(self, module: str) -> str:
        """The file standing for the package `module` names: the one named after its folder or package,
        else the first (`pkg.Name` is then looked up in all of its files)."""
        for go_module in self.go_modules:
            if module == go_module.path or module.startswith(go_module.path + "/"):
                folder = posixpath.join(go_module.folder, module[len(go_module.path):].strip("/")).strip("/")
                files = [p for p in self.go_folders.get(folder, ()) if not p.endswith("_test.go")]
                if not files:
                    return ""
                by_name = {posixpath.basename(p): p for p in files}
                return by_name.get(posixpath.basename(folder) + ".go") or \
                    by_name.get(self.declared[files[0]] + ".go") or files[0]
        return ""

    def _java(self, importer: str, module: str) -> str:
        """`a.b.C` → the file declaring class a.b.C; `a.b.C.Inner` and `a.b.C.member` → the same file."""
        parts = module.split(".")
        while parts:
            files = self.java_classes.get(".".join(parts))
            if files:
                return files[0] if len(files) == 1 else \
                    max(files, key=lambda c: (len(posixpath.commonpath([c, importer])), -len(c)))
            parts.pop()
        return ""

    def _script(self, importer: str, module: str) -> str:
        if module.startswith((".", "/")):
            return self._script_file(posixpath.join(posixpath.dirname(importer), module))
        for aliases in self.aliases:
            if aliases.folder and not importer.startswith(aliases.folder + "/"):
                continue
            found = self._aliased(aliases, module)
            if found:
                return found
            break  # the nearest tsconfig is the one that applies
        for package in self.packages:
            if module == package.name:
                return next((f for f in map(self._script_file, package.entries) if f), "")
            if module.startswith(package.name + "/"):
                rest = module[len(package.name) + 1:]
                declared = next((f for f in map(self._script_file, package.subpaths.get(rest, ())) if f), "")
                return declared or self._script_file(posixpath.join(package.folder, rest)) or \
                    self._script_file(posixpath.join(package.folder, "src", rest))
        return ""

    def _aliased(self, aliases: Aliases, module: str) -> str:
        for pattern, targets in aliases.paths.items():
            prefix, star, suffix = pattern.partition("*")
            if star and module.startswith(prefix) and module.endswith(suffix) and \
                    len(module) >= len(prefix) + len(suffix):
                middle = module[len(prefix):len(module) - len(suffix)]
            elif not star and module == pattern:
                middle = ""
            else:
                continue
            for target in targets:
                found = self._script_file(posixpath.join(aliases.paths_base, target.replace("*", middle)))
                if found:
                    return found
        return self._script_file(posixpath.join(aliases.base_url, module)) if aliases.base_url else ""

    def _script_file(self, base: str) -> str:
        base = posixpath.normpath(base)
        if base.startswith("../") or base == "..":
            return ""
        if base == ".":  # `require('..')` from a test folder: the repository root's index
            return next((f"index{e}" for e in SCRIPT_EXTENSIONS if f"index{e}" in self.paths), "")
        stem, extension = posixpath.splitext(base)
        candidates = [base] if extension in SCRIPT_EXTENSIONS else []
        candidates += [stem + e for e in JS_TO_TS.get(extension, ())]
        candidates += [base + e for e in SCRIPT_EXTENSIONS]
        candidates += [f"{base}/index{e}" for e in SCRIPT_EXTENSIONS]
        return next((c for c in candidates if c in self.paths), "")
