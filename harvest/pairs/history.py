"""What each commit changed, read once per dataset build: the hub files and the renames the history needs.

The commit pairs (harvest/pairs/commits.py) leave hub files (changed by most commits: changelogs, version
files) out of the commits not about them alone, and the deprecation judge (harvest/units/deprecation.py)
follows each path to its last name. Both need only each commit's changed paths, never its diffs, and the
build asks once (harvest/dataset/build.py). From a CommitLog with a build cache, each commit's paths come
from the `changed` entry keyed by the digest of its commits.jsonl line, so an unchanged commit is read but
not decoded; the same digests then key the commit pairs' entries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from harvest.commitlog import CommitLog, decode_without_diffs, raw_lines, without_diffs
from harvest.records import CommitRecord

if TYPE_CHECKING:
    from harvest.dataset.cache import BuildCache

HUB_SHARE = 0.2  # a file changed by more than this share of commits is a hub
HUB_MIN_COMMITS = 50


@dataclass(frozen=True)
class Changed:
    """What one commit changed, without its diffs."""

    merge: bool
    paths: tuple[str, ...]  # every change's path, in the record's order
    renames: tuple[tuple[str, str], ...] = ()  # (old path, new path) of each rename


@dataclass(frozen=True)
class CommitLine:
    """One commit of commits.jsonl as the pair builders find it: its sha, its line's digest and the hub
    files it changes (what its pairs depend on besides the line)."""

    sha: str
    digest: bytes
    hubs: tuple[str, ...]


@dataclass(frozen=True)
class History:
    """The hub files and renames of a history; with the commits' lines when read through a build cache."""

    hubs: frozenset[str]
    renamed: dict[str, str]  # old path -> the path it was last renamed to (chains followed)
    lines: tuple[CommitLine, ...] = ()  # newest first; empty without a build cache


def read_history(commits: Iterable[CommitRecord], cache: BuildCache | None = None) -> History:
    """The hubs and renames of `commits` (newest first); a CommitLog's through `cache` when one is given."""
    if cache is None or not isinstance(commits, CommitLog):
        changed = [_changed(commit) for commit in without_diffs(commits)]
        return History(_hubs(changed), _renamed(changed))
    shas, digests, changed = [], [], []
    for sha, _, line in raw_lines(commits.path):
        line_digest = cache.key("line", line)
        shas.append(sha)
        digests.append(line_digest)
        changed.append(cache.changed.fetch(cache.key("changed", line_digest),
                                           lambda line=line: _changed(decode_without_diffs(line)), _decode_changed))
    hubs = _hubs(changed)
    lines = tuple(CommitLine(sha, line_digest, tuple(sorted(hubs.intersection(c.paths))))
                  for sha, line_digest, c in zip(shas, digests, changed, strict=True))
    return History(hubs, _renamed(changed), lines)


def hub_files(commits: Iterable[CommitRecord]) -> frozenset[str]:
    """Files most commits touch (release notes, changelogs, version files), once history is long enough."""
    return _hubs(_changed(commit) for commit in without_diffs(commits))


def _hubs(changed: Iterable[Changed]) -> frozenset[str]:
    plain = 0
    touched: Counter[str] = Counter()
    for commit in changed:
        if not commit.merge:
            plain += 1
            touched.update(commit.paths)
    if plain < HUB_MIN_COMMITS:
        return frozenset()
    return frozenset(path for path, n in touched.items() if n / plain > HUB_SHARE)


def _renamed(changed: Iterable[Changed]) -> dict[str, str]:
    """Old path → the path it was last renamed to (following chains), from newest-first commits."""
    moved: dict[str, str] = {}
    for commit in changed:
        for old, new in commit.renames:
            moved.setdefault(old, moved.get(new, new))
    return moved


def _changed(commit: CommitRecord) -> Changed:
    return Changed(commit.is_merge, tuple(change.path for change in commit.changes),
                   tuple((change.old_path, change.path) for change in commit.changes
                         if change.status == "renamed" and change.old_path))


def _decode_changed(value: Any) -> Changed:
    """A `changed` entry as the cache holds it; raises TypeError, KeyError or ValueError on another value."""
    merge, paths, renames = value["merge"], value["paths"], value["renames"]
    if type(merge) is not bool or not all(type(p) is str for p in paths) \
            or not all(len(pair) == 2 and all(type(p) is str for p in pair) for pair in renames):
        raise TypeError("not a commit's changed paths")
    return Changed(merge, tuple(paths), tuple((old, new) for old, new in renames))

