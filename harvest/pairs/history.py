"""What each commit changed, read once per dataset build: the hub files and the renames the history needs.

The commit pairs (harvest/pairs/commits.py) leave hub files (changed by most commits: changelogs, version
files) out of the commits not about them alone, and the deprecation judge (harvest/units/deprecation.py)
follows each path to its last name. Both need only each commit's changed paths, never its diffs, and the
build asks once (harvest/dataset/build.py). A CommitLog read through a build cache already holds each
commit's paths (`CommitFacts`) and the digest of its commits.jsonl line, which then keys the commit pairs'
entries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from harvest.commitlog import CommitFacts, CommitLog, facts_of
from harvest.records import CommitRecord

HUB_SHARE = 0.2  # a file changed by more than this share of commits is a hub
HUB_MIN_COMMITS = 50


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


def read_history(commits: Iterable[CommitRecord]) -> History:
    """The hubs and renames of `commits` (newest first); with their lines when they are a CommitLog read through
    a build cache."""
    facts = facts_of(commits)
    hubs = _hubs(facts)
    digests = commits.digests if isinstance(commits, CommitLog) else []
    lines = tuple(CommitLine(f.sha, line_digest, tuple(sorted(hubs.intersection(f.paths))))
                  for f, line_digest in zip(facts, digests, strict=True)) if digests else ()
    return History(hubs, _renamed(facts), lines)


def hub_files(commits: Iterable[CommitRecord]) -> frozenset[str]:
    """Files most commits touch (release notes, changelogs, version files), once history is long enough."""
    return _hubs(facts_of(commits))


def _hubs(changed: Iterable[CommitFacts]) -> frozenset[str]:
    plain = 0
    touched: Counter[str] = Counter()
    for commit in changed:
        if not commit.merge:
            plain += 1
            touched.update(commit.paths)
    if plain < HUB_MIN_COMMITS:
        return frozenset()
    return frozenset(path for path, n in touched.items() if n / plain > HUB_SHARE)


def _renamed(changed: Iterable[CommitFacts]) -> dict[str, str]:
    """Old path → the path it was last renamed to (following chains), from newest-first commits."""
    moved: dict[str, str] = {}
    for commit in changed:
        for old, new in commit.renames:
            moved.setdefault(old, moved.get(new, new))
    return moved
