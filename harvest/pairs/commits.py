"""Pairs from history: how this team implements a change, and how it words its commit messages.

`commit`: the commit message plus the code around the change → the diff.
`commit-message`: the diff → the message. Merge commits are skipped: their branch commits are mined
one by one, and a squash-merged PR is an ordinary commit.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from harvest.classify import language_of
from harvest.commitlog import index_by_sha
from harvest.pairs.history import CommitLine, read_history
from harvest.pairs.sources import Sources, make_pair
from harvest.records import CommitRecord, FileChange, Pair, build_record

if TYPE_CHECKING:
    from harvest.dataset.cache import BuildCache
    from harvest.dataset.quality import Verdicts

COMMIT_KINDS = frozenset({"commit", "commit-message"})  # one commit each, revealing every file it changed
# Where each kind holds the commit's diff. Both pairs of a commit hold the same diff; decoded from the cache
# they would hold two copies of it, so it is interned wherever a pair is made or decoded.
DIFF_FIELD = {"commit": "completion", "commit-message": "context"}
# The fields many decoded pairs repeat (a commit's sha and date in both its pairs, a file's path in each commit
# that touches it, the kind, the language, the commit-message instruction): interned, each is held once.
REPEATED_FIELDS = ("kind", "language", "path", "commit", "date", "prompt")
# A hunk's context and removed lines without their mark: the old side of the hunk, line by line.
OLD_SIDE = re.compile(r"^[ -](.*)", re.MULTILINE)


def commit_pairs(sources: Sources) -> Iterator[Pair]:
    """Each commit's message and the code it changed → its diff."""
    return _history_pairs(sources, "commit")


def commit_message_pairs(sources: Sources) -> Iterator[Pair]:
    """Each commit's diff → its message, in the team's commit style."""
    return _history_pairs(sources, "commit-message")


def _history_pairs(sources: Sources, kind: str) -> Iterator[Pair]:
    history = sources.history or read_history(sources.commits)
    if history.lines and sources.cache is not None and sources.verdicts is not None:
        yield from _cached_pairs(sources, history.lines, kind, sources.cache, sources.verdicts)
        return
    for commit in sources.commits:
        built = _pairs_of(sources, commit, history.hubs).get(kind)
        if built is not None:
            yield built


def _cached_pairs(sources: Sources, lines: tuple[CommitLine, ...], kind: str, cache: BuildCache,
                  verdicts: Verdicts) -> Iterator[Pair]:
    """The `kind` pair of each commit from the build cache, else built from the commit read at its offset.

    An entry holds a commit's pair with its quality verdict (harvest/dataset/quality.py), and a pair the
    filters reject without its text: most diffs of a long history are too long to train on, and kept whole
    they would make the cache as large as the history. The verdict travels with the pair to the quality
    stage. The stages before it drop a pair by its paths and unit (deprecation, held-out files); what the
    deprecation judge reads of a pair's text sets only the weight and note of one kept, which a rejected
    pair loses anyway.
    """
    by_sha = index_by_sha(sources.commits)
    for line in lines:
        # All a commit's pairs depend on: its line, its date (make_pair's), the hubs it changes, the settings.
        parts = (line.digest, sources.date_of(line.sha), verdicts.settings, *line.hubs)
        entry = cache.history.get(cache.key("history", kind, *parts), _decode_entry)
        if entry is None:
            built = _pairs_of(sources, by_sha[line.sha], frozenset(line.hubs))
            for each in COMMIT_KINDS:
                pair = built.get(each)
                judged = () if pair is None else _judged(pair, verdicts.judge(pair))
                cache.history.put(cache.key("history", each, *parts), judged)
                if each == kind:
                    entry = judged
        if entry:
            pair, reason, detail = entry
            verdicts.known[pair.id] = (reason, detail)
            yield pair


def _judged(pair: Pair, verdict: tuple[str, str]) -> tuple[Pair, str, str]:
    """A pair as its entry holds it: whole when it passes the quality filters, else without its text."""
    reason, detail = verdict
    return (replace(pair, prompt="", completion="", context="") if reason else pair), reason, detail


def _decode_entry(value: Any) -> tuple[()] | tuple[Pair, str, str]:
    """A `history` entry: () for a commit without a pair of the kind, else (pair, reason, detail)."""
    if value == []:
        return ()
    pair, reason, detail = value
    if type(reason) is not str or type(detail) is not str:
        raise TypeError("not a quality verdict")
    for field in (*REPEATED_FIELDS, DIFF_FIELD.get(pair.get("kind"))):
        if type(pair.get(field)) is str:
            pair[field] = sys.intern(pair[field])
    if type(pair.get("files")) is list:
        pair["files"] = [sys.intern(path) if type(path) is str else path for path in pair["files"]]
    return build_record(Pair, pair), reason, detail


def _pairs_of(sources: Sources, commit: CommitRecord, hubs: frozenset[str]) -> dict[str, Pair]:
    """A commit's pairs by kind: none for a merge or a commit without a message or a diff."""
    if commit.is_merge:
        return {}
    changes = tuple(c for c in commit.changes if c.hunks and not c.skipped and not c.binary)
    # A changelog line in every commit would tie all history into one split group: show hubs only
    # in the commits that are about them alone.
    focused = tuple(c for c in changes if c.path not in hubs) or changes
    message = commit.message.strip()
    if not focused or not message:
        return {}
    diff = sys.intern(render_diff(focused))  # one string for both kinds, and for their entries decoded (DIFF_FIELD)
    context = "\n".join(_before(change) for change in focused).strip()
    paths = _paths(focused)
    return {
        "commit": make_pair(sources, "commit", _language(focused), focused[0].path,
                            f"Make this change, the way this team would:\n\n{message}", diff, context=context,
                            commit=commit.sha, files=paths, key=commit.sha),
        "commit-message": make_pair(sources, "commit-message", "text", focused[0].path,
                                    "Write the commit message for this change, in this team's style.", message,
                                    context=diff, commit=commit.sha, files=paths, key=commit.sha),
    }


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


def _before(change: FileChange) -> str:
    """The lines around a change as they were before it (context and removed lines)."""
    if change.status == "added":
        return ""
    lines = [f"{change.old_path or change.path}, before the change:"]
    for hunk in change.hunks:
        lines.append(f"(from line {hunk.old_start})")
        lines.extend(OLD_SIDE.findall(hunk.text))
    return "\n".join(lines) + "\n"


def _paths(changes: tuple[FileChange, ...]) -> tuple[str, ...]:
    return tuple(sorted({p for c in changes for p in (c.path, c.old_path) if p}))


def _language(changes: tuple[FileChange, ...]) -> str:
    languages = {language_of(c.path) for c in changes} - {""}
    return languages.pop() if len(languages) == 1 else "diff"
