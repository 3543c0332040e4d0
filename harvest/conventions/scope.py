"""Rules with a scope: where a mined rule's exceptions cluster in one folder, file role or kind of file, the
rule is narrowed to the rest of the code, and the cluster gets its own rule where one holds there.

Every page of a Next.js `pages/` folder default-exports while the rest of the code uses named exports: the
rule "no `export default`" measures at 85% over all source files, its exceptions all in `pages/`. Narrowed
(`exclude: [pages/]`) it holds everywhere else, and `pages/` gets "every file has `export default`".

A cluster is decided from the counts, never from a folder's name: a scope holding at least half of the
rule's exceptions (and at least two) but at most half of its places, where the rule would not be mined on
its own (its confidence there is below `min_confidence`), leaving the rule enough places elsewhere.
Scopes are read from the paths of the places that break it: a folder, a folder name wherever it occurs
(`pages/`), a file name or compound extension (`page.tsx`, `*.stories.tsx`), or a kind of file (tests).
Up to MAX_SCOPES per rule, the one freeing most exceptions first.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import PurePosixPath

from harvest.config import HarvestConfig
from harvest.conventions.checks import parse_type
from harvest.conventions.corpus import Corpus
from harvest.conventions.measure import Place, Places, measure, places
from harvest.conventions.miners.base import folder_globs, suffix
from harvest.conventions.miners.styles import case_rule
from harvest.conventions.rules import FILE_KINDS, KIND_NAMES, Rule
from harvest.globs import matches_glob

CLUSTER_SHARE = 0.5  # of a rule's exceptions a scope must hold to be their cluster
MAX_SCOPES = 3
UNSCOPED = frozenset({"commit-format", "path-layout"})  # about commits and folders, not places in files
DEFAULT_KINDS = tuple(k for k in FILE_KINDS if k != "example")  # what a rule naming no kinds holds for
# Preference between scopes that explain the same places: a role (a folder or file name wherever it occurs)
# says more about where the next file goes than one folder does.
ROLE, FILE_ROLE, KIND, FOLDER = range(4)
GLOB_SYNTAX = re.compile(r"[][*?!]")


@dataclass(frozen=True)
class Scope:
    """Where a rule's exceptions may cluster: a glob (folder, folder name, file role) or a kind of file."""

    glob: str = ""
    kind: str = ""
    order: int = FOLDER
    depth: int = 0  # how deep the folder is: deeper is tighter, preferred when counts tie

    def contains(self, place: Place) -> bool:
        return place.kind == self.kind if self.kind else matches_glob(place.path, self.glob)

    def shown(self) -> str:
        return KIND_NAMES.get(self.kind, f"{self.kind} files") if self.kind else f"`{self.glob.lstrip('/')}`"

    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", (self.kind or self.glob).lower()).strip("-") or "root"


def scopes_of(place: Place) -> Iterator[Scope]:
    """Every scope `place` is in: its folders (anchored), their names, its file name and compound
    extension (roles shared across folders), and its kind. A name with a glob's own characters (`[id]`,
    Next.js's dynamic routes) cannot be written as a glob: no scope is read from it or below it."""
    path = PurePosixPath(place.path)
    folders = path.parent.parts
    for depth in range(1, len(folders) + 1):
        if GLOB_SYNTAX.search(folders[depth - 1]):
            break
        yield Scope(glob="/" + "/".join(folders[:depth]) + "/", order=FOLDER, depth=depth)
        yield Scope(glob=f"{folders[depth - 1]}/", order=ROLE, depth=depth)
    if not GLOB_SYNTAX.search(path.name):
        yield Scope(glob=path.name, order=FILE_ROLE, depth=len(folders) + 1)
        if suffix(place.path).count(".") > 1:  # `.stories.tsx`, `.styled.ts`: a role; `.py` is just a language
            yield Scope(glob=f"*{suffix(place.path)}", order=FILE_ROLE, depth=len(folders) + 1)
    if place.kind:
        yield Scope(kind=place.kind, order=KIND)


@lru_cache(maxsize=1 << 16)
def _scopes(path: str, kind: str) -> frozenset[Scope]:
    """The scopes of a place in file `path` of `kind` (`scopes_of`), worked out once per file: clustering
    asks again for each scope it finds, of each rule."""
    return frozenset(scopes_of(Place(path, path, kind)))


def _counts(places: list[Place]) -> Counter[Scope]:
    """How many of `places` each scope holds; the places of one file share its scopes, so they count per file
    (a file's units are most of a rule's places)."""
    counts: Counter[Scope] = Counter()
    for (path, kind), many in Counter((p.path, p.kind) for p in places).items():
        for scope in _scopes(path, kind):
            counts[scope] += many
    return counts


def settled(rule: Rule, corpus: Corpus, config: HarvestConfig) -> list[Rule]:
    """`rule` measured on the corpus and narrowed where its exceptions cluster (`scoped`), worked out once per
    corpus: the naming miner settles a rule to choose between cases, and mining keeps what it found."""
    key = (rule, config)
    if key not in corpus.settled:
        found = places(rule, corpus)
        corpus.settled[key] = scoped(measure(rule, corpus, config, found), found, corpus, config)
    return corpus.settled[key]


def scoped(rule: Rule, found: Places, corpus: Corpus, config: HarvestConfig) -> list[Rule]:
    """`rule` (measured on `found`) narrowed away from the scopes its exceptions cluster in, followed by each
    cluster's own rule where one can be stated; `[rule]` when its exceptions do not cluster."""
    if parse_type(rule)[0] in UNSCOPED or not found.broken:
        return [rule]
    followed, broken = list(found.followed), list(found.broken)
    clusters: list[tuple[Scope, list[Place]]] = []
    while len(clusters) < MAX_SCOPES and (scope := _cluster(followed, broken, config)) is not None:
        inside = [p for p in followed + broken if scope.contains(p)]
        clusters.append((scope, inside))
        followed = [p for p in followed if not scope.contains(p)]
        broken = [p for p in broken if not scope.contains(p)]
    if not clusters:
        return [rule]
    narrowed = rule
    for scope, _ in clusters:
        narrowed = _without(narrowed, scope)
    where = ", ".join(scope.shown() for scope, _ in clusters)
    narrowed = measure(replace(narrowed, message=f"{rule.message} (except in {where})"), corpus, config)
    own = [_own_rule(rule, scope, inside, corpus, config) for scope, inside in clusters]
    return [narrowed, *(measure(r, corpus, config) for r in own if r is not None)]


def _cluster(followed: list[Place], broken: list[Place], config: HarvestConfig) -> Scope | None:
    """The scope holding most of the exceptions where the rule does not hold, or None."""
    broken_in = _counts(broken)
    if not broken_in:
        return None
    followed_in = _counts(followed)
    total = len(followed) + len(broken)
    # A cluster is a corner of the code: it holds at most half the rule's places (a scope holding most of
    # them is where the rule simply does not hold) and leaves the rule enough places elsewhere.
    fits = [s for s, n in broken_in.items()
            if n >= 2 and n >= CLUSTER_SHARE * len(broken) and followed_in[s] < config.min_confidence * (n + followed_in[s])
            and n + followed_in[s] <= CLUSTER_SHARE * total and total - n - followed_in[s] >= config.min_support]
    # The most exceptions freed for the fewest followed places lost; then roles over folders, deeper first.
    return max(fits, key=lambda s: (broken_in[s] - followed_in[s], -s.order, s.depth, s.glob), default=None)


def _without(rule: Rule, scope: Scope) -> Rule:
    """`rule` no longer applying to `scope`."""
    if scope.kind:
        return replace(rule, kinds=tuple(k for k in (rule.kinds or DEFAULT_KINDS) if k != scope.kind))
    return replace(rule, exclude=(*rule.exclude, scope.glob))


def _own_rule(rule: Rule, scope: Scope, inside: list[Place], corpus: Corpus, config: HarvestConfig) -> Rule | None:
    """What the cluster does instead, as a rule on the cluster (measured by the caller): its own case for a
    naming rule, the opposite check for the others."""
    paths, kinds = _within(rule, scope, inside), (scope.kind,) if scope.kind else rule.kinds
    prefix = f"{scope.slug()}-unlike-{rule.id}"
    if rule.source == "naming":
        return case_rule(prefix, rule, _names(rule, inside, corpus), paths, kinds, scope.shown(), config)
    name, negated = parse_type(rule)
    opposite = name if negated else f"not-{name}"
    shown = readable(rule.value)
    holds = (f"Every file in {scope.shown()} has `{shown}`" if negated
             else f"Files in {scope.shown()} never have `{shown}`")
    return Rule(prefix, opposite, rule.value, f"{holds}, unlike the rest of the code ({rule.message})", paths,
                language=rule.language, unit_kind=rule.unit_kind, kinds=kinds, source=rule.source)


def _within(rule: Rule, scope: Scope, inside: list[Place]) -> tuple[str, ...]:
    """Globs for the files of `rule` inside `scope`."""
    if scope.kind:
        return rule.paths
    if scope.order == FILE_ROLE:
        return (scope.glob,)
    folder = scope.glob if scope.order == FOLDER else f"**/{scope.glob}"
    if not rule.paths:
        return (folder,)
    if all("/" not in p for p in rule.paths):  # language-wide globs (`*.tsx`): the same files under the folder
        return tuple(f"{folder}**/{p}" for p in rule.paths)
    return folder_globs(sorted({p.path for p in inside}))


def _names(rule: Rule, inside: list[Place], corpus: Corpus) -> list[str]:
    """The names a naming rule judged inside the cluster: units' names, or file names' stems."""
    if not rule.unit_kind:
        return [PurePosixPath(p.path).name.split(".", 1)[0] for p in inside]
    lines = {p.label for p in inside}
    return [u.name for path in {p.path for p in inside} for u in corpus.units_by_path.get(path, ())
            if f"{path}:{u.start_line}" in lines]


def readable(pattern: str) -> str:
    """A simple regex as the code it matches (`^export\\s+default\\b` → `export default`); others as written."""
    text = re.sub(r"\\s[+*]?", " ", pattern.removeprefix("^").removesuffix("$")).replace(r"\b", "")
    if re.search(r"(?<!\\)[\[\](){}|*+?^$.]", text):  # regex syntax is left: the pattern says it best
        return pattern
    return re.sub(r"\\(.)", r"\1", text).strip() or pattern
