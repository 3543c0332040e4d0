"""Module specifier → repository file: how an import statement names another file of the same repo.

Python: relative imports from the importer's package, absolute imports from the package roots found
by walking up `__init__.py` files (a `src/` layout needs nothing special), and submodules. JS/TS:
relative paths with extension and `index.*` resolution (a `.js` specifier may name a `.ts` file),
tsconfig `paths`/`baseUrl`, and workspace package names. Anything else is third-party: "".
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable

from harvest.graph.workspace import Aliases, Package

PYTHON_SUFFIXES = (".py", ".pyi")
SCRIPT_EXTENSIONS = (".ts", ".tsx", ".d.ts", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts")
JS_TO_TS = {".js": (".ts", ".tsx"), ".jsx": (".tsx",), ".mjs": (".mts",), ".cjs": (".cts",)}


class ModuleResolver:
    """Resolves specifiers against a fixed set of repository paths and the repo's alias tables."""

    def __init__(self, paths: Iterable[str], aliases: list[Aliases], packages: list[Package]) -> None:
        self.paths = frozenset(paths)
        self.aliases = aliases
        self.packages = sorted(packages, key=lambda p: -len(p.name))
        self.python_modules: dict[str, list[str]] = {}
        for path in sorted(self.paths):
            if path.endswith(PYTHON_SUFFIXES):
                for dotted in self._dotted_names(path):
                    self.python_modules.setdefault(dotted, []).append(path)

    def resolve(self, importer: str, language: str, module: str) -> str:
        """The file `module` names when imported from `importer`, or "" when it is not in the repository."""
        if not module:
            return ""
        if language == "python":
            return self._python(importer, module)
        return self._script(importer, module)

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
