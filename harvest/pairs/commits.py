"""Pairs from history: how this team implements a change, and how it words its commit messages.

`commit`: the commit message plus the code around the change → the diff.
`commit-message`: the diff → the message. Merge commits are skipped: their branch commits are mined
one by one, and a squash-merged PR is an ordinary commit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

from harvest.classify import language_of
from harvest.commitlog import without_diffs
from harvest.pairs.sources import Sources, make_pair
from harvest.records import CommitRecord, FileChange, Pair

COMMIT_KINDS = frozenset({"commit", "commit-message"})  # one commit each, revealing every file it changed
HUB_SHARE = 0.2  # a file changed by more than this share of commits is a hub
HUB_MIN_COMMITS = 50


def commit_pairs(sources: Sources) -> Iterator[Pair]:
    """Each commit's message and the code it changed → its diff."""
    for commit, changes in _commits_with_diffs(sources):
        message = commit.message.strip()
        prompt = f"Make this change, the way this team would:\n\n{message}"
        context = "\n".join(_before(change) for change in changes).strip()
        yield make_pair(sources, "commit", _language(changes), changes[0].path, prompt, render_diff(changes),
                        context=context, commit=commit.sha, files=_paths(changes), key=commit.sha)


def commit_message_pairs(sources: Sources) -> Iterator[Pair]:
    """Each commit's diff → its message, in the team's commit style."""
    for commit, changes in _commits_with_diffs(sources):
        prompt = "Write the commit message for this change, in this team's style."
        yield make_pair(sources, "commit-message", "text", changes[0].path, prompt, commit.message.strip(),
                        context=render_diff(changes), commit=commit.sha, files=_paths(changes), key=commit.sha)


def render_diff(changes: tuple[FileChange, ...]) -> str:
    """A unified diff of the kept hunks, with `---`/`+++` headers git would print."""
    parts = []
    for change in changes:
        old = "/dev/null" if change.status == "added" else f"a/{change.old_path or change.path}"
        new = "/dev/null" if change.status == "deleted" else f"b/{change.path}"
        parts.append(f"--- {old}\n+++ {new}\n")
        for hunk in change.hunks:
            body = hunk.text if hunk.text.endswith("\n") else hunk.text + "\n"
            parts.append(f"{hunk.header}\n{body}")
    return "".join(parts)


def _commits_with_diffs(sources: Sources) -> Iterator[tuple[CommitRecord, tuple[FileChange, ...]]]:
    hubs = hub_files(sources.commits)
    for commit in sources.commits:
        if commit.is_merge:
            continue
        changes = tuple(c for c in commit.changes if c.hunks and not c.skipped and not c.binary)
        # A changelog line in every commit would tie all history into one split group: show hubs only
        # in the commits that are about them alone.
        focused = tuple(c for c in changes if c.path not in hubs) or changes
        if focused and commit.message.strip():
            yield commit, focused


def hub_files(commits: Iterable[CommitRecord]) -> frozenset[str]:
    """Files most commits touch (release notes, changelogs, version files), once history is long enough."""
    plain = 0  # counted in one pass: the history is streamed, not held
    touched: Counter[str] = Counter()
    for commit in without_diffs(commits):
        if not commit.is_merge:
            plain += 1
            touched.update(change.path for change in commit.changes)
    if plain < HUB_MIN_COMMITS:
        return frozenset()
    return frozenset(path for path, n in touched.items() if n / plain > HUB_SHARE)


def _before(change: FileChange) -> str:
    """The lines around a change as they were before it (context and removed lines)."""
    if change.status == "added":
        return ""
    lines = [f"{change.old_path or change.path}, before the change:"]
    for hunk in change.hunks:
        lines.append(f"(from line {hunk.old_start})")
        lines.extend(line[1:] for line in hunk.text.split("\n") if line[:1] in (" ", "-"))
    return "\n".join(lines) + "\n"


def _paths(changes: tuple[FileChange, ...]) -> tuple[str, ...]:
    return tuple(sorted({p for c in changes for p in (c.path, c.old_path) if p}))


def _language(changes: tuple[FileChange, ...]) -> str:
    languages = {language_of(c.path) for c in changes} - {""}
    return languages.pop() if len(languages) == 1 else "diff"
