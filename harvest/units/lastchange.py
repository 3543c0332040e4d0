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

import re
from bisect import bisect_right
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from harvest.commitlog import first_parent_chain, index_by_sha
from harvest.records import CommitRecord, FileChange, Hunk

END = 1 << 60  # past any file's last line: the walk follows a file's whole line space, so needs no line count

BLOCK = re.compile(r"^([ +-]).*(?:\n\1.*)*", re.MULTILINE)  # consecutive diff lines of one kind
Runs = list[tuple[int, str | None]]  # (first line, crediting sha or None), ascending; each up to the next


class LineHistory(Protocol):
    """Runs of past builds by (commit, path), and the runs of this build's HEAD to keep."""

    def held(self, sha: str) -> Collection[str]:
        """The paths whose runs at commit `sha` are held."""

    def runs(self, sha: str, path: str) -> Runs | None:
        """The runs of `path` at commit `sha`, None when they cannot be read."""

    def keep(self, lines: dict[str, Runs]) -> None:
        """Keep the runs of each path at this build's HEAD."""


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
    rank = {sha: position for position, sha in enumerate(chain)}
    whole = np.array([1], dtype=np.int64)
    pending = {path: [_Lines(path, whole, np.array([END], dtype=np.int64), whole)] for path in paths}
    pieces: dict[str, list[tuple[np.ndarray, str | None]]] = {path: [] for path in pending}
    for sha in chain:
        if not pending:
            break
        held = history.held(sha) if history else ()
        if held:
            for path in [path for path in pending if path in held]:
                runs = history.runs(sha, path) if history else None
                # Runs crediting a commit that is not this one or below it are not from this history.
                if runs is not None and all(rank.get(credit, -1) >= rank[sha] for _, credit in runs if credit):
                    for lines in pending.pop(path):
                        _read(lines, runs, pieces[lines.path])
            if not pending:
                break
        moved: dict[str, list[_Lines]] = {}
        for change in by_sha[sha].changes:
            for lines in pending.pop(change.path, ()):
                still = _follow(lines, change, sha, pieces[lines.path])
                if len(still.starts):
                    moved.setdefault(change.old_path or change.path, []).append(still)
        for path, followed in moved.items():
            pending.setdefault(path, []).extend(followed)
    for groups in pending.values():  # their history runs past the mined commits
        for lines in groups:
            pieces[lines.path].append((lines.heads, None))
    found = {path: _runs(credited) for path, credited in pieces.items()}
    if history:
        history.keep(found)
    return found


@dataclass
class _Lines:
    """Lines of HEAD file `path` the walk still follows: `starts[i]`..`ends[i]` where it stands, which were
    lines `heads[i]`.. at HEAD (arrays: a file is followed as hundreds of stretches between credited lines)."""

    path: str
    starts: np.ndarray
    ends: np.ndarray
    heads: np.ndarray


def _follow(lines: _Lines, change: FileChange, sha: str, credited: list[tuple[np.ndarray, str | None]]) -> _Lines:
    """Credit `sha` with the lines `change` touched; return the others mapped to the old side."""
    if change.status in ("added", "copied") or change.binary or change.skipped:
        # A new file, or a change whose lines we did not keep: every line is (conservatively) touched.
        credited.append((lines.heads, sha))
        return _Lines(lines.path, lines.starts[:0], lines.ends[:0], lines.heads[:0])
    firsts, lasts, points, offsets = _diff(change.hunks)
    after = np.searchsorted(lasts, lines.starts)  # the first edited stretch ending at or after each start
    touched = after < len(firsts)
    touched[touched] = firsts[after[touched]] <= lines.ends[touched]
    kept = ~touched
    starts, ends, heads = [lines.starts[kept]], [lines.ends[kept]], [lines.heads[kept]]
    split: list[tuple[int, int, int]] = []
    hits: list[int] = []
    for index in np.flatnonzero(touched).tolist():  # split around the edited stretches inside
        start, end, head = int(lines.starts[index]), int(lines.ends[index]), int(lines.heads[index])
        at, stretch = start, int(after[index])
        while stretch < len(firsts) and firsts[stretch] <= end:
            first, last = max(int(firsts[stretch]), start), min(int(lasts[stretch]), end)
            if at < first:
                split.append((at, first - 1, head + at - start))
            hits.append(head + first - start)
            at, stretch = last + 1, stretch + 1
        if at <= end:
            split.append((at, end, head + at - start))
    if hits:
        credited.append((np.array(hits, dtype=np.int64), sha))
    if split:
        extra = np.array(split, dtype=np.int64)
        starts.append(extra[:, 0])
        ends.append(extra[:, 1])
        heads.append(extra[:, 2])
    start_at, end_at, head_at = np.concatenate(starts), np.concatenate(ends), np.concatenate(heads)
    shift = offsets[np.searchsorted(points, start_at, side="right") - 1]
    return _Lines(lines.path, start_at - shift, end_at - shift, head_at)


def _read(lines: _Lines, runs: Runs, credited: list[tuple[np.ndarray, str | None]]) -> None:
    """Credit `lines` as `runs` (their file's runs at the commit where the walk stands) do."""
    starts = [start for start, _ in runs]
    for start, end, head in zip(lines.starts.tolist(), lines.ends.tolist(), lines.heads.tolist(), strict=True):
        index = max(bisect_right(starts, start) - 1, 0)
        while index < len(runs) and runs[index][0] <= end:
            credited.append((np.array([head + max(runs[index][0], start) - start], dtype=np.int64), runs[index][1]))
            index += 1


def _runs(credited: list[tuple[np.ndarray, str | None]]) -> Runs:
    """The (first line, sha) runs of a file from the first lines of its credited stretches (which tile its
    line space), neighbours with the same answer merged."""
    if not credited:
        return []
    firsts = np.concatenate([found for found, _ in credited])
    answers = [sha for found, sha in credited for _ in range(len(found))]
    runs: Runs = []
    for index in np.argsort(firsts, kind="stable").tolist():
        if not runs or runs[-1][1] != answers[index]:
            runs.append((int(firsts[index]), answers[index]))
    return runs


def _diff(hunks: Sequence[Hunk]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A change's hunks read once: the stretches of new-side lines edited (added, or next to a removal), as
    ascending first and last lines; and where new-side numbers stop matching the old side: from `points[i]`
    on, an untouched new line `n` was old line `n - offsets[i]` (inside a hunk its lines count, from its
    header's starts; past it, its header's line counts do)."""
    edited: list[list[int]] = []
    points, offsets = [0], [0]
    moved = 0  # how far the lines after the hunks so far moved
    for hunk in hunks:
        points.append(hunk.new_start)
        offsets.append(hunk.new_start - hunk.old_start)
        new = hunk.new_start  # where the next diff line sits on the new side
        for block in BLOCK.finditer(hunk.text):
            mark, count = block.group(1), block.group().count("\n") + 1
            if mark == " ":
                new += count
                continue
            if mark == "+":
                edited.append([new, new + count - 1])
                new += count
            else:
                edited.append([new - 1, new])  # removed lines sit between new lines new-1 and new
            points.append(new)
            offsets.append(offsets[-1] + (count if mark == "+" else -count))
        moved += hunk.new_lines - hunk.old_lines
        points.append(hunk.new_start + hunk.new_lines)
        offsets.append(moved)
    stretches: list[list[int]] = []
    for first, last in sorted(edited):
        if stretches and first <= stretches[-1][1] + 1:
            stretches[-1][1] = max(stretches[-1][1], last)
        else:
            stretches.append([first, last])
    ends = np.array(stretches, dtype=np.int64).reshape(-1, 2)
    return ends[:, 0].copy(), ends[:, 1].copy(), np.array(points, dtype=np.int64), np.array(offsets, dtype=np.int64)
