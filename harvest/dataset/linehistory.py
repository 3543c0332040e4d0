"""The dataset build's line histories: each HEAD file's runs of lines → the commit that last changed them,
kept in the build cache (harvest/dataset/cache.py, kind `lines`) for the next build's line-range blame.

The blame (harvest/units/lastchange.py) walks HEAD's first-parent chain through every mined diff. A
re-harvest's HEAD descends from the last one, so its walk stops, file by file, at the last build's HEAD and
reads the older answers from the runs kept there. What a file's runs at a commit say depends on that commit
and path, and on the mined history below it: where HEAD's mined chain ends (a `--max-commits` or `--since`
limit, a shallow clone) and the settings a commit's record was mined with (the harvest's manifest), so all
of them are in the key. Only commit shas and line numbers are kept, no text.
"""

from __future__ import annotations

from collections.abc import Collection
from itertools import pairwise
from typing import Any

import orjson

from harvest.dataset.cache import BuildCache
from harvest.units.lastchange import Runs

# The settings that decide which commits are mined and what their records hold (harvest/mining).
MINING = ("max_file_bytes", "deprecated_paths", "exclude_paths", "vendored_dirs", "refs", "all_refs", "since",
          "max_commits", "max_hunk_bytes")


class CachedLineHistory:
    """The runs past builds kept, by (commit, path), and this build's HEAD runs to keep (a `LineHistory`)."""

    def __init__(self, cache: BuildCache, head: str, chain_end: str, manifest: dict[str, Any]) -> None:
        self.entries = cache.lines
        self.head = head
        self.scope = (mined_history(manifest), chain_end)
        self.key = cache.key

    def held(self, sha: str) -> Collection[str]:
        """The paths whose runs at `sha` a past build kept (its HEAD's files)."""
        return self.entries.peek(self.key("lines", *self.scope, sha), _decode_paths) or ()

    def runs(self, sha: str, path: str) -> Runs | None:
        """The runs of `path` at `sha`, None when there are none or they are damaged."""
        return self.entries.peek(self.key("lines", *self.scope, sha, path), _decode_runs)

    def keep(self, lines: dict[str, Runs]) -> None:
        """Keep each path's runs at this build's HEAD, and which paths they are."""
        for path, runs in lines.items():
            self.entries.put(self.key("lines", *self.scope, self.head, path), runs)
        self.entries.put(self.key("lines", *self.scope, self.head), sorted(lines))


def mined_history(manifest: dict[str, Any]) -> str:
    """What the harvest recorded about how its commits were mined: the tool, the mining settings, a shallow
    clone, the allowlist (scrubbing) and diffs left out for missing objects."""
    config, inputs, counts = (_table(manifest.get(part)) for part in ("config", "inputs", "counts"))
    return orjson.dumps([manifest.get("tool"), {name: config.get(name) for name in MINING}, manifest.get("shallow"),
                         inputs.get("allowlist_sha256"), counts.get("missing_diffs")]).decode()


def _table(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _decode_paths(value: Any) -> frozenset[str]:
    """The paths of a commit's kept runs; raises TypeError on anything else."""
    if not isinstance(value, list) or not all(isinstance(path, str) for path in value):
        raise TypeError("not a list of paths")
    return frozenset(value)


def _decode_runs(value: Any) -> Runs:
    """A file's runs as the cache holds them: [first line, sha or null] pairs from line 1 up; raises TypeError
    or ValueError on anything else."""
    runs = [(first, sha) for first, sha in value]
    if not runs or runs[0][0] != 1 or any(type(first) is not int or not (sha is None or isinstance(sha, str))
                                          for first, sha in runs):
        raise TypeError("not runs of lines")
    if any(later <= earlier for (earlier, _), (later, _) in pairwise(runs)):
        raise ValueError("runs out of order")
    return runs
