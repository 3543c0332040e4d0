"""Which commit last touched each unit: a line-range blame computed from the mined diffs.

Walking HEAD's first-parent chain backwards, a unit's span is checked against each commit's hunks for
its file; an untouched span is mapped to the old side of the diff and followed further (across renames).
Merges carry their diff against the first parent, so lines a PR changed are credited to its merge.
No git process is started: the hunks are already in `commits.jsonl`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from harvest.commitlog import index_by_sha
from harvest.records import CommitRecord, FileChange, Hunk


@dataclass
class _Span:
    key: str
    start: int
    end: int


def last_changes(commits: Iterable[CommitRecord], head: str,
                 spans: dict[str, Sequence[tuple[str, int, int]]]) -> dict[str, str]:
    """Map each span key to the sha that last changed its lines; spans are (key, start, end) per HEAD path.

    A span whose history runs past the mined commits (a `--max-commits` limit, a shallow clone) is left out
    of the result, so the caller can fall back to the file's last commit.
    """
    by_sha = index_by_sha(commits)  # a CommitLog reads just the commits of the walk
    pending = {path: [_Span(*s) for s in items] for path, items in spans.items() if items}
    found: dict[str, str] = {}
    sha = head
    while pending and sha in by_sha:
        commit = by_sha[sha]
        for change in commit.changes:
            path = change.path
            if path not in pending:
                continue
            still = _follow(pending.pop(path), change, commit.sha, found)
            if still:
                pending[change.old_path or path] = still
        sha = commit.parents[0] if commit.parents else ""
    return found


def _follow(spans: list[_Span], change: FileChange, sha: str, found: dict[str, str]) -> list[_Span]:
    """Credit `sha` with the spans `change` touched; return the others mapped to the old side."""
    if change.status in ("added", "copied") or change.binary or change.skipped:
        # A new file, or a change whose lines we did not keep: every span is (conservatively) touched.
        for span in spans:
            found[span.key] = sha
        return []
    edited = sorted(line for hunk in change.hunks for line in _edited_lines(hunk))
    untouched = []
    for span in spans:
        first = bisect_left(edited, span.start)  # the first edited line at or after the span's start
        if first < len(edited) and edited[first] <= span.end:
            found[span.key] = sha
        else:
            untouched.append(_Span(span.key, _old_line(span.start, change.hunks), _old_line(span.end, change.hunks)))
    return untouched


def _edited_lines(hunk: Hunk) -> set[int]:
    """New-side line numbers that were added, plus the new-side neighbours of each removal."""
    edited: set[int] = set()
    for mark, _old, new in _lines(hunk):
        if mark == "+":
            edited.add(new)
        elif mark == "-":
            edited.update((new - 1, new))  # a removal sits between new lines new-1 and new
    return edited


def _old_line(line: int, hunks: Sequence[Hunk]) -> int:
    """The old-side number of new-side `line`, which no hunk added."""
    offset = 0
    for hunk in hunks:
        if line < hunk.new_start:
            break
        if line < hunk.new_start + hunk.new_lines:
            return next((old for mark, old, new in _lines(hunk) if mark == " " and new == line), line - offset)
        offset += hunk.new_lines - hunk.old_lines
    return line - offset


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
