"""Import conventions: the name (and form) each module is imported under, `@/` aliases over deep relative
paths, and absolute or relative imports inside a Python package."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import PurePosixPath

from harvest.config import HarvestConfig
from harvest.conventions.mine import Corpus
from harvest.conventions.miners.base import folder_globs
from harvest.conventions.rules import Rule
from harvest.units import file_imports

JS = frozenset({"javascript", "typescript", "tsx"})
DEEP_RELATIVE = r"""from\s+['"](?:\.\./){2,}"""
WIDELY_IMPORTED = 0.1  # share of JS/TS files that must import a module for its import name to be a rule
ALIAS = re.compile(r"""from\s+['"][@~]/""")
NAMESPACE = re.compile(r"^\s*import\s+\*\s*as\s")


def imports(corpus: Corpus, config: HarvestConfig) -> list[Rule]:
    """Import-name rules for widely imported JS modules, the `@/` alias rule, and Python's import style."""
    return _import_names(corpus, config) + _aliases(corpus) + _python_style(corpus, config)


def _import_names(corpus: Corpus, config: HarvestConfig) -> list[Rule]:
    """A module always bound to one name in one form (`import styled from`, `import * as React from`)."""
    bindings: dict[str, Counter[tuple[bool, str]]] = defaultdict(Counter)
    files: dict[str, set[str]] = defaultdict(set)
    for record in corpus.files:
        if record.language not in JS:
            continue
        lines = record.text.splitlines()
        for imp in file_imports(record.path, record.language, record.text):
            if imp.default and not imp.module.startswith(".") and 0 < imp.line <= len(lines):
                bindings[imp.module][(bool(NAMESPACE.match(lines[imp.line - 1])), imp.default)] += 1
                files[imp.module].add(record.path)
    rules = []
    js_files = sum(1 for f in corpus.files if f.language in JS)
    for module, counts in sorted(bindings.items()):
        # Only modules much of the code imports: a name settled by a handful of files is no convention.
        if len(files[module]) < max(config.min_support, WIDELY_IMPORTED * js_files):
            continue
        (namespace, name), _ = counts.most_common(1)[0]
        module_re = re.escape(module)
        other = (rf"\*\s*as\s+{identifier_other_than(name)}|[\w$]+" if namespace
                 else rf"\*\s*as\s+[\w$]+|{identifier_other_than(name)}")
        slug = re.sub(r"[^a-z0-9]+", "-", module.lower()).strip("-")
        rules.append(Rule(
            f"import-{slug}-as-{name.lower()}" + ("-namespace" if namespace else ""), "not-regex",
            rf"""^import\s+(?:{other})\s*(?:,\s*\{{[^}}]*\}}\s*)?from\s+['"]{module_re}['"]""",
            f"Import `{module}` as `{'* as ' if namespace else ''}{name}`", folder_globs(sorted(files[module])),
            source="imports"))
    return rules


def identifier_other_than(name: str) -> str:
    """A regex for an identifier (`[\\w$]+`) that is not `name`, without lookahead (rules run on RE2): one of
    another length, or of the same length differing at some position. The caller's pattern must end the
    identifier (here: whitespace, a comma or `from` follows)."""
    def unlike(char: str) -> str:
        return r"\w" if char == "$" else rf"(?:[^\W{re.escape(char)}]|\$)"

    size = len(name)
    shorter = [rf"[\w$]{{1,{size - 1}}}"] if size > 1 else []
    differing = [re.escape(name[:i]) + unlike(char) + rf"[\w$]{{{size - i - 1}}}" for i, char in enumerate(name)]
    return "(?:" + "|".join([*shorter, rf"[\w$]{{{size + 1},}}", *differing]) + ")"


def _aliases(corpus: Corpus) -> list[Rule]:
    """Where the team imports through an `@/` alias, climbing two folders with `../../` is the exception."""
    if not any(f.language in JS and ALIAS.search(f.text) for f in corpus.files):
        return []
    scope = [f.path for f in corpus.files if f.language in JS and f.kind in ("source", "test")]
    return [Rule("no-deep-relative-imports", "not-regex", DEEP_RELATIVE,
                 "Import across folders through the `@/` alias, not `../../` paths", folder_globs(scope), source="imports")]


def _python_style(corpus: Corpus, config: HarvestConfig) -> list[Rule]:
    """Absolute (`from app.x import y`) or relative (`from .x import y`) imports inside a package, if settled."""
    inits = {str(PurePosixPath(f.path).parent) for f in corpus.files if PurePosixPath(f.path).name == "__init__.py"}
    roots = {PurePosixPath(d) for d in inits if str(PurePosixPath(d).parent) not in inits}
    names = {root.name for root in roots}
    styles: dict[str, str] = {}  # package file -> "relative" | "absolute" (a file mixing both counts as relative)
    for record in corpus.files:
        path = PurePosixPath(record.path)
        if record.language != "python" or not any(root in path.parents for root in roots):
            continue
        for imp in file_imports(record.path, record.language, record.text):
            if imp.module.startswith("."):
                styles[record.path] = "relative"
            elif imp.module.split(".")[0] in names:
                styles.setdefault(record.path, "absolute")
    if len(styles) < config.min_support:
        return []
    style, count = Counter(styles.values()).most_common(1)[0]
    if count / len(styles) < config.min_confidence:
        return []
    scope = folder_globs(f.path for f in corpus.files if f.language == "python"
                         and any(root in PurePosixPath(f.path).parents for root in roots))
    if style == "absolute":
        return [Rule("python-absolute-imports", "not-regex", r"^\s*from\s+\.", "Import inside the package absolutely "
                     f"(`from {min(names)}.module import name`), not relatively", scope, source="imports")]
    package = "|".join(re.escape(n) for n in sorted(names))
    return [Rule("python-relative-imports", "not-regex", rf"^\s*(?:from|import)\s+(?:{package})(?:\.|\s)",
                 "Import inside the package relatively (`from .module import name`)", scope, source="imports")]
