"""Mined rules grouped by the files they apply to, for the exported rules files (harvest/conventions/export.py).

A rule's path scope is its `paths` (gitignore-style globs, harvest/globs.py), else its `language`; rules with
neither apply everywhere. Coding assistants take workspace-relative globs instead (`**/*.tsx`, `src/pages/**`),
so each scope is rewritten in that form and rules with the same globs share one group: one rules file per
group for the tools that scope their files, one section per group for those that read a single file.
A rule's `exclude` cannot be said in those globs (they have no negation), so it stays in the rule's sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from harvest.conventions.rules import Rule

SLUG_LENGTH = 48


@dataclass(frozen=True)
class RuleGroup:
    """Rules that apply to the same files."""

    globs: tuple[str, ...]  # workspace-relative globs; () = every file
    rules: tuple[Rule, ...]
    slug: str  # a file-name stem unique among the groups ("" for the group that applies everywhere)


def tool_glob(glob: str) -> str:
    """A gitignore-style glob as the workspace-relative glob assistants match: `*.tsx` → `**/*.tsx`,
    `pages/` → `**/pages/**`, `/src/hooks/*.ts` and `src/hooks/*.ts` → `src/hooks/*.ts`."""
    directory = glob.endswith("/")
    core = glob.rstrip("/")
    anchored = "/" in core  # as in harvest/globs.py: a slash anywhere but the end anchors at the root
    core = core.lstrip("/")
    if not anchored and not core.startswith("**"):
        core = f"**/{core}"
    return f"{core}/**" if directory else core


def language_globs(language: str) -> tuple[str, ...]:
    """`**/*.py`, `**/*.pyi` for python: every file harvest/classify.py counts as that language."""
    # Imported here: `idiom --help` lists the export formats without loading the classifier.
    from harvest.classify import LANGUAGES

    return tuple(f"**/*{ext}" for ext, name in sorted(LANGUAGES.items()) if name == language)


def scope_globs(rule: Rule) -> tuple[str, ...]:
    """Where `rule` applies, as assistants' globs; () when it applies to every file."""
    if rule.paths:
        return tuple(sorted({tool_glob(p) for p in rule.paths}))
    return language_globs(rule.language) if rule.language else ()


def group_rules(rules: Sequence[Rule]) -> list[RuleGroup]:
    """The proposed rules grouped by scope: the group for every file first (always present, maybe empty),
    then one group per scope ordered by its globs."""
    by_scope: dict[tuple[str, ...], list[Rule]] = {(): []}
    for rule in rules:
        if rule.status == "proposed":
            by_scope.setdefault(scope_globs(rule), []).append(rule)
    groups, used = [RuleGroup((), tuple(by_scope.pop(())), "")], set()
    for globs in sorted(by_scope):
        slug = _slug(globs)
        unique, n = slug, 2
        while unique in used:
            unique, n = f"{slug}-{n}", n + 1
        used.add(unique)
        groups.append(RuleGroup(globs, tuple(by_scope[globs]), unique))
    return groups


def _slug(globs: tuple[str, ...]) -> str:
    """`pages`, `tsx`, `src-components-and-2-more`: the first glob without its wildcards, readable in a file name."""
    slug = re.sub(r"[^a-z0-9]+", "-", globs[0].replace("**/", "").replace("/**", "").lower()).strip("-")
    more = f"-and-{len(globs) - 1}-more" if len(globs) > 1 else ""
    return (slug[:SLUG_LENGTH].strip("-") or "files") + more
