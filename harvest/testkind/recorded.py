"""The test-discovery profile a harvest recorded in its manifest, read back at request time (the editor,
lint, routing) so a path is classified there as the harvest classified it."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import orjson

from harvest.store import MANIFEST, Artifacts
from harvest.testkind.profile import DiscoveryProfile


def recorded_profile(repo: Path, name: str = "") -> DiscoveryProfile | None:
    """The profile of the repository's harvest `name` (the one `Artifacts` chooses when empty); None when
    there is no such harvest or it predates profiles: then the runners' defaults apply."""
    chosen = Artifacts(repo).find_harvest(name)
    return harvest_profile(chosen) if chosen else None


def harvest_profile(harvest: Path) -> DiscoveryProfile | None:
    """The profile recorded in the harvest folder `harvest`; None when it has none."""
    manifest = harvest / MANIFEST
    try:
        return _load(manifest, manifest.stat().st_mtime_ns)
    except OSError:
        return None


@lru_cache(maxsize=8)  # one object per manifest version: kind_of caches its answers by profile identity
def _load(manifest: Path, _mtime: int) -> DiscoveryProfile | None:
    try:
        data = orjson.loads(manifest.read_bytes()).get("tests")
    except (OSError, orjson.JSONDecodeError, AttributeError):
        return None
    return DiscoveryProfile.from_json(data) if isinstance(data, dict) else None
