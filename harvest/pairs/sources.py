"""What pair builders read: the scrubbed harvest records plus the units found in them.

Loaded once per dataset build and shared read-only by every builder in `PAIR_BUILDERS`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from harvest.config import HarvestConfig
from harvest.records import CommitRecord, FileRecord, Pair, PullRequest, Unit

if TYPE_CHECKING:
    from harvest.dataset.cache import BuildCache
    from harvest.dataset.quality import Verdicts
    from harvest.pairs.history import History


@dataclass(frozen=True)
class Sources:
    """The harvest of one repository, indexed the ways builders look things up."""

    files: dict[str, FileRecord]
    units: tuple[Unit, ...]
    commits: Iterable[CommitRecord]  # a CommitLog in a build: each pass reads commits.jsonl again
    prs: Iterable[PullRequest]  # PullRequests in a build: each pass reads prs.jsonl again
    head: str = ""
    dates: dict[str, str] = field(default_factory=dict)  # commit sha -> author date
    config: HarvestConfig = field(default_factory=HarvestConfig)  # the builders' settings (`fim_*`)
    cache: BuildCache | None = None  # the dataset build's cache of per-content work (fim's spans, commit pairs)
    history: History | None = None  # what each commit changed, read once per build (hubs, renames, line digests)
    verdicts: Verdicts | None = None  # the quality verdicts of the commit pairs, found as they are built

    def date_of(self, sha: str) -> str:
        """The author date of `sha`, or "" when that commit was not mined."""
        return self.dates.get(sha, "")


def pair_id(kind: str, *parts: str) -> str:
    """A stable id from the pair's kind and what it was built from."""
    digest = hashlib.sha1("\x00".join((kind, *parts)).encode("utf-8")).hexdigest()
    return f"{kind}-{digest[:12]}"


def make_pair(sources: Sources, kind: str, language: str, path: str, prompt: str, completion: str, *,
              context: str = "", commit: str = "", files: tuple[str, ...] = (), key: str = "",
              unit: str = "") -> Pair:
    """A Pair with its id, date and files filled in the one way every builder does it.

    `key` makes the id unique where the prompt alone might not be (a unit id, a commit sha); `unit` is the
    id of the unit the completion is, when it is one.
    """
    return Pair(
        id=pair_id(kind, path, key or prompt, commit), kind=kind, language=language, path=path,
        prompt=prompt, completion=completion, context=context, commit=commit,
        date=sources.date_of(commit), files=files or ((path,) if path else ()), unit=unit,
    )
