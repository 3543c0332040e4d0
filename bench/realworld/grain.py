"""The grain of a repository, measured by the bench for its injected breaks: the case style of each kind of
unit (from units.jsonl), of file names per folder, of test file names per language, and how modules are
imported (from the files at HEAD that were not held out). A break goes against the grain measured here,
not against the product's mined rules, so a rule the product failed to mine shows as a missed break.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bench.realworld.truth import language_of

CASES = ("snake_case", "camelCase", "PascalCase", "UPPER_CASE", "kebab-case")
MIXED_CAPS = "MixedCaps"  # camelCase or PascalCase: Go's exported/unexported names
GRAIN_SHARE = 0.8  # a style holds when at least this share of names fit it
AGAINST = {"snake_case": "camelCase", "camelCase": "snake_case", "PascalCase": "snake_case",
           "UPPER_CASE": "camelCase", "kebab-case": "PascalCase", MIXED_CAPS: "snake_case"}
FAMILIES = {"python": "python", "javascript": "js", "typescript": "js", "tsx": "js", "go": "go", "java": "java"}
UNIT_KINDS = ("function", "method", "class", "component", "hook", "styled")  # kinds a break can add, by name


def family_of(language: str) -> str:
    """python, js, go or java ("" for other languages)."""
    return FAMILIES.get(language, "")


def cases_of(name: str) -> frozenset[str]:
    """The case styles `name` fits (a one-word lowercase name fits several); leading/trailing `_` ignored."""
    core = name.strip("_$")
    if not core:
        return frozenset()
    fits = set()
    if re.fullmatch(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*", core):
        fits.add("snake_case")
    if re.fullmatch(r"[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)*", core):
        fits.add("camelCase")
    if re.fullmatch(r"[A-Z][a-z0-9]*(?:[A-Z][a-z0-9]*)*", core) and not re.fullmatch(r"[A-Z][A-Z0-9]+", core):
        fits.add("PascalCase")
    if re.fullmatch(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*", core) and len(core) > 1:
        fits.add("UPPER_CASE")
    if re.fullmatch(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*", core):
        fits.add("kebab-case")
    return frozenset(fits)


def dominant_case(names: Iterable[str]) -> str | None:
    """The style at least GRAIN_SHARE of `names` fit (the most distinctive one on a tie; MixedCaps when only
    camelCase and PascalCase together reach it), or None when the names have no grain."""
    fitted = [cases_of(n) for n in names]
    fitted = [f for f in fitted if f]
    if not fitted:
        return None
    share = {case: sum(case in f for f in fitted) / len(fitted) for case in CASES}
    only = {case: sum(f == {case} for f in fitted) for case in CASES}
    best = max(CASES, key=lambda c: (share[c], only[c], -CASES.index(c)))
    if share[best] >= GRAIN_SHARE:
        return best
    mixed = sum(bool(f & {"camelCase", "PascalCase"}) for f in fitted) / len(fitted)
    return MIXED_CAPS if mixed >= GRAIN_SHARE else None


def name_in(case: str, words: Sequence[str]) -> str:
    """`words` joined in `case` (MixedCaps: the unexported, camelCase form)."""
    lower = [w.lower() for w in words]
    if case == "snake_case":
        return "_".join(lower)
    if case == "UPPER_CASE":
        return "_".join(lower).upper()
    if case == "kebab-case":
        return "-".join(lower)
    if case == "PascalCase":
        return "".join(w.capitalize() for w in lower)
    return lower[0] + "".join(w.capitalize() for w in lower[1:])


def against(case: str) -> str:
    """A style that does not fit `case`'s grain."""
    return AGAINST[case]


@dataclass(frozen=True)
class Grain:
    """What the bench measured about the repository's code, held-out files aside."""

    unit_cases: dict[tuple[str, str], str] = field(default_factory=dict)  # (family, unit kind) -> case
    folder_cases: dict[tuple[str, str], str] = field(default_factory=dict)  # (folder, extension) -> case of stems
    test_names: dict[str, str] = field(default_factory=dict)  # family -> test file naming style
    default_imports: dict[str, tuple[str, str]] = field(default_factory=dict)  # family -> (module, usual local name)
    python_imports: str = ""  # relative or absolute, for imports within the package
    java_wildcards: float = 0.0  # share of Java imports that are `.*`
    go_aliases: dict[str, float] = field(default_factory=dict)  # imported package -> share imported under an alias
    absent: dict[str, str] = field(default_factory=dict)  # family -> a probe (UNUSED_PROBES) absent from the repository


def unit_cases(units: Iterable[dict]) -> dict[tuple[str, str], str]:
    """(family, kind) -> the grain of the names of that kind, for the kinds a break can add."""
    names: dict[tuple[str, str], list[str]] = {}
    for unit in units:
        family = family_of(unit.get("language", ""))
        if family and unit.get("kind") in UNIT_KINDS and not unit["name"].startswith("__"):
            names.setdefault((family, unit["kind"]), []).append(unit["name"])
    return {key: case for key, found in sorted(names.items()) if len(found) >= 5 and (case := dominant_case(found))}


def folder_cases(paths: Iterable[str], tests: frozenset[str]) -> dict[tuple[str, str], str]:
    """(folder, extension) -> the grain of the non-test code file names there (at least 3 files)."""
    stems: dict[tuple[str, str], list[str]] = {}
    for path in paths:
        family = family_of(language_of(path))
        if not family or path in tests:
            continue
        name = posixpath.basename(path)
        stems.setdefault((posixpath.dirname(path), posixpath.splitext(name)[1]), []).append(name.split(".", 1)[0])
    return {key: case for key, found in stems.items() if len(found) >= 3 and (case := dominant_case(found))}


def naming_of_test(path: str) -> str:
    """How a test file's name marks it: `.test.`, `.spec.`, `test_*.py`, `*_test.py`, `*Test.java`, …, or `plain`."""
    name = posixpath.basename(path)
    family = family_of(language_of(path))
    if family == "js":
        return ".spec." if ".spec." in name else ".test." if ".test." in name else "plain"
    if family == "python":
        return "test_*.py" if name.startswith("test_") else "*_test.py" if name.endswith("_test.py") else "plain"
    if family == "java":
        stem = posixpath.splitext(name)[0]
        for style, test in (("*Tests.java", stem.endswith("Tests")), ("*TestCase.java", stem.endswith("TestCase")),
                            ("*Test.java", stem.endswith("Test")), ("*IT.java", stem.endswith("IT")),
                            ("Test*.java", stem.startswith("Test"))):
            if test:
                return style
        return "plain"
    return ""


def naming_of_tests(tests: Iterable[str]) -> dict[str, str]:
    """family -> the test naming style at least GRAIN_SHARE of its test files follow."""
    styles: dict[str, Counter[str]] = {}
    for path in tests:
        family = family_of(language_of(path))
        if family in ("js", "python", "java"):
            styles.setdefault(family, Counter())[naming_of_test(path)] += 1
    found = {}
    for family, counts in styles.items():
        style, count = counts.most_common(1)[0]
        if count / sum(counts.values()) >= GRAIN_SHARE:
            found[family] = style
    return found


JS_DEFAULT_IMPORT = re.compile(r"""(?m)^\s*import\s+([A-Za-z_$][\w$]*)\s*(?:,\s*\{[^}]*\}\s*)?from\s+['"]([^'"]+)['"]"""
                               r"""|^\s*(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*require\(\s*['"]([^'"]+)['"]\s*\)""")


def default_import(texts: Iterable[str]) -> tuple[str, str, str] | None:
    """The package most often imported whole (`import X from 'm'`, `const X = require('m')`; relative paths
    aside) under one usual name: (module, name, syntax `import` or `require`), when some package has ≥ 5 such
    imports, ≥ 90% of them under that name."""
    names: dict[str, Counter[str]] = {}
    syntax: Counter[tuple[str, str]] = Counter()
    for text in texts:
        for match in JS_DEFAULT_IMPORT.finditer(text):
            local, module = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
            if module.startswith((".", "/")):  # the repository's own files: named after themselves, not a grain
                continue
            names.setdefault(module, Counter())[local] += 1
            syntax[(module, "import" if match.group(1) else "require")] += 1
    candidates = [(sum(c.values()), module, c.most_common(1)[0][0]) for module, c in names.items()
                  if sum(c.values()) >= 5 and c.most_common(1)[0][1] / sum(c.values()) >= 0.9]
    if not candidates:
        return None
    _, module, name = max(candidates)
    form = "import" if syntax[(module, "import")] >= syntax[(module, "require")] else "require"
    return module, name, form


PY_IMPORT = re.compile(r"(?m)^(?:from\s+(\.+[\w.]*|[\w.]+)\s+import\b|import\s+([\w.]+))")


def python_import_style(files: dict[str, str], packages: frozenset[str]) -> str:
    """relative or absolute: how package modules import other modules of their own top-level package
    ("" when neither reaches GRAIN_SHARE or there are fewer than 5 such imports)."""
    relative = absolute = 0
    for path, text in files.items():
        folder = posixpath.dirname(path)
        if folder not in packages:
            continue
        top = _top_package(folder, packages)
        for match in PY_IMPORT.finditer(text):
            module = match.group(1) or match.group(2)
            if module.startswith("."):
                relative += 1
            elif module.split(".")[0] == posixpath.basename(top):
                absolute += 1
    total = relative + absolute
    if total < 5:
        return ""
    return "relative" if relative / total >= GRAIN_SHARE else "absolute" if absolute / total >= GRAIN_SHARE else ""


def _top_package(folder: str, packages: frozenset[str]) -> str:
    while posixpath.dirname(folder) in packages:
        folder = posixpath.dirname(folder)
    return folder


def java_wildcard_share(texts: Iterable[str]) -> float:
    imports = [m.group(1) for text in texts for m in re.finditer(r"(?m)^import\s+(?:static\s+)?([\w.*]+)\s*;", text)]
    return sum(i.endswith(".*") for i in imports) / len(imports) if imports else 0.0


GO_IMPORT_SPEC = re.compile(r'(?m)^\s*(?:import\s+)?([A-Za-z_.][\w]*\s+)?"([\w./-]+)"\s*$')


def go_alias_shares(texts: Iterable[str]) -> dict[str, float]:
    """Imported package -> share of its imports under an alias (only packages imported at least 5 times)."""
    counts: dict[str, list[int]] = {}
    for text in texts:
        for block in re.findall(r"(?ms)^import\s*\((.*?)^\)|^import\s+[^\n(]+$", text):
            for match in GO_IMPORT_SPEC.finditer(block or ""):
                seen = counts.setdefault(match.group(2), [0, 0])
                seen[0] += 1
                seen[1] += bool(match.group(1)) and match.group(1).strip() != "_"
        for match in re.finditer(r'(?m)^import\s+([A-Za-z_.][\w]*\s+)?"([\w./-]+)"', text):
            seen = counts.setdefault(match.group(2), [0, 0])
            seen[0] += 1
            seen[1] += bool(match.group(1))
    return {pkg: aliased / total for pkg, (total, aliased) in counts.items() if total >= 5}
