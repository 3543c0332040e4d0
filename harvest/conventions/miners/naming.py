"""Naming: the case style of each kind of unit per language family (hooks start with `use`), and the case of
file names per language, else per folder family (`src/components/*/` → PascalCase).

A style is one case (snake_case, camelCase, PascalCase, UPPER_SNAKE_CASE, kebab-case for files) or the few
a kind of name mixes: Go's MixedCaps (camelCase or PascalCase: exported or not, both fine), JavaScript's
functions (MixedCaps: a capital marks a constructor or a component), JavaScript's variables (camelCase,
PascalCase or UPPER_SNAKE_CASE, never snake_case). The style chosen is the narrowest
the names follow almost everywhere (`warning_confidence`), else the narrowest they mostly follow
(`min_confidence`).

A naming habit belongs to the language, not to the folders it was seen in: a rule reaches every file of
the family, demo code included (an example or a story names things the way the team does); where part of
the code names otherwise, mining narrows the rule (harvest.conventions.scope). Names the language or its
tooling dictates are not the team's choice and are not judged: dunders, Java's `serialVersionUID`, barrel
and package files, route-parameter file names (`[id].tsx`). Nor are Python's module-level variables (a name
bound to a computed value): their case says what they hold — a logger, a type alias, a TypeVar, a compiled
pattern used as a constant — not how the team names things; Python's constants (literal values) are judged.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import PurePosixPath

from harvest.config import HarvestConfig
from harvest.conventions.corpus import Corpus
from harvest.conventions.miners.base import extension_globs
from harvest.conventions.miners.styles import (
    FILE_STYLES,
    MAX_MIXED,
    MIXED_CAPS,
    NAMED_FILE_KINDS,
    TOOL_KEYED,
    TOOLING_FILES,
    UNIT_FILE_KINDS,
    UNIT_STYLES,
    Style,
    dominant_style,
    file_rule,
    narrowest,
    unit_rule,
)
from harvest.conventions.rules import Rule
from harvest.conventions.scope import settled

FAMILIES = {"javascript": "js", "typescript": "js", "tsx": "js", "python": "python", "go": "go", "java": "java"}
NAMED_KINDS = ("function", "method", "class", "component", "styled", "hook", "constant", "variable")
PLATFORM_NAMES = frozenset({"serialVersionUID", "serialPersistentFields"})  # Java serialization's fixed names
UNJUDGED = frozenset({("python", "variable")})  # (family, kind) whose case is not a habit (see the docstring)
# Where the first letter is meaning, not style: a Go name's is its visibility; a JS function's capital marks a
# constructor (`function Router()` called with `new`) or a React component that renders nothing (`() => null`).
FIRST_LETTER_MEANS = frozenset({("js", "function")})
HOOK = re.compile(r"^use[A-Z0-9][A-Za-z0-9]*$")  # React only treats `use` + capital as a hook
MAJORITY = 0.75  # a case three names in four follow is the team's, with exceptions; below, cases mix by design


def naming(corpus: Corpus, config: HarvestConfig) -> list[Rule]:
    """Case rules for unit names (per language family and kind) and file names (per language and extension,
    else per folder family)."""
    return _unit_rules(corpus, config) + _file_rules(corpus, config)


def styled_rules(make: Callable[[Style], Rule], names: list[str], corpus: Corpus, config: HarvestConfig,
                 styles: tuple[str, ...] = UNIT_STYLES) -> list[Rule]:
    """Rules for the case of `names`: the single case most follow (MAJORITY), its exceptions left for mining
    to explain by where they cluster; and unless that makes it a warning, the narrowest mix of cases that
    nearly all follow (camelCase among PascalCase constructors: MixedCaps). Without a majority case, the mix."""
    if len(names) < config.min_support:
        return []
    case = narrowest(names, styles, (1,), MAJORITY)
    if not case:
        mix = dominant_style(names, config, styles)
        return [make(mix)] if mix else []
    rule = make(case)
    if _settles(rule, corpus, config):
        return [rule]
    mix = narrowest(names, styles, range(2, MAX_MIXED + 1), config.warning_confidence)
    return [rule, make(mix)] if mix else [rule]


def _settles(rule: Rule, corpus: Corpus, config: HarvestConfig) -> bool:
    """Whether `rule`, measured and narrowed where its exceptions cluster, is a warning."""
    return settled(rule, corpus, config)[0].severity == "warning"


def _unit_rules(corpus: Corpus, config: HarvestConfig) -> list[Rule]:
    """A naming rule per (language family, unit kind) whose names share a style, on all the family's files."""
    rules = []
    units: dict[tuple[str, str], list] = defaultdict(list)
    kind_of_file = {f.path: f.kind for f in corpus.files}
    for unit in corpus.units:
        if unit.kind in TOOL_KEYED and kind_of_file.get(unit.path) not in NAMED_FILE_KINDS:
            continue
        if (unit.kind in NAMED_KINDS and unit.language in FAMILIES and not unit.name.startswith("__")
                and unit.name not in PLATFORM_NAMES and (FAMILIES[unit.language], unit.kind) not in UNJUDGED):
            units[(FAMILIES[unit.language], unit.kind)].append(unit)
    for (family, kind), group in sorted(units.items()):
        names = [u.name for u in group]
        globs = _family_globs(corpus, family)
        if kind == "hook":
            if len(names) >= config.min_support and sum(1 for n in names if HOOK.match(n)) >= config.min_confidence * len(names):
                rules.append(Rule(f"{family}-hook-names-use-prefix", "naming", HOOK.pattern, "Name hooks `useSomething`",
                                  globs, unit_kind=kind, kinds=UNIT_FILE_KINDS, source="naming"))
            continue
        if family == "go" or (family, kind) in FIRST_LETTER_MEANS:  # MixedCaps is the only case to judge
            if len(names) >= config.min_support and sum(map(MIXED_CAPS.fits, names)) >= config.min_confidence * len(names):
                rules.append(unit_rule(f"{family}-{kind}-names-{MIXED_CAPS.slug}", kind, MIXED_CAPS, globs))
            continue
        rules += styled_rules(lambda style: unit_rule(f"{family}-{kind}-names-{style.slug}", kind, style, globs),
                              names, corpus, config)
    return rules


def _family_globs(corpus: Corpus, family: str) -> tuple[str, ...]:
    return extension_globs(f.path for f in corpus.files if FAMILIES.get(f.language) == family)


def _file_rules(corpus: Corpus, config: HarvestConfig) -> list[Rule]:
    """A filename rule per language extension whose file names (before the first dot) share a style; where
    the language is mixed, per folder family, then per folder of a family that is mixed."""
    files = [f.path for f in corpus.files if f.kind in NAMED_FILE_KINDS and f.language in FAMILIES]
    by_extension: dict[str, list[str]] = defaultdict(list)
    for path in files:
        name = PurePosixPath(path).name
        if "." in name and not TOOLING_FILES.match(name):
            by_extension[PurePosixPath(name).suffix].append(path)
    rules = []
    for ext, paths in sorted(by_extension.items()):
        def make(style: Style, ext: str = ext) -> Rule:
            return replace(file_rule(f"file-names-{ext.lstrip('.')}-{style.slug}", style, (f"*{ext}",)),
                           message=f"Name `{ext}` files in {style.label}")

        rules += styled_rules(make, _stems(paths), corpus, config, FILE_STYLES) or _family_file_rules(ext, paths, config)
    return rules


def _family_file_rules(ext: str, paths: list[str], config: HarvestConfig) -> list[Rule]:
    """Per folder family (`src/components/*/`), then per folder of a mixed family."""
    families: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in paths:
        families[_family_glob(path, paths)][str(PurePosixPath(path).parent)].append(path)
    rules = []
    for glob, folders in sorted(families.items()):
        rule = _folder_rule(glob, ext, [p for group in folders.values() for p in group], config)
        if rule is None and glob.endswith("/*/"):
            rules += [r for folder, group in sorted(folders.items())
                      if (r := _folder_rule(f"{folder}/", ext, group, config)) is not None]
        elif rule is not None:
            rules.append(rule)
    return rules


def _folder_rule(glob: str, ext: str, paths: list[str], config: HarvestConfig) -> Rule | None:
    where = glob or "/"
    slug = re.sub(r"[^a-z0-9]+", "-", glob.lower()).strip("-") or ("top-level" if glob else "root")
    return _named_files(f"file-names-{slug}-{ext.lstrip('.')}", (f"{where}*{ext}",), f" in `{where}`", ext,
                        _stems(paths), config)


def _named_files(rule_id: str, paths: tuple[str, ...], where: str, ext: str, stems: list[str],
                 config: HarvestConfig) -> Rule | None:
    style = dominant_style(stems, config, FILE_STYLES)
    if style is None:
        return None
    return replace(file_rule(rule_id, style, paths), message=f"Name `{ext}` files{where} in {style.label}")


def _stems(paths: Iterable[str]) -> list[str]:
    return [PurePosixPath(p).name.split(".", 1)[0] for p in paths]


def _family_glob(path: str, paths: list[str]) -> str:
    """`src/components/*/` for a file in one of several sibling folders with such files, else its folder."""
    folder = PurePosixPath(path).parent
    if str(folder) == ".":
        return ""
    cousins = {PurePosixPath(p).parent for p in paths if PurePosixPath(p).parent.parent == folder.parent}
    parent = "" if str(folder.parent) == "." else str(folder.parent)
    return f"{parent}/*/" if len(cousins) > 1 else f"{folder}/"
