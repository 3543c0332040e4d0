"""Mining conventions: every miner proposes rules, each is measured on the code as `idiom lint` would
check it, and only rules with enough support and confidence are kept.

Measuring with the same checks lint runs keeps mined rules honest: a rule's confidence is exactly the
share of the files it applies to that lint would leave alone today.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath

from harvest.config import HarvestConfig
from harvest.conventions.checks import applies, parse_type, run_check
from harvest.conventions.rules import Rule, Subject, of_kind
from harvest.records import CommitRecord, FileRecord, PullRequest, Unit

MAX_EVIDENCE = 5
MAX_EXCEPTIONS = 50  # lint skips these lines for the rule: they broke it before it was mined
# How telling a rule from each miner is, most first: what the team chose over a real alternative,
# down to patterns that are simply absent.
SOURCE_ORDER = ("test-style", "layout", "imports", "routes", "commit-format", "naming", "review", "forbidden")
AUTOMATION_TAGS = ("[skip ci]", "[ci skip]", "[skip actions]")  # release tooling marks its own commits
BOT_AUTHORS = ("[bot]", "bot@", "dependabot", "renovate", "github-actions")


@dataclass(frozen=True)
class Corpus:
    """What conventions are mined from: the scrubbed files at HEAD, their units, history and reviews."""

    files: tuple[FileRecord, ...]
    units: tuple[Unit, ...]
    commits: tuple[CommitRecord, ...]
    prs: tuple[PullRequest, ...]
    by_path: dict[str, FileRecord] = field(init=False, repr=False, compare=False)
    units_by_path: dict[str, tuple[Unit, ...]] = field(init=False, repr=False, compare=False)
    siblings: dict[str, frozenset[str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        units: dict[str, list[Unit]] = {}
        for unit in self.units:
            units.setdefault(unit.path, []).append(unit)
        folders: dict[str, set[str]] = {}
        for record in self.files:
            path = PurePosixPath(record.path)
            folders.setdefault(str(path.parent), set()).add(path.name)
        object.__setattr__(self, "by_path", {f.path: f for f in self.files})
        object.__setattr__(self, "units_by_path", {p: tuple(u) for p, u in units.items()})
        object.__setattr__(self, "siblings", {k: frozenset(v) for k, v in folders.items()})

    def subject(self, record: FileRecord) -> Subject:
        """The file as lint sees it."""
        return Subject(record.path, record.text, self.units_by_path.get(record.path, ()),
                       self.siblings.get(str(PurePosixPath(record.path).parent), frozenset()))

    def subjects(self) -> list[str]:
        """Commit subjects that speak for the team: no merges, reverts, fixups, bots or release automation."""
        return [c.message.strip().splitlines()[0] for c in self.commits
                if c.message.strip() and not c.is_merge and not any(b in c.author.lower() for b in BOT_AUTHORS)
                and not c.message.startswith(("Merge ", "Revert \"", "fixup!", "squash!"))
                and not any(tag in c.message for tag in AUTOMATION_TAGS)]


@dataclass(frozen=True)
class Place:
    """One place a rule applies to: a unit (`path:line`), a file, a folder (`dir/`) or a commit subject."""

    label: str
    path: str  # the file it is in ("" for a commit subject)
    kind: str = ""  # the file's kind


@dataclass(frozen=True)
class Places:
    """Where a rule holds and where it is broken today, with the exact lines breaking it."""

    followed: tuple[Place, ...]
    broken: tuple[Place, ...]
    exceptions: tuple[str, ...]  # "path:line" of every hit


def places(rule: Rule, corpus: Corpus) -> Places:
    """The places `rule` applies to in the corpus, split by whether they follow it.

    Places are units for unit rules (a file with three hooks, one misnamed, counts 2 of 3), folders for
    layouts, commit subjects for the commit format, else files.
    """
    follows: list[Place] = []
    broken: list[Place] = []
    exceptions: list[str] = []
    if parse_type(rule)[0] == "commit-format":
        for subject in corpus.subjects():
            (broken if run_check(rule, Subject("", subject)) else follows).append(Place(subject[:72], ""))
        return Places(tuple(follows), tuple(broken), tuple(p.label for p in broken))
    for record in _applicable(rule, corpus):
        hits = run_check(rule, corpus.subject(record))
        exceptions += [f"{record.path}:{hit.line}" for hit in hits]
        if rule.unit_kind:
            lines = {hit.line for hit in hits}
            for unit in corpus.units_by_path.get(record.path, ()):
                if of_kind(unit, rule.unit_kind):
                    place = Place(f"{record.path}:{unit.start_line}", record.path, record.kind)
                    (broken if unit.start_line in lines else follows).append(place)
        elif parse_type(rule)[0] == "path-layout":
            folder = Place(str(PurePosixPath(record.path).parent) + "/", record.path, record.kind)
            (broken if hits else follows).append(folder)
        else:
            (broken if hits else follows).append(Place(record.path, record.path, record.kind))
    return Places(tuple(follows), tuple(broken), tuple(exceptions))


def measure(rule: Rule, corpus: Corpus, config: HarvestConfig, found: Places | None = None) -> Rule:
    """`rule` with support, followed, confidence, severity, evidence and exceptions measured on the corpus (or
    on the places already `found` for it).

    It is a warning when it holds at `warning_confidence` of its places and, when its exceptions sit in
    more than one file, of the files they are in: a rule kept by 98% of a thousand functions, its exceptions
    spread over one file in ten, would flag one new file in ten; one odd file (a compatibility shim naming
    a class in lowercase) is a one-off that new files do not repeat. Exceptions list the lines that break
    the rule today, so lint can tell those from new breaks. Evidence the miner gave (review quotes,
    counterpart lines) comes first, then places that follow it.
    """
    found = places(rule, corpus) if found is None else found
    support = len(found.followed) + len(found.broken)
    follows = tuple(p.label for p in found.followed)
    share = len(follows) / support if support else 0.0
    files = {p.path for p in found.followed + found.broken}
    broken_files = {p.path for p in found.broken}
    files_followed = 1 - len(broken_files) / len(files) if len(broken_files) > 1 else 1.0
    warning = min(share, files_followed) >= config.warning_confidence
    return replace(rule, support=support, followed=len(follows), confidence=round(share, 3),
                   severity="warning" if warning else "info",
                   evidence=tuple(dict.fromkeys(rule.evidence + follows))[:MAX_EVIDENCE],
                   exceptions=found.exceptions[:MAX_EXCEPTIONS])


def _applicable(rule: Rule, corpus: Corpus) -> list[FileRecord]:
    """The files `rule` looks at; one per folder for a layout rule (it is about the folder)."""
    records = [r for r in corpus.files if applies(rule, r.path, r.language, r.kind)]
    if parse_type(rule)[0] != "path-layout":
        return records
    folders: dict[str, FileRecord] = {}
    for record in records:
        folders.setdefault(str(PurePosixPath(record.path).parent), record)
    return list(folders.values())


def keep(rule: Rule, config: HarvestConfig) -> Rule | None:
    """The rule as proposed, as a candidate (stated in review but not borne out), or None."""
    # A token a reviewer named (not a catalogued pattern) must hold everywhere today to become a rule.
    needed = 1.0 if rule.source == "review" and rule.id.startswith("review-") else config.min_confidence
    strong = rule.support >= config.min_support and rule.confidence >= needed
    if strong:
        return replace(rule, status="proposed")
    if rule.source == "review" and rule.support:
        return replace(rule, status="candidate")
    return None


def mine_conventions(corpus: Corpus, config: HarvestConfig) -> list[Rule]:
    """Every miner's rules, measured, narrowed where their exceptions cluster (with each cluster's own rule),
    thresholded, merged where two miners found the same; best first."""
    from harvest.conventions.miners import MINERS
    from harvest.conventions.scope import scoped

    measured = []
    for miner in MINERS.values():
        for rule in miner(corpus, config):
            found = places(rule, corpus)
            measured += scoped(measure(rule, corpus, config, found), found, corpus, config)
    kept = [r for r in (keep(rule, config) for rule in measured) if r is not None]
    return sorted(merge(kept), key=rank)


def rank(rule: Rule) -> tuple[bool, int, float, str]:
    """Proposed before candidates; rules reviewers asked for first, catalogue absences last; then by weight."""
    reviewed = any(e.startswith("PR #") for e in rule.evidence)
    order = 0 if reviewed else SOURCE_ORDER.index(rule.source) + 1 if rule.source in SOURCE_ORDER else len(SOURCE_ORDER)
    return rule.status != "proposed", order, -rule.confidence * rule.support, rule.id


def merge(rules: Sequence[Rule]) -> list[Rule]:
    """Rules two miners found alike (type, value, unit kind) as one: the best supported, with the review quotes.

    One miner's rules with the same check on different paths (file-name case per folder) stay apart.
    """
    merged: list[Rule] = []
    for rule in rules:
        at = next((i for i, r in enumerate(merged) if (r.type, r.value, r.unit_kind) == (rule.type, rule.value, rule.unit_kind)
                   and (r.source != rule.source or r.paths == rule.paths)), None)
        if at is None:
            merged.append(rule)
            continue
        current = merged[at]
        winner, other = (rule, current) if (rule.status, rule.support) > (current.status, current.support) else (current, rule)
        # Review quotes say why a rule exists: they travel with the merged rule.
        quotes = tuple(e for e in other.evidence if e.startswith("PR #") and e not in winner.evidence)
        merged[at] = replace(winner, evidence=(quotes + winner.evidence)[:MAX_EVIDENCE])
    ids: dict[str, int] = {}
    unique = []
    for rule in merged:
        ids[rule.id] = ids.get(rule.id, 0) + 1
        unique.append(rule if ids[rule.id] == 1 else replace(rule, id=f"{rule.id}-{ids[rule.id]}"))
    return unique
