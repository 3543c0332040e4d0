"""Which commit last touched each unit: a line-range blame computed from the mined diffs.

Walking HEAD's first-parent chain backwards, each HEAD file's lines are checked against each commit's
hunks for the file; untouched lines are mapped to the old side of the diff and followed further (across
renames), until a commit adds the file or the mined history ends. Merges carry their diff against the first
parent, so lines a PR changed are credited to its merge. A unit's span gets the newest commit among its
lines' (the first the walk meets). No git process is started: the hunks are already in `commits.jsonl`.

The walk yields, per HEAD file, runs of lines → the crediting commit (None: older than the mined history).
A `LineHistory` (the dataset build's cache, harvest/dataset/linehistory.py) holds the runs a past build
found at its HEAD: the walk stops, file by file, at the first commit whose runs it holds and reads the
rest from them, so a re-harvest walks only the new commits.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from harvest.commitlog import first_parent_chain, index_by_sha
from harvest.records import CommitRecord, FileChange, Hunk

END = 1 << 60  # past any file's last line: the walk follows a file's whole line space, so needs no line count

Runs = list[tuple[int, str | None]]  # (first line, crediting sha or None), ascending; each up to the next


class LineHistory(Protocol):
    """Runs of past builds by (commit, path), and the runs of this build's HEAD to keep."""

    def held(self, sha: str) -> Collection[str]:
        """The paths whose runs at commit `sha` are held."""

    def runs(self, sha: str, path: str) -> Runs | None:
        """The runs of `path` at commit `sha`, None when they cannot be read."""

    def keep(self, lines: dict[str, Runs]) -> None:
        """Keep the runs of each path at this build's HEAD."""


@dataclass
class _Segment:
    """Consecutive lines of HEAD file `path`: `start`..`end` where the walk stands, `head` at HEAD."""

    path: str
    start: int
    end: int
    head: int


def last_changes(commits: Iterable[CommitRecord], head: str, spans: Mapping[str, Sequence[tuple[str, int, int]]],
                 history: LineHistory | None = None) -> dict[str, str]:
    """Map each span key to the sha that last changed its lines; spans are (key, start, end) per HEAD path.

    A span whose lines' history all runs past the mined commits (a `--max-commits` limit, a shallow clone) is
    left out of the result, so the caller can fall back to the file's last commit.
    """
    chain = first_parent_chain(commits, head)
    rank = {sha: position for position, sha in enumerate(chain)}
    lines = line_history(commits, chain, [path for path, items in spans.items() if items], history)
    found: dict[str, str] = {}
    for path, items in spans.items():
        runs = lines.get(path, [])
        starts = [start for start, _ in runs]
        for key, start, end in items:
            first = max(bisect_right(starts, start) - 1, 0)
            credited = [sha for _, sha in runs[first:bisect_right(starts, end)] if sha is not None]
            if credited:
                found[key] = min(credited, key=rank.__getitem__)  # the newest: the walk meets it first
    return found


def line_history(commits: Iterable[CommitRecord], chain: Sequence[str], paths: Iterable[str],
                 history: LineHistory | None = None) -> dict[str, Runs]:
    """Per HEAD path, the runs of its lines → the commit of `chain` (HEAD's first-parent chain, as far as
    it was mined) that last changed them; kept in `history` when given, and read from it where it holds them."""
    by_sha = index_by_sha(commits)  # a CommitLog reads just the commits of the walk
    pending = {path: [_Segment(path, 1, END, 1)] for path in paths}
    pieces: dict[str, list[tuple[int, int, str | None]]] = {path: [] for path in pending}
    for sha in chain:
        if not pending:
            break
        held = history.held(sha) if history else ()
        if held:
            for path in [path for path in pending if path in held]:
                runs = history.runs(sha, path) if history else None
                if runs is not None:
                    for segment in pending.pop(path):
                        _read(segment, runs, pieces[segment.path])
            if not pending:
                break
        moved: dict[str, list[_Segment]] = {}
        for change in by_sha[sha].changes:
            segments = pending.pop(change.path, None)
            if segments:
                moved.setdefault(change.old_path or change.path, []).extend(_follow(segments, change, sha, pieces))
        for path, segments in moved.items():
            if segments:
                pending.setdefault(path, []).extend(segments)
    for segments in pending.values():  # their history runs past the mined commits
        for segment in segments:
            pieces[segment.path].append((segment.head, segment.head + segment.end - segment.start, None))
    lines = {path: _runs(found) for path, found in pieces.items()}
    if history:
        history.keep(lines)
    return lines


def _follow(segments: list[_Segment], change: FileChange, sha: str,
            pieces: dict[str, list[tuple[int, int, str | None]]]) -> list[_Segment]:
    """Credit `sha` with the lines `change` touched; return the others mapped to the old side."""
    if change.status in ("added", "copied") or change.binary or change.skipped:
        # A new file, or a change whose lines we did not keep: every line is (conservatively) touched.
        for segment in segments:
            pieces[segment.path].append((segment.head, segment.head + segment.end - segment.start, sha))
        return []
    edited = _edited_runs(change.hunks)
    last_lines = [last for _, last in edited]
    points, offsets = _shifts(change.hunks)
    untouched = []

    def keep_untouched(segment: _Segment, start: int, end: int) -> None:
        old = start - offsets[bisect_right(points, start) - 1]
        untouched.append(_Segment(segment.path, old, old + end - start, segment.head + start - segment.start))

    for segment in segments:
        at = segment.start
        for first, last in edited[bisect_right(last_lines, segment.start - 1):]:
            if first > segment.end:
                break
            first, last = max(first, segment.start), min(last, segment.end)
            if at < first:
                keep_untouched(segment, at, first - 1)
            head = segment.head + first - segment.start
            pieces[segment.path].append((head, head + last - first, sha))
            at = last + 1
        if at <= segment.end:
            keep_untouched(segment, at, segment.end)
    return untouched


def _read(segment: _Segment, runs: Runs, found: list[tuple[int, int, str | None]]) -> None:
    """Credit `segment`'s lines as `runs` (the file's runs at the commit where the segment stands) do."""
    starts = [start for start, _ in runs]
    index = max(bisect_right(starts, segment.start) - 1, 0)
    while index < len(runs) and runs[index][0] <= segment.end:
        first = max(runs[index][0], segment.start)
        last = min(runs[index + 1][0] - 1 if index + 1 < len(runs) else END, segment.end)
        found.append((segment.head + first - segment.start, segment.head + last - segment.start, runs[index][1]))
        index += 1


def _runs(pieces: list[tuple[int, int, str | None]]) -> Runs:
    """The (first line, sha) runs of a file's credited pieces (which cover its line space without overlap),
    neighbours with the same answer merged."""
    runs: Runs = []
    for first, _last, sha in sorted(pieces, key=lambda piece: piece[0]):
        if not runs or runs[-1][1] != sha:
            runs.append((first, sha))
    return runs


def _edited_runs(hunks: Sequence[Hunk]) -> list[tuple[int, int]]:
    """The new-side lines that were added, plus the new-side neighbours of each removal, as ascending runs
    of consecutive lines (first, last)."""
    edited: set[int] = set()
    for hunk in hunks:
        for mark, _old, new in _lines(hunk):
            if mark == "+":
                edited.add(new)
            elif mark == "-":
                edited.update((new - 1, new))  # a removal sits between new lines new-1 and new
    runs: list[tuple[int, int]] = []
    for line in sorted(edited):
        if runs and runs[-1][1] == line - 1:
            runs[-1] = (runs[-1][0], line)
        else:
            runs.append((line, line))
    return runs


def _shifts(hunks: Sequence[Hunk]) -> tuple[list[int], list[int]]:
    """Where new-side line numbers stop matching the old side: from `points[i]` on, an untouched new line
    `n` was old line `n - offsets[i]`. Inside a hunk its lines count (from its header's starts); past it,
    its header's line counts do."""
    points, offsets = [0], [0]
    moved = 0  # how far the lines after the hunks so far moved
    for hunk in hunks:
        points.append(hunk.new_start)
        offsets.append(hunk.new_start - hunk.old_start)
        for mark, _old, new in _lines(hunk):
            if mark == "+":
                points.append(new + 1)
                offsets.append(offsets[-1] + 1)
            elif mark == "-":
                points.append(new)
                offsets.append(offsets[-1] - 1)
        moved += hunk.new_lines - hunk.old_lines
        points.append(hunk.new_start + hunk.new_lines)
        offsets.append(moved)
    return points, offsets


def _lines(hunk: Hunk) -> Iterator[tuple[str, int, int]]:
    """(mark, old line, new line) for each diff line; for "-" the new line is where it would sit."""
    old, new = hunk.old_start, hunk.new_start
    for text in hunk.text.split("\n"):
        mark = text[:1]
        if mark == " ":
            yield mark, old, new
            old, new = old + 1, new + 1
        elif mark == "+":
            yield mark, old, new
            new += 1
        elif mark == "-":
            yield mark, old, new
            old += 1
