"""The mined history as views over `commits.jsonl` and `prs.jsonl`: read again on each pass, never held whole.

The dataset build (harvest/dataset/build.py) walks the history several times (the line-range blame,
commit pairs, hub files, renames, commit subjects, review pairs and rules). Holding every CommitRecord
and PullRequest with its hunks made its memory grow with the length of the history (issue 19); a
CommitLog holds each commit's byte offset alone, reads the file again for each pass, and one commit by
its offset when a walk asks for it by sha.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import orjson

from harvest.records import (
    CommitRecord,
    PullRequest,
    build_record,
    decode_line,
    read_records,
)


class CommitLog:
    """The commits of a harvest, newest first, re-read from `path` on each iteration."""

    def __init__(self, path: Path) -> None:
        self.path = path
        offsets, self.dates, self.first_parents = _offsets(path)
        self.by_sha = ShaIndex(path, offsets)

    def __iter__(self) -> Iterator[CommitRecord]:
        return read_records(self.path, CommitRecord)

    def __len__(self) -> int:
        return len(self.by_sha)

    def without_diffs(self) -> Iterator[CommitRecord]:
        """The commits with every change's hunks left out, decoding the rest of each line only (most of a
        record, and of the time spent decoding it, is its hunks)."""
        with self.path.open("rb") as lines:
            for line in lines:
                if line.strip():
                    yield decode_without_diffs(line)


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


def without_diffs(commits: Iterable[CommitRecord]) -> Iterable[CommitRecord]:
    """The commits for a pass that reads no diff: a CommitLog's without their hunks, other iterables as they are."""
    return commits.without_diffs() if isinstance(commits, CommitLog) else commits


def first_parent_chain(commits: Iterable[CommitRecord], head: str) -> list[str]:
    """HEAD's first-parent chain, newest first, as far as `commits` hold it (a CommitLog's kept parents, so
    nothing is read)."""
    parents = commits.first_parents if isinstance(commits, CommitLog) else \
        {c.sha: c.parents[0] if c.parents else "" for c in commits}
    chain = []
    sha = head
    while sha in parents:
        chain.append(sha)
        sha = parents[sha]
    return chain


def dates_of(commits: Iterable[CommitRecord]) -> dict[str, str]:
    """sha → author date: a CommitLog's own (kept from its first pass), else from the records given."""
    return commits.dates if isinstance(commits, CommitLog) else {c.sha: c.author_date for c in commits}


def _offsets(path: Path) -> tuple[dict[str, int], dict[str, str], dict[str, str]]:
    """Each commit's byte offset, author date and first parent ("" for a root); every record is decoded once,
    so a damaged file fails here, naming its line, as reading it into memory did."""
    offsets: dict[str, int] = {}
    dates: dict[str, str] = {}
    first_parents: dict[str, str] = {}
    offset = 0
    with path.open("rb") as lines:
        for number, line in enumerate(lines, 1):
            if line.strip():
                commit = decode_line(path, number, line, CommitRecord)
                offsets[commit.sha] = offset
                dates[commit.sha] = commit.author_date
                first_parents[commit.sha] = commit.parents[0] if commit.parents else ""
            offset += len(line)
    return offsets, dates, first_parents


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


def decode_without_diffs(line: bytes) -> CommitRecord:
    """The commit of a commits.jsonl line with every change's hunks left out, decoding the rest only (most of a
    record, and of the time spent decoding it, is its hunks)."""
    value = orjson.loads(line)
    for change in value.get("changes", ()):
        change.pop("hunks", None)
    return build_record(CommitRecord, value)
