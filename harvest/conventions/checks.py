"""The rule checks: one small pure function per rule type, `not-` handled once in `run_check`.

Positive file checks fire once at line 1 when the file lacks what the rule wants; negative ones fire on
every line that has what the rule forbids. Unit checks look at the units tree-sitter found in the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from harvest.classify import kind_of
from harvest.conventions.rules import Hit, Rule, Subject, of_kind
from harvest.errors import ConfigError
from harvest.globs import matches_glob
from harvest.patterns import linear

Check = Callable[[Rule, Subject, bool], list[Hit]]  # (rule, subject, negated) -> hits


def compiled(rule_id: str, pattern: str) -> Any:
    """The rule's regex on RE2 (linear time: a rule can come from a stranger's repository), or a ConfigError
    naming the rule."""
    try:
        return linear(pattern)
    except ConfigError as exc:
        raise ConfigError(f"rule {rule_id}: {exc}; fix or delete it in conventions.yaml") from None


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _contains(rule: Rule, subject: Subject, negated: bool) -> list[Hit]:
    """The file contains `value` (not-: no line contains it)."""
    if negated:
        return [Hit(n, f"has `{rule.value}`") for n, line in enumerate(subject.text.splitlines(), 1) if rule.value in line]
    return [] if rule.value in subject.text else [Hit(1, f"lacks `{rule.value}`")]


def _regex(rule: Rule, subject: Subject, negated: bool) -> list[Hit]:
    """The file matches the regex `value` (not-: nowhere)."""
    pattern = compiled(rule.id, rule.value)
    if negated:
        return [Hit(_line_of(subject.text, m.start()), f"matches `{m.group(0)[:60]}`") for m in pattern.finditer(subject.text)]
    return [] if pattern.search(subject.text) else [Hit(1, f"does not match `{rule.value}`")]


def _filename(rule: Rule, subject: Subject, negated: bool) -> list[Hit]:
    """The file's base name matches the regex `value`."""
    name = PurePosixPath(subject.path).name
    matched = compiled(rule.id, rule.value).search(name) is not None
    return [Hit(1, f"file name `{name}`")] if matched == negated else []


def _naming(rule: Rule, subject: Subject, negated: bool) -> list[Hit]:
    """Every unit of kind `unit_kind` has a name matching `value`."""
    pattern = compiled(rule.id, rule.value)
    return [Hit(u.start_line, f"{u.kind} `{u.name}`") for u in subject.units
            if of_kind(u, rule.unit_kind) and (pattern.search(u.name) is not None) == negated]


def _unit_regex(rule: Rule, subject: Subject, negated: bool) -> list[Hit]:
    """Every unit of kind `unit_kind` matches the regex `value` in its text (not-: none does)."""
    pattern = compiled(rule.id, rule.value)
    return [Hit(u.start_line, f"{u.kind} `{u.name}`") for u in subject.units
            if of_kind(u, rule.unit_kind) and (pattern.search(u.text) is not None) == negated]


def _path_layout(rule: Rule, subject: Subject, negated: bool) -> list[Hit]:
    """The file's folder holds every file named in `value` (`{dir}` = the folder's name)."""
    folder = PurePosixPath(subject.path).parent
    wanted = [t.strip().replace("{dir}", folder.name) for t in rule.value.split(",") if t.strip()]
    missing = [name for name in wanted if (name in subject.siblings) == negated]
    return [Hit(1, f"folder {folder}/ lacks {', '.join(missing)}")] if missing else []


PACKAGE_IMPORTS = {  # the top-level imports of a module's own package each style forbids ({0}: the package name)
    "relative": r"^(?:from\s+{0}(?:\.|\s)|import\s+{0}\.)",  # `import pkg` alone has no relative spelling
    "absolute": r"^from\s+\.",
}


def _package_imports(rule: Rule, subject: Subject, negated: bool) -> list[Hit]:
    """The module's top-level imports of its own package are `value` (relative or absolute; not-: the other).
    Its package is the one of `paths` (package folders, `/src/app/`, `/docs_src/*/`) holding the file."""
    if rule.value not in PACKAGE_IMPORTS:
        raise ConfigError(f"rule {rule.id}: package-imports takes relative or absolute, not {rule.value!r}")
    style = rule.value if not negated else next(s for s in PACKAGE_IMPORTS if s != rule.value)
    package = package_of(subject.path, rule.paths)
    if not package:
        return []
    pattern = compiled(rule.id, PACKAGE_IMPORTS[style].format(re.escape(package)))
    return [Hit(_line_of(subject.text, m.start()), f"{'absolute' if style == 'relative' else 'relative'} import "
                                                     f"`{m.group(0).strip()}`") for m in pattern.finditer(subject.text)]


def package_of(path: str, packages: tuple[str, ...]) -> str:
    """The name of the package folder among `packages` (folder globs) holding `path`, or ""."""
    folder = str(PurePosixPath(path).parent)
    for glob in packages:
        if matches_glob(folder, glob.rstrip("/")):
            depth = len(PurePosixPath(glob.strip("/")).parts)
            return PurePosixPath(path).parts[depth - 1]
    return ""


def _commit_format(rule: Rule, subject: Subject, negated: bool) -> list[Hit]:
    """The commit subject (first line) matches the regex `value`."""
    first = subject.text.strip().splitlines()[0] if subject.text.strip() else ""
    matched = compiled(rule.id, rule.value).search(first) is not None
    return [Hit(1, f"subject `{first[:72]}`")] if matched == negated else []


CHECKS: dict[str, Check] = {
    "contains": _contains,
    "regex": _regex,
    "filename": _filename,
    "naming": _naming,
    "unit-regex": _unit_regex,
    "path-layout": _path_layout,
    "package-imports": _package_imports,
    "commit-format": _commit_format,
}
NEEDS_UNITS = frozenset({"naming", "unit-regex"})


def parse_type(rule: Rule) -> tuple[str, bool]:
    """The check name and whether the rule is negated; an unknown type is a ConfigError."""
    name = rule.type.removeprefix("not-")
    if name not in CHECKS:
        valid = ", ".join(sorted({*CHECKS, *(f"not-{c}" for c in CHECKS)}))
        raise ConfigError(f"rule {rule.id}: unknown type {rule.type!r}; valid types: {valid}")
    return name, rule.type.startswith("not-")


def run_check(rule: Rule, subject: Subject) -> list[Hit]:
    """Where `subject` breaks `rule`."""
    name, negated = parse_type(rule)
    return CHECKS[name](rule, subject, negated)


def applies(rule: Rule, path: str, language: str, kind: str = "") -> bool:
    """Whether `rule` looks at the file `path`: its language, the kinds of file it holds for, its globs
    (`path-layout` globs name folders) and none of the globs it leaves out. `kind` is the file's kind when
    the caller knows it (a harvested record's, or from the repository's recorded test profile); the path
    rules decide otherwise.

    A rule that names no kinds holds for every kind but demo code (stories, mocks, fixtures, examples);
    miners name the kinds a rule was measured on, demos included where the rule is about the language
    (naming) rather than about what production code may do.
    """
    if rule.type.removeprefix("not-") == "commit-format":
        return False
    kind = kind or kind_of(path)
    if (kind not in rule.kinds) if rule.kinds else kind == "example":
        return False
    if rule.language and rule.language != language:
        return False
    if any(matches_glob(path, glob) for glob in rule.exclude):
        return False
    if not rule.paths:
        return True
    folder = path.rpartition("/")[0] or "."  # PurePosixPath(path).parent, without building paths per rule and request
    return any(matches_glob(folder, p.rstrip("/")) if p.endswith("/") else matches_glob(path, p) for p in rule.paths)
