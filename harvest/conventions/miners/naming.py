"""Naming: the case style of each kind of unit per language (hooks start with `use`), and the case of file
names per folder family (`src/components/*/` → PascalCase)."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import PurePosixPath

from harvest.config import HarvestConfig
from harvest.conventions.mine import Corpus
from harvest.conventions.miners.base import CASES, folder_globs
from harvest.conventions.rules import Rule

FAMILIES = {"javascript": "js", "typescript": "js", "tsx": "js", "python": "python", "go": "go", "java": "java"}
PLURALS = {"class": "classes", "styled": "styled components"}
NAMED_KINDS = ("function", "method", "class", "component", "styled", "hook")
HOOK = re.compile(r"^use[A-Z0-9][A-Za-z0-9]*$")  # React only treats `use` + capital as a hook
FILE_EXEMPT = ("index.", "__")  # barrels and dunder modules are named by the tooling, not the team


def naming(corpus: Corpus, config: HarvestConfig) -> list[Rule]:
    """Case rules for unit names (per language family and kind) and file names (per folder family)."""
    return _unit_rules(corpus, config) + _file_rules(corpus, config)


def _unit_rules(corpus: Corpus, config: HarvestConfig) -> list[Rule]:
    """A naming rule per (language family, unit kind) whose names share one case style."""
    rules = []
    units: dict[tuple[str, str], list] = defaultdict(list)
    for unit in corpus.units:
        if unit.kind in NAMED_KINDS and unit.language in FAMILIES and not unit.name.startswith("__"):
            units[(FAMILIES[unit.language], unit.kind)].append(unit)
    for (family, kind), group in sorted(units.items()):
        names = [u.name for u in group]
        globs = folder_globs(u.path for u in group)
        if kind == "hook" and _share(names, HOOK, config):
            rules.append(Rule(f"{family}-hook-names-use-prefix", "naming", HOOK.pattern,
                              "Name hooks `useSomething`", globs, unit_kind=kind, source="naming"))
            continue
        case = _dominant(names, config)
        if case:
            rules.append(Rule(f"{family}-{kind}-names-{case.lower().replace('_', '-')}", "naming", CASES[case].pattern,
                              f"Name {PLURALS.get(kind, kind + 's')} in {case}", globs, unit_kind=kind, source="naming"))
    return rules


def _file_rules(corpus: Corpus, config: HarvestConfig) -> list[Rule]:
    """A filename rule per folder family and extension whose file names (before the first dot) share a case;
    where a family is mixed, one per folder of it that is not."""
    sources = [f.path for f in corpus.files if f.kind == "source" and f.language in FAMILIES]
    families: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in sources:
        name = PurePosixPath(path).name
        if "." in name and not name.startswith(FILE_EXEMPT):
            folder = str(PurePosixPath(path).parent)
            families[(_family_glob(path, sources), PurePosixPath(name).suffix)][folder].append(name.split(".", 1)[0])
    rules = []
    for (glob, ext), folders in sorted(families.items()):
        rule = _file_rule(glob, ext, [s for stems in folders.values() for s in stems], config)
        if rule is None and glob.endswith("/*/"):
            rules += [r for folder, stems in sorted(folders.items())
                      if (r := _file_rule(f"{folder}/", ext, stems, config)) is not None]
        elif rule is not None:
            rules.append(rule)
    return rules


def _file_rule(glob: str, ext: str, stems: list[str], config: HarvestConfig) -> Rule | None:
    """The filename rule for files `glob*ext` with these stems, if they share a case."""
    case = _dominant(stems, config)
    if not case:
        return None
    where = glob or "/"
    slug = re.sub(r"[^a-z0-9]+", "-", glob.lower()).strip("-") or ("top-level" if glob else "root")
    # The stem is checked, whatever compound extension follows (`Button.styles.ts`, `Button.spec.tsx`).
    value = CASES[case].pattern.removesuffix("$") + r"\.|^index\.|^__"
    return Rule(f"file-names-{slug}-{ext.lstrip('.')}", "filename", value, f"Name `{ext}` files in `{where}` in {case}",
                (f"{where}*{ext}",), source="naming")


def _family_glob(path: str, sources: list[str]) -> str:
    """`src/components/*/` for a file in one of several sibling folders with such files, else its folder."""
    folder = PurePosixPath(path).parent
    if str(folder) == ".":
        return ""
    ext = PurePosixPath(path).suffix
    cousins = {PurePosixPath(p).parent for p in sources
               if PurePosixPath(p).parent.parent == folder.parent and PurePosixPath(p).suffix == ext}
    parent = "" if str(folder.parent) == "." else str(folder.parent)
    return f"{parent}/*/" if len(cousins) > 1 else f"{folder}/"


def _share(names: list[str], pattern: re.Pattern[str], config: HarvestConfig) -> bool:
    """Whether enough names fit `pattern` for it to be a rule."""
    return len(names) >= config.min_support and sum(1 for n in names if pattern.match(n)) / len(names) >= config.min_confidence


def _dominant(names: list[str], config: HarvestConfig) -> str:
    """The case style enough names fit, or "" when too few do or only one-word names were seen.

    One-word lowercase names fit camelCase, snake_case and kebab-case alike: multi-word names decide,
    and without any the style is unknown (a guess would flag the team's first multi-word name).
    """
    if len(names) < config.min_support:
        return ""
    multi = [n for n in names if re.search(r"[a-z0-9][A-Z_-]", n)]
    scores = {case: (sum(1 for n in names if p.match(n)) / len(names), sum(1 for n in multi if p.match(n)))
              for case, p in CASES.items()}
    ranked = sorted(scores, key=lambda c: scores[c], reverse=True)
    best = ranked[0]
    if scores[best] == scores[ranked[1]] or scores[best][0] < config.min_confidence:
        return ""
    return best
