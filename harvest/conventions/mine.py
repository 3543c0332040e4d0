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
from harvest.conventions.rules import Rule, Subject
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


def measure(rule: Rule, corpus: Corpus) -> Rule:
    """`rule` with support, followed, confidence, evidence and exceptions measured on the corpus.

    Support and followed count places (files, folders, commit subjects); exceptions list every line
    that breaks the rule today, so lint can tell those from new breaks. Evidence the miner gave
    (review quotes) comes first, then places that follow the rule.
    """
    name, _ = parse_type(rule)
    follows: list[str] = []
    broken = 0
    exceptions: list[str] = []
    if name == "commit-format":
        for subject in corpus.subjects():
            if run_check(rule, Subject("", subject)):
                broken += 1
                exceptions.append(subject[:72])
            else:
                follows.append(subject[:72])
    else:
        seen_folders: set[str] = set()
        for record in corpus.files:
            if not applies(rule, record.path, record.language):
                continue
            if name == "path-layout":
                folder = str(PurePosixPath(record.path).parent)
                if folder in seen_folders:
                    continue
                seen_folders.add(folder)
            hits = run_check(rule, corpus.subject(record))
            if hits:
                broken += 1
                exceptions += [f"{record.path}:{hit.line}" for hit in hits]
            else:
                follows.append(_place(rule, corpus, record))
    support = len(follows) + broken
    return replace(rule, support=support, followed=len(follows),
                   confidence=round(len(follows) / support, 3) if support else 0.0,
                   evidence=(rule.evidence + tuple(follows))[:MAX_EVIDENCE],
                   exceptions=tuple(exceptions[:MAX_EXCEPTIONS]))


def _place(rule: Rule, corpus: Corpus, record: FileRecord) -> str:
    """Where a file follows a rule: the first unit it is about, else the folder or the file."""
    if rule.unit_kind:
        unit = next((u for u in corpus.units_by_path.get(record.path, ()) if u.kind == rule.unit_kind), None)
        if unit:
            return f"{record.path}:{unit.start_line}"
    if parse_type(rule)[0] == "path-layout":
        return str(PurePosixPath(record.path).parent) + "/"
    return record.path


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
    """Every miner's rules, measured, thresholded, merged where two miners found the same; best first."""
    from harvest.conventions.miners import MINERS

    measured = [measure(rule, corpus) for miner in MINERS.values() for rule in miner(corpus, config)]
    kept = [r for r in (keep(rule, config) for rule in measured) if r is not None]
    return sorted(merge(kept), key=rank)


def rank(rule: Rule) -> tuple[bool, int, float, str]:
    """Proposed before candidates; rules reviewers asked for first, catalogue absences last; then by weight."""
    reviewed = any(e.startswith("PR #") for e in rule.evidence)
    order = 0 if reviewed else SOURCE_ORDER.index(rule.source) + 1 if rule.source in SOURCE_ORDER else len(SOURCE_ORDER)
    return rule.status != "proposed", order, -rule.confidence * rule.support, rule.id


def merge(rules: Sequence[Rule]) -> list[Rule]:
    """One rule per (type, value, unit kind): the best supported, with the others' evidence appended."""
    best: dict[tuple[str, str, str], Rule] = {}
    for rule in rules:
        key = (rule.type, rule.value, rule.unit_kind)
        current = best.get(key)
        if current is None:
            best[key] = rule
            continue
        winner, other = (rule, current) if (rule.status, rule.support) > (current.status, current.support) else (current, rule)
        # Review quotes say why a rule exists: they travel with the merged rule.
        quotes = tuple(e for e in other.evidence if e.startswith("PR #") and e not in winner.evidence)
        best[key] = replace(winner, evidence=quotes + winner.evidence)
    ids: dict[str, int] = {}
    unique = []
    for rule in best.values():
        ids[rule.id] = ids.get(rule.id, 0) + 1
        unique.append(rule if ids[rule.id] == 1 else replace(rule, id=f"{rule.id}-{ids[rule.id]}"))
    return unique
