"""Import conventions: the name (and form) each module is imported under, by `import` or `require` (JS/TS);
`@/` aliases over deep relative paths; absolute or relative imports inside a Python package; Go packages
imported under their own names, never aliased; Java imports naming each class, never `.*`.

How a module is imported is a habit of the language in this repository: the rules reach every file of it.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import PurePosixPath

from harvest.config import HarvestConfig
from harvest.conventions.corpus import Corpus
from harvest.conventions.miners.base import extension_globs
from harvest.conventions.rules import Rule

JS = frozenset({"javascript", "typescript", "tsx"})
IMPORTS_READ = JS | {"python"}  # the languages whose import statements these miners read (`Corpus.imports_of`)
CODE = ("source", "test", "test-support", "example", "config", "build")  # import habits hold in demos, configs, setup.py
TEST_SIDE = ("test", "test-support")
DEEP_RELATIVE = r"""from\s+['"](?:\.\./){2,}"""
ALIAS = re.compile(r"""from\s+['"][@~]/""")
NAMESPACE = re.compile(r"^\s*import\s+\*\s*as\s")
REQUIRE = re.compile(r"""^\s*(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*require\(\s*['"]([^'"]+)['"]\s*\)""", re.MULTILINE)
GO_IMPORT = re.compile(r'^\s*(?:import\s+)?(?:([A-Za-z_]\w*|\.)\s+)?"([\w./~-]+)"\s*$', re.MULTILINE)
GO_IMPORT_BLOCK = re.compile(r"^import\s*\((.*?)^\)|^import\s+[^\n(]+$", re.MULTILINE | re.DOTALL)


def imports(corpus: Corpus, config: HarvestConfig) -> list[Rule]:
    """Import-name rules for JS modules imported whole, the `@/` alias rule, Python's import style, Go's
    unaliased packages and Java's explicit imports."""
    return (_import_names(corpus, config) + _aliases(corpus) + _python_style(corpus, config)
            + _go_aliases(corpus, config) + _java_wildcards(corpus))


def _import_names(corpus: Corpus, config: HarvestConfig) -> list[Rule]:
    """A module imported whole under one name in one form, by enough files (`import styled from`, `import * as
    React from`, `const express = require(…)`)."""
    bindings: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    files: dict[str, set[str]] = defaultdict(set)
    code = [f for f in corpus.files if f.language in JS]
    for record in code:
        lines = record.text.splitlines()
        for imp in corpus.imports_of(record):
            if imp.default and not imp.module.startswith(".") and 0 < imp.line <= len(lines):
                form = "namespace" if NAMESPACE.match(lines[imp.line - 1]) else "import"
                bindings[imp.module][(form, imp.default)] += 1
                files[imp.module].add(record.path)
        for match in REQUIRE.finditer(record.text):
            if not match.group(2).startswith("."):
                bindings[match.group(2)][("require", match.group(1))] += 1
                files[match.group(2)].add(record.path)
    rules = []
    globs = extension_globs(f.path for f in code)
    for module, counts in sorted(bindings.items()):
        (form, name), usual = counts.most_common(1)[0]
        names: Counter[str] = Counter()
        for (_, bound), n in counts.items():
            names[bound] += n
        if len(files[module]) < config.min_support:
            continue
        # A name and form settled almost always (the measurement decides how often); else the name alone, when
        # the forms mix (`import path from` and `import * as path from`) but the name never changes.
        if usual < config.min_confidence * sum(counts.values()):
            name, usual = names.most_common(1)[0]
            if usual < config.min_confidence * sum(counts.values()):
                continue
            form = "any"
        module_re = re.escape(module)
        other = identifier_other_than(name)
        shown = {"namespace": f"import * as {name}", "import": f"import {name}", "require": f"const {name} = require",
                 "any": f"import {name}` or `import * as {name}"}
        slug = re.sub(r"[^a-z0-9]+", "-", module.lower()).strip("-")
        suffix = {"namespace": "-namespace", "require": "-required", "import": "", "any": "-any-form"}[form]
        rules.append(Rule(
            f"import-{slug}-as-{name.lower()}{suffix}", "not-regex", _other_binding(form, other, module_re),
            f"Import `{module}` as `{name}` (`{shown[form]}`)", globs, kinds=CODE, source="imports"))
    return rules


def _other_binding(form: str, other_name: str, module: str) -> str:
    """A regex for `module` imported whole any other way than `form` under the usual name (`any`: under another
    name, whatever the form)."""
    imported = r"""\s*(?:,\s*\{[^}]*\}\s*)?from\s+['"]""" + module + "['\"]"
    required = r"""\s*=\s*require\(\s*['"]""" + module + r"""['"]\s*\)"""
    if form == "namespace":
        return rf"^import\s+(?:\*\s*as\s+{other_name}|[\w$]+){imported}"
    if form == "import":
        return rf"^import\s+(?:\*\s*as\s+[\w$]+|{other_name}){imported}"
    if form == "any":
        return rf"^import\s+(?:\*\s*as\s+)?{other_name}{imported}|^\s*(?:const|let|var)\s+{other_name}{required}"
    return rf"^\s*(?:const|let|var)\s+{other_name}{required}"


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
    code = [f.path for f in corpus.files if f.language in JS]
    if not any(f.language in JS and ALIAS.search(f.text) for f in corpus.files):
        return []
    return [Rule("no-deep-relative-imports", "not-regex", DEEP_RELATIVE,
                 "Import across folders through the `@/` alias, not `../../` paths", extension_globs(code),
                 kinds=("source", "test"), source="imports")]


def _python_style(corpus: Corpus, config: HarvestConfig) -> list[Rule]:
    """Absolute (`from app.x import y`) or relative (`from .x import y`) imports of a module's own package, where
    settled over the repository's packages — the code and its demos apart from the tests, which often import
    their package the way its users do. A rule reaches every package, those that never import themselves yet
    included."""
    inits = {str(PurePosixPath(f.path).parent) for f in corpus.files if PurePosixPath(f.path).name == "__init__.py"}
    roots = sorted(PurePosixPath(d) for d in inits if str(PurePosixPath(d).parent) not in inits)
    styles: dict[str, dict[str, str]] = {"code": {}, "tests": {}}  # side -> file -> relative | absolute
    for record in corpus.files:
        path = PurePosixPath(record.path)
        root = next((r for r in roots if r in path.parents), None)
        if record.language != "python" or root is None:
            continue
        side = styles["tests" if record.kind in TEST_SIDE else "code"]
        for imp in corpus.imports_of(record):
            if imp.module.startswith("."):
                side[record.path] = "relative"  # a file mixing both counts as relative
            elif imp.module.split(".")[0] == root.name:
                side.setdefault(record.path, "absolute")
    rules = []
    for side, files in styles.items():
        style, count = Counter(files.values()).most_common(1)[0] if files else ("", 0)
        if len(files) < config.min_support or count < config.min_confidence * len(files):
            continue
        example = next(r.name for r in roots if any(PurePosixPath(p).is_relative_to(r) for p in files))
        spelled = f"from {example}.module import name" if style == "absolute" else "from .module import name"
        rules.append(Rule(f"python-{'tests-' if side == 'tests' else ''}{style}-imports", "package-imports", style,
                          f"Import {'a test' if side == 'tests' else 'a'} module's own package {style}ly (`{spelled}`)",
                          _package_globs(roots), kinds=TEST_SIDE if side == "tests" else ("source", "example"),
                          source="imports"))
    return rules


def _package_globs(roots: list[PurePosixPath]) -> tuple[str, ...]:
    """Folder globs of the top-level packages: `/src/app/`, and `/docs_src/*/` for several siblings."""
    parents = Counter(root.parent for root in roots)
    return tuple(sorted({f"/{root.parent}/*/" if parents[root.parent] > 1 and str(root.parent) != "." else f"/{root}/"
                         for root in roots}))


def _go_aliases(corpus: Corpus, config: HarvestConfig) -> list[Rule]:
    """Go packages imported under their own names: those imported by enough files and (almost) never aliased
    make one rule forbidding an alias for any of them (`.` and `_` imports are not names)."""
    code = [f for f in corpus.files if f.language == "go"]
    imported: Counter[str] = Counter()
    aliased: Counter[str] = Counter()
    for record in code:
        for block in GO_IMPORT_BLOCK.finditer(record.text):
            for match in GO_IMPORT.finditer(block.group(0)):
                imported[match.group(2)] += 1
                aliased[match.group(2)] += match.group(1) not in (None, "_", ".")
    plain = sorted(p for p, n in imported.items() if n >= config.min_support and aliased[p] <= (1 - config.min_confidence) * n)
    if not plain:
        return []
    packages = "|".join(re.escape(p) for p in plain)
    shown = ", ".join(f"`{p}`" for p in plain[:4]) + (" …" if len(plain) > 4 else "")
    # An import spec with a name before the path: `import name "pkg"`, or an indented `name "pkg"` line alone
    # in an import block (not `import "pkg"`, nor `return "fmt"` in a function).
    alias = identifier_other_than("return")
    return [Rule("go-imports-unaliased", "not-regex",
                 rf'^(?:import[ \t]+|[ \t]+){alias}[ \t]+"(?:{packages})"[ \t]*(?://.*)?$',
                 f"Import packages under their own names, never aliased ({shown})",
                 extension_globs(f.path for f in code), kinds=CODE, source="imports")]


def _java_wildcards(corpus: Corpus) -> list[Rule]:
    """Java imports name each class (`import java.util.List;`), never a whole package (`.*`); and static imports
    each member (`import static org.junit.Assert.assertEquals;`). Two rules, measured apart: many teams ban
    the first and allow the second (Checkstyle's AvoidStarImport `allowStaticMemberImports`)."""
    code = [f.path for f in corpus.files if f.language == "java"]
    if not code:
        return []
    return [Rule("java-no-wildcard-imports", "not-regex", r"^\s*import\s+[\w.]+\.\*\s*;",
                 "Import each class by name, never a whole package with `.*`", ("*.java",), kinds=CODE,
                 source="imports"),
            Rule("java-no-static-wildcard-imports", "not-regex", r"^\s*import\s+static\s+[\w.]+\.\*\s*;",
                 "Import static members by name, never all of a class's with `.*`", ("*.java",), kinds=CODE,
                 source="imports")]
