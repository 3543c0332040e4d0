"""The dataset build's cache: results of its pure, expensive per-item steps, kept for the next build.

A rebuild after a few new commits meets mostly the same files and completions as the last one, so the
dataset build (harvest/dataset/build.py) looks their work up here before doing it: the units of a file
(tree-sitter, `units`), its code graph facts before binding (`facts`), its fim candidate spans (`spans`),
the MinHash values of a compared text (`sketches`), the estimated tokens of a pair's text (`tokens`), and for
the history, by the digest of a commit's commits.jsonl line, what it changed (`changed`: the hub files and
renames, harvest/pairs/history.py) and its commit pairs (`history`: judged by the quality filters, a rejected
one kept without its text, harvest/pairs/commits.py), so an unchanged commit is never decoded; and the quality
verdict of every other pair (`verdicts`, harvest/dataset/quality.py). It lives in `<home>/cache/<dataset>/`
(harvest/store.py `build_cache`), one file per kind, and holds only what was derived from already-scrubbed
records, never raw repository text.

- Keyed by content: a digest of everything an entry's result depends on (path, language, text, unit lines;
  the settings too for an entry holding a quality verdict) and the stamp of the code computing it (the
  tool's version, the libraries' versions, the digest of the `harvest` package's source), so an entry from
  other code or other input is never found.
- Bounded: a build writes back only the entries it used or made, all kinds together in one staged folder
  (harvest/atomic.py), so a killed build leaves the previous cache or the new one.
- Safe to read: JSON lines through orjson and numpy arrays without pickle, so a planted file cannot run
  code; a damaged or unreadable file or entry counts as absent and is recomputed.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import orjson

from harvest import __version__
from harvest.atomic import remove_leftovers, staged_dir

T = TypeVar("T")
FORMAT = b"idiom-cache 1"  # the first line of a JSON-lines kind: any other is not ours (or an old layout)
KEY_BYTES = 16
SKETCHES = "sketches.npz"
UNREADABLE = (OSError, ValueError, KeyError, TypeError, EOFError, UnicodeDecodeError, zipfile.BadZipFile)


def digest(*parts: str | bytes) -> bytes:
    """A key from its parts (joined so that no two lists of parts give the same bytes)."""
    hasher = hashlib.blake2b(digest_size=KEY_BYTES)
    for part in parts:
        data = part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass")
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.digest()


@lru_cache(maxsize=8)
def code_stamp(libraries: tuple[str, ...]) -> str:
    """The version of the code computing the entries: the tool's version, the `libraries`' versions and a
    digest of the `harvest` package's source (a checkout between releases changes it too)."""
    source = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    for path in sorted(package.rglob("*.py")):
        source.update(path.relative_to(package).as_posix().encode())
        source.update(path.read_bytes())
    versions = [f"{name}={_version(name)}" for name in libraries]
    return "\x00".join((__version__, *versions, source.hexdigest()))


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return ""


@dataclass
class Entries:
    """One kind of JSON-valued entry: those the last build kept (encoded, decoded only when asked for) and
    those this build used or made, which are all it writes back."""

    name: str
    loaded: dict[bytes, bytes] = field(default_factory=dict)
    kept: dict[bytes, bytes] = field(default_factory=dict)

    def get(self, key: bytes, decode: Callable[[Any], T]) -> T | None:
        """The entry under `key` decoded, None when there is none or it does not decode."""
        raw = self.kept.get(key) or self.loaded.pop(key, None)
        if raw is None:
            return None
        try:
            value = decode(orjson.loads(raw))
        except (orjson.JSONDecodeError, TypeError, KeyError, ValueError, AttributeError):
            return None
        self.kept[key] = raw
        return value

    def put(self, key: bytes, value: Any) -> None:
        """Keep `value` (anything orjson writes: dataclasses, lists, dicts) under `key`."""
        # A copy sized to fit: orjson shrinks its output in place, and the freed tails of a build's worth of
        # entries, interleaved with what lives on, held several times their size (a cold sqlalchemy build: +0.6 GB).
        self.kept[key] = bytes(memoryview(orjson.dumps(value)))

    def fetch(self, key: bytes, compute: Callable[[], T], decode: Callable[[Any], T]) -> T:
        """The entry under `key`, else `compute()`, kept."""
        found = self.get(key, decode)
        if found is None:
            found = compute()
            self.put(key, found)
        return found

    def forget_unused(self) -> None:
        """Let go of the last build's entries this one did not ask for, once its stage is over (they would not
        be written back anyway)."""
        self.loaded = {}

    def load(self, path: Path) -> None:
        """Read the entries of `path`; a missing or damaged file leaves none (so everything is recomputed)."""
        try:
            with path.open("rb") as lines:
                if lines.readline().rstrip(b"\n") != FORMAT + b" " + self.name.encode():
                    return
                loaded = {}
                for line in lines:
                    key, _, value = line.rstrip(b"\n").partition(b" ")
                    loaded[bytes.fromhex(key.decode("ascii"))] = value
        except UNREADABLE:  # a damaged file
            return
        self.loaded = loaded

    def save(self, path: Path) -> None:
        """Write the kept entries to `path` (inside the cache's staging folder)."""
        with path.open("wb") as out:
            out.write(FORMAT + b" " + self.name.encode() + b"\n")
            for key, value in self.kept.items():
                out.write(key.hex().encode() + b" " + value + b"\n")


@dataclass
class Sketches:
    """MinHash values (one row of `width` unsigned integers) by key: the last build's in two arrays, this
    build's used or new ones in a dict."""

    compute: Callable[[str], Any]  # a text -> its values, for the texts not cached
    width: int
    dtype: Any
    rows: dict[bytes, int] = field(default_factory=dict)  # key -> row of `values`
    values: Any = None
    kept: dict[bytes, Any] = field(default_factory=dict)

    def fetch(self, key: bytes, text: str) -> Any:
        """The values under `key`, else those `compute` finds for `text`, kept."""
        found = self.kept.get(key)
        if found is None:
            row = self.rows.get(key)
            found = self.values[row].copy() if row is not None else self.compute(text)  # a copy: see forget_unused
            self.kept[key] = found
        return found

    def forget_unused(self) -> None:
        """Let go of the last build's values (the rows used were copied out), once dedup and decontamination
        are over."""
        self.rows, self.values = {}, None

    def load(self, path: Path) -> None:
        """Read `path` (an .npz of `keys` and `values`, never pickled); a damaged one leaves none."""
        try:
            with np.load(path, allow_pickle=False) as arrays:
                keys, values = arrays["keys"], arrays["values"]
        except UNREADABLE:
            return
        if keys.dtype != np.uint8 or keys.ndim != 2 or keys.shape[1] != KEY_BYTES or values.dtype != self.dtype \
                or values.shape != (len(keys), self.width):
            return
        self.rows = {bytes(key): row for row, key in enumerate(keys)}
        self.values = values

    def save(self, path: Path) -> None:
        """Write the kept values to `path` (inside the cache's staging folder)."""
        keys = np.frombuffer(b"".join(self.kept), dtype=np.uint8).reshape(len(self.kept), KEY_BYTES)
        values = np.array(list(self.kept.values()), dtype=self.dtype).reshape(len(self.kept), self.width)
        with path.open("wb") as out:
            np.savez(out, keys=keys, values=values)


@dataclass
class BuildCache:
    """The entries of one dataset's builds, by kind, and the folder they are read from and written to."""

    folder: Path
    stamp: str
    sketches: Sketches
    units: Entries = field(default_factory=lambda: Entries("units"))
    spans: Entries = field(default_factory=lambda: Entries("spans"))
    tokens: Entries = field(default_factory=lambda: Entries("tokens"))
    facts: Entries = field(default_factory=lambda: Entries("facts"))
    changed: Entries = field(default_factory=lambda: Entries("changed"))
    history: Entries = field(default_factory=lambda: Entries("history"))
    verdicts: Entries = field(default_factory=lambda: Entries("verdicts"))

    @property
    def kinds(self) -> Iterable[Entries]:
        return (self.units, self.spans, self.tokens, self.facts, self.changed, self.history, self.verdicts)

    def key(self, kind: str, *parts: str | bytes) -> bytes:
        """The key of an entry of `kind` computed from `parts` by this build's code."""
        return digest(self.stamp, kind, *parts)

    def sketch(self, text: str) -> Any:
        """The MinHash values of `text` (a `harvest.dataset.dedup.Sketch`)."""
        return self.sketches.fetch(self.key("sketch", text), text)

    def save(self) -> None:
        """Replace the cache folder with the entries this build used, in one step."""
        with staged_dir(self.folder) as stage:
            for kind in self.kinds:
                kind.save(stage / f"{kind.name}.jsonl")
            self.sketches.save(stage / SKETCHES)


def count(value: Any) -> int:
    """A count as an entry holds it; raises TypeError on anything but a whole number."""
    if type(value) is not int:
        raise TypeError("not a count")
    return value


def open_cache(folder: Path, stamp: str, sketches: Sketches, read: bool = True) -> BuildCache:
    """The cache in `folder` (what a killed build left there cleared first, under the caller's writer lock);
    with `read` False it starts empty."""
    cache = BuildCache(folder, stamp, sketches)
    remove_leftovers(folder.parent, only=folder.name)
    if read:
        for kind in cache.kinds:
            kind.load(folder / f"{kind.name}.jsonl")
        cache.sketches.load(folder / SKETCHES)
    return cache
