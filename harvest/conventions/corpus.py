"""What conventions are mined from: the scrubbed files at HEAD, their units, the history and the reviews,
indexed once for the miners (harvest/conventions/miners) and for measuring their rules (measure.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import PurePosixPath

from harvest.commitlog import facts_of
from harvest.config import HarvestConfig
from harvest.conventions.rules import Rule, Subject
from harvest.records import CommitRecord, FileRecord, PullRequest, Unit
from harvest.units import Import, file_imports


def parsed_imports(record: FileRecord) -> list[Import]:
    """The import statements of `record`'s text, parsed now."""
    return file_imports(record.path, record.language, record.text)


@dataclass(frozen=True)
class Corpus:
    """What conventions are mined from: the scrubbed files at HEAD, their units, history and reviews."""

    files: tuple[FileRecord, ...]
    units: tuple[Unit, ...]
    commits: Iterable[CommitRecord]  # a CommitLog in a build: each pass reads commits.jsonl again
    prs: Iterable[PullRequest]  # PullRequests in a build: each pass reads prs.jsonl again
    # A file's import statements; a dataset build answers from its cache (harvest/dataset/build.py)
    imports_of: Callable[[FileRecord], Sequence[Import]] = field(default=parsed_imports, repr=False,
                                                                compare=False)
    by_path: dict[str, FileRecord] = field(init=False, repr=False, compare=False)
    units_by_path: dict[str, tuple[Unit, ...]] = field(init=False, repr=False, compare=False)
    siblings: dict[str, frozenset[str]] = field(init=False, repr=False, compare=False)
    # rule and settings → the rule measured and narrowed (scope.py `settled`), worked out once per corpus
    settled: dict[tuple[Rule, HarvestConfig], list[Rule]] = field(init=False, repr=False, compare=False,
                                                                  default_factory=dict)

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
        return list(self._subjects)

    @cached_property
    def _subjects(self) -> tuple[str, ...]:
        # Once (the commit format's miner and its measure both ask); a CommitLog's from its facts, so nothing is read.
        return tuple(f.subject for f in facts_of(self.commits) if f.subject)
