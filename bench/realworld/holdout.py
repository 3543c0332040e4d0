"""Which code files the matrix holds out of the harvest: about a tenth, chosen by a seeded hash of the path.

The same path is held out in every run and on every machine, whatever else the repository holds, so two
runs of the matrix (before and after a change to the product) look at the same files. Code means a file in
a language the product parses, tests included.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from harvest.classify import language_of
from harvest.units import EXTRACTORS

SHARE = 0.10
SEED = "realworld-matrix"


def code_files(paths: Iterable[str]) -> list[str]:
    """The paths in a language the product parses (its code-unit extractors), sorted."""
    return sorted(p for p in paths if language_of(p) in EXTRACTORS)


def held_out(paths: Iterable[str], share: float = SHARE, seed: str = SEED) -> list[str]:
    """The code files among `paths` whose seeded hash falls below `share`, sorted."""
    return [p for p in code_files(paths) if draw(p, seed) < share]


def draw(path: str, seed: str = SEED) -> float:
    """A stable number in [0, 1) for `path` under `seed`."""
    digest = hashlib.sha256(f"{seed}\0{path}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def sample(paths: Iterable[str], count: int, seed: str = SEED) -> list[str]:
    """At most `count` of `paths`, the same ones every run (lowest draws), in path order."""
    return sorted(sorted(paths, key=lambda p: draw(p, seed + ":sample"))[:count])
