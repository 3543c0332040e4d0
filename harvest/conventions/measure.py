"""Measuring a proposed rule on the corpus as `idiom lint` would check it: the places it applies to, which
of them follow it, and from that its support, confidence, severity, evidence and exceptions.

Measuring with the same checks lint runs keeps mined rules honest: a rule's confidence is exactly the
share of the files it applies to that lint would leave alone today.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import PurePosixPath

from harvest.config import HarvestConfig
from harvest.conventions.checks import applies, parse_type, run_check
from harvest.conventions.corpus import Corpus
from harvest.conventions.rules import Rule, Subject, of_kind
from harvest.records import FileRecord

MAX_EVIDENCE = 5
MAX_EXCEPTIONS = 50  # lint skips these lines for the rule: they broke it before it was mined


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
