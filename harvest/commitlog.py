"""The mined history as views over `commits.jsonl` and `prs.jsonl`: read again on each pass, never held whole.

The dataset build (harvest/dataset/build.py) walks the history several times (the line-range blame,
commit pairs, hub files, renames, commit subjects, review pairs and rules). Holding every CommitRecord
and PullRequest with its hunks made its memory grow with the length of the history (issue 19); a
CommitLog holds each commit's byte offset and its `CommitFacts` (what it changed, without its diffs),
reads the file again for each pass that needs the diffs, and one commit by its offset when a walk asks
for it by sha. It reads the file once to build them; through a build cache, a line the last build
decoded is not decoded again (its facts are found by the digest of its bytes).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from harvest.records import (
    CommitRecord,
    PullRequest,
    build_record,
    decode_line,
    read_records,
)

if TYPE_CHECKING:
    from harvest.dataset.cache import BuildCache

AUTOMATION_TAGS = ("[skip ci]", "[ci skip]", "[skip actions]")  # release tooling marks its own commits
BOT_AUTHORS = ("[bot]", "bot@", "dependabot", "renovate", "github-actions")


@dataclass(frozen=True, slots=True)
class CommitFacts:
    """What the build reads of one commit besides its diffs."""

    sha: str
    date: str  # the author date
    parent: str  # the first parent, "" for a root
    subject: str  # the message's first line when it speaks for the team (`team_subject`), else ""
    merge: bool
    paths: tuple[str, ...]  # every change's path, in the record's order (interned: many commits share one)
    renames: tuple[tuple[str, str], ...] = ()  # (old path, new path) of each rename


def commit_facts(commit: CommitRecord) -> CommitFacts:
    """The facts of `commit`, read from its record."""
    return CommitFacts(commit.sha, commit.author_date, commit.parents[0] if commit.parents else "",
                       team_subject(commit), commit.is_merge,
                       tuple(sys.intern(change.path) for change in commit.changes),
                       tuple((change.old_path, change.path) for change in commit.changes
                             if change.status == "renamed" and change.old_path))


def team_subject(commit: CommitRecord) -> str:
    """The first line of the message of a commit that speaks for the team; "" for an empty message, a merge, a
    revert, a fixup, a bot's or release automation's commit."""
    message = commit.message.strip()
    if not message or commit.is_merge or any(bot in commit.author.lower() for bot in BOT_AUTHORS) \
            or commit.message.startswith(("Merge ", "Revert \"", "fixup!", "squash!")) \
            or any(tag in commit.message for tag in AUTOMATION_TAGS):
        return ""
    return message.splitlines()[0]


def facts_of(commits: Iterable[CommitRecord]) -> Sequence[CommitFacts]:
    """The facts of `commits`, newest first: a CommitLog's own (nothing read), else read from the records given."""
    return commits.facts if isinstance(commits, CommitLog) else [commit_facts(c) for c in commits]


class CommitLog:
    """The commits of a harvest, newest first, re-read from `path` on each iteration; their facts kept from
    one first pass (through `cache` when given: `digests` then holds each line's digest, in order)."""

    def __init__(self, path: Path, cache: BuildCache | None = None) -> None:
        self.path = path
        self.facts: list[CommitFacts] = []
        self.digests: list[bytes] = []
        offsets: dict[str, int] = {}
        offset = 0
        with path.open("rb") as lines:
            for number, line in enumerate(lines, 1):
                if line.strip():
                    facts = self._facts(number, line, cache)
                    offsets[facts.sha] = offset
                    self.facts.append(facts)
                offset += len(line)
        self.by_sha = ShaIndex(path, offsets)

    def _facts(self, number: int, line: bytes, cache: BuildCache | None) -> CommitFacts:
        """A line's facts: from `cache` when it holds them (only a line once decoded has an entry, so a damaged
        one still fails, naming its line), else decoded now."""
        if cache is None:
            return commit_facts(decode_line(self.path, number, line, CommitRecord))
        line_digest = cache.key("line", line)
        self.digests.append(line_digest)
        return cache.changed.fetch(cache.key("changed", line_digest),
                                   lambda: commit_facts(decode_line(self.path, number, line, CommitRecord)),
                                   _decode_facts)

    def __iter__(self) -> Iterator[CommitRecord]:
        return read_records(self.path, CommitRecord)

    def __len__(self) -> int:
        return len(self.by_sha)


class PullRequests:
    """The pull requests of a harvest, by number, re-read from `path` on each iteration (checked once here)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        for _ in self:  # a damaged file fails when the build starts, naming its line
            pass

    def __iter__(self) -> Iterator[PullRequest]:
        return read_records(self.path, PullRequest)


class ShaIndex(Mapping[str, CommitRecord]):
    """sha → commit, read from the file at its byte offset on each lookup."""

    def __init__(self, path: Path, offsets: dict[str, int]) -> None:
        self.path = path
        self.offsets = offsets

    def __getitem__(self, sha: str) -> CommitRecord:
        offset = self.offsets[sha]
        with self.path.open("rb") as lines:
            lines.seek(offset)
            return build_record(CommitRecord, orjson.loads(lines.readline()))

    def __contains__(self, sha: object) -> bool:
        return sha in self.offsets

    def __iter__(self) -> Iterator[str]:
        return iter(self.offsets)

    def __len__(self) -> int:
        return len(self.offsets)


def index_by_sha(commits: Iterable[CommitRecord]) -> Mapping[str, CommitRecord]:
    """sha → commit: a CommitLog's own index (nothing read until asked), else a dict of the records given."""
    return commits.by_sha if isinstance(commits, CommitLog) else {c.sha: c for c in commits}


def first_parent_chain(commits: Iterable[CommitRecord], head: str) -> list[str]:
    """HEAD's first-parent chain, newest first, as far as `commits` hold it (a CommitLog's from its facts, so
    nothing is read)."""
    parents = {f.sha: f.parent for f in commits.facts} if isinstance(commits, CommitLog) else \
        {c.sha: c.parents[0] if c.parents else "" for c in commits}
    chain = []
    sha = head
    while sha in parents:
        chain.append(sha)
        sha = parents[sha]
    return chain


def dates_of(commits: Iterable[CommitRecord]) -> dict[str, str]:
    """sha → author date: a CommitLog's from its facts, else from the records given."""
    return {f.sha: f.date for f in commits.facts} if isinstance(commits, CommitLog) else \
        {c.sha: c.author_date for c in commits}


def line_offsets(path: Path) -> dict[str, int]:
    """Each commit's byte offset, found without decoding the records (see `raw_lines`)."""
    return {sha: offset for sha, offset, _ in raw_lines(path)}


def raw_lines(path: Path) -> Iterator[tuple[str, int, bytes]]:
    """Each commit's sha, byte offset and line as written, not decoded (a CommitRecord's first field is its sha,
    so every line starts `{"sha":"<hex>"`); a line that does not is a ValueError."""
    offset = 0
    prefix = b'{"sha":"'
    with path.open("rb") as lines:
        for line in lines:
            if not line.startswith(prefix):
                raise ValueError(f"{path}: a line is not a commit record")
            yield line[len(prefix):line.index(b'"', len(prefix))].decode("ascii"), offset, line
            offset += len(line)


def _decode_facts(value: Any) -> CommitFacts:
    """A `changed` entry as the cache holds it; raises TypeError, KeyError or ValueError on another value."""
    strings = (value["sha"], value["date"], value["parent"], value["subject"], *value["paths"])
    renames = value["renames"]
    if type(value["merge"]) is not bool or not all(type(s) is str for s in strings) \
            or not all(len(pair) == 2 and all(type(p) is str for p in pair) for pair in renames):
        raise TypeError("not a commit's facts")
    return CommitFacts(value["sha"], value["date"], value["parent"], value["subject"], value["merge"],
                       tuple(map(sys.intern, value["paths"])), tuple((old, new) for old, new in renames))
