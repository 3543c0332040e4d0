"""Case styles of names, shared by the naming miner and by the narrowing of mined rules (scope.py): what a
style is (one case, or the few a kind of name mixes), the style a list of names follows, and the
naming rule that checks a style on units or on file names.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from itertools import combinations

from harvest.config import HarvestConfig
from harvest.conventions.miners.base import CASES
from harvest.conventions.rules import FILE_KINDS, Rule

PLURALS = {"class": "classes (types)", "styled": "styled components", "variable": "module-level variables",
           "constant": "constants"}
NAMED_FILE_KINDS = ("source", "test", "test-support", "example")  # files whose names are the team's to choose
# A function's or a class's name is judged in every kind of file: a config file's, a setup.py's or a docs
# example's are named by the team like the rest. A top-level name in a config, build or docs file is often the
# tool's key (Sphinx's `html_theme` in docs/conf.py, a settings module's names): constants and variables are
# judged, and measured, in the team's own code only.
UNIT_FILE_KINDS = FILE_KINDS
TOOL_KEYED = frozenset({"constant", "variable"})
TOOLING_FILES = re.compile(r"^(?:index|package-info|module-info)\.|^__|^[^A-Za-z0-9_]")  # barrels, dunders, `[id]`
UNIT_STYLES = ("snake_case", "camelCase", "PascalCase", "UPPER_SNAKE_CASE")
FILE_STYLES = (*UNIT_STYLES, "kebab-case")
MAX_MIXED = 3  # a style may mix up to three cases: four would accept any name
MULTI_WORD = re.compile(r"[a-z0-9][A-Z_-]|[A-Z][_-]")


@dataclass(frozen=True)
class Style:
    """One case, or a few mixed: what names of a kind look like."""

    cases: tuple[str, ...]

    @property
    def label(self) -> str:
        if set(self.cases) == {"camelCase", "PascalCase"}:
            return "MixedCaps (camelCase or PascalCase)"
        return " or ".join(self.cases) if len(self.cases) < 3 else ", ".join(self.cases[:-1]) + " or " + self.cases[-1]

    @property
    def slug(self) -> str:
        short = "mixedcaps" if set(self.cases) == {"camelCase", "PascalCase"} else "-or-".join(self.cases)
        return re.sub(r"[^a-z0-9]+", "-", short.lower()).strip("-")

    @property
    def body(self) -> str:
        """The regex a name of this style matches, unanchored."""
        parts = [CASES[c].pattern.removeprefix("^").removesuffix("$") for c in self.cases]
        return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"

    def fits(self, name: str) -> bool:
        return any(CASES[c].match(name) for c in self.cases)


MIXED_CAPS = Style(("camelCase", "PascalCase"))


def dominant_style(names: list[str], config: HarvestConfig, styles: tuple[str, ...] = UNIT_STYLES,
                   sizes: Iterable[int] = range(1, MAX_MIXED + 1)) -> Style | None:
    """The narrowest style (of `sizes` cases) the names follow at `warning_confidence`, else at
    `min_confidence`; None when too few names, or when two styles fit equally: one-word lowercase names fit
    camelCase, snake_case and kebab-case alike, and only multi-word names tell them apart (a guess would
    flag the team's first multi-word name)."""
    if len(names) < config.min_support:
        return None
    for threshold in (config.warning_confidence, config.min_confidence):
        found = narrowest(names, styles, sizes, threshold)
        if found is not None:
            return found or None
    return None


def narrowest(names: list[str], styles: tuple[str, ...], sizes: Iterable[int], threshold: float) -> Style | None | bool:
    """The narrowest style at `threshold` (None: none reaches it; False: two tie)."""
    # Each name's cases are matched once, as a bit per style; a mix's share is then a count over the few
    # distinct masks, not a match of every name for every mix.
    fitting: Counter[int] = Counter()
    multi: Counter[int] = Counter()
    for name in names:
        mask = sum(1 << i for i, case in enumerate(styles) if CASES[case].match(name))
        fitting[mask] += 1
        if MULTI_WORD.search(name):
            multi[mask] += 1
    for size in sizes:
        scored = []
        for chosen in combinations(range(len(styles)), size):
            bits = sum(1 << i for i in chosen)
            share = sum(n for mask, n in fitting.items() if mask & bits) / len(names)
            if share >= threshold:
                scored.append(((share, sum(n for mask, n in multi.items() if mask & bits)),
                               Style(tuple(styles[i] for i in chosen))))
        if scored:
            scored.sort(key=lambda s: s[0], reverse=True)
            return False if len(scored) > 1 and scored[0][0] == scored[1][0] else scored[0][1]
    return None


def case_rule(rule_id: str, like: Rule, names: list[str], paths: tuple[str, ...], kinds: tuple[str, ...],
              where: str, config: HarvestConfig) -> Rule | None:
    """A rule like `like` (a unit or file naming rule) for the case of `names`, on `paths`; None when the
    names share no style, or the one `like` already checks."""
    style = dominant_style(names, config, UNIT_STYLES if like.unit_kind else FILE_STYLES)
    if style is None:
        return None
    if like.unit_kind:
        rule = unit_rule(rule_id, like.unit_kind, style, paths)
        message = f"Name {_plural(like.unit_kind)} in {where} in {style.label}"
    else:
        rule = file_rule(rule_id, style, paths)
        message = f"Name files in {where} in {style.label}"
    return None if rule.value == like.value else replace(rule, message=message, kinds=kinds)


def unit_rule(rule_id: str, kind: str, style: Style, paths: tuple[str, ...]) -> Rule:
    """The naming rule that `kind` units on `paths` are named in `style`."""
    return Rule(rule_id, "naming", f"^{style.body}$", f"Name {_plural(kind)} in {style.label}", paths,
                unit_kind=kind, kinds=NAMED_FILE_KINDS if kind in TOOL_KEYED else UNIT_FILE_KINDS, source="naming")


def file_rule(rule_id: str, style: Style, paths: tuple[str, ...]) -> Rule:
    """The rule that files on `paths` are named in `style`."""
    # The stem is checked, whatever compound extension follows (`Button.styles.ts`, `Button.spec.tsx`); names
    # the tooling dictates pass.
    return Rule(rule_id, "filename", rf"^{style.body}\.|{TOOLING_FILES.pattern}", f"Name files in {style.label}",
                paths, kinds=NAMED_FILE_KINDS, source="naming")


def _plural(kind: str) -> str:
    return PLURALS.get(kind, kind + "s")
