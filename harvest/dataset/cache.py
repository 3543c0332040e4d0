"""The dataset build's cache: results of its pure, expensive per-item steps, kept for the next build.

A rebuild after a few new commits meets mostly the same files and completions as the last one, so the
dataset build (harvest/dataset/build.py) looks their work up here before doing it: the units of a file
(tree-sitter, `units`), its import statements (`imports`, for the conventions' import miners), its code
graph facts before binding (`facts`), its fim candidate spans (`spans`), the MinHash values of a compared
text (`sketches`), the estimated tokens of a pair's text (`tokens`), each HEAD file's line history for the
units' blame (`lines`, harvest/dataset/linehistory.py: a re-harvest's blame walks only the commits since the
last build's HEAD), and for the history, by the digest of a commit's commits.jsonl line, its facts without
its diffs (`changed`: its date, parent, subject and changed paths, harvest/commitlog.py) and its commit pairs
(`history`: judged by the quality filters, a rejected one kept without its text, harvest/pairs/commits.py),
so an unchanged commit is never decoded; and the quality verdict of every other pair (`verdicts`,
harvest/dataset/quality.py). It lives in `<home>/cache/<dataset>/` (harvest/store.py `build_cache`), one file
per kind, and holds only what was derived from already-scrubbed records, never raw repository text.

- Keyed by content: a digest of everything an entry's result depends on (path, language, text, unit lines;
  for a line history the commit, the path and what bounds the mined history below it; the settings too for
  an entry holding a quality verdict) and the stamp of the code computing it (the tool's version, the
  libraries' versions, the digest of the `harvest` package's source), so an entry from other code or other
  input is never found.
- Bounded: a build writes back only the entries it used or made (a line history it read only to replace
  it with its own HEAD's, `Entries.peek`, is not written back), all kinds together in one staged folder
  (harvest/atomic.py), so a killed build leaves the previous cache or the new one. It writes them as it
  goes and reads the last build's where they lie, holding only their offsets: the cache costs a build
  little memory however large it grows.
- Safe to read: JSON lines through orjson and numpy arrays without pickle, so a planted file cannot run
  code; a damaged or unreadable file or entry counts as absent and is recomputed.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import shutil
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import numpy as np
import orjson

from harvest import __version__
from harvest.atomic import commit_stage, new_stage, remove_leftovers
from harvest.pool import Pool, batched

T = TypeVar("T")
FORMAT = b"idiom-cache 1"  # the first line of a JSON-lines kind: any other is not ours (or an old layout)
KEY_BYTES = 16
SKETCHES = "sketches.npz"
LENGTH_BITS = 32  # an entry is one line of JSON, far below 4 GiB
LENGTH_MASK = (1 << LENGTH_BITS) - 1
AHEAD_BATCH_BYTES = 1 << 18  # source text per batch a pool worker works out ahead (`work_ahead`)
AHEAD_BATCH_MOST = 64
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
    """One kind of JSON-valued entry. Of the last build's, only where each one sits in its file is held (an
    entry is read when asked for); those this build uses or makes are written at once to the folder it
    stages (`out`), which are all it keeps. So a build holds offsets, not values, whatever the cache's size."""

    name: str
    found: dict[bytes, int] = field(default_factory=dict)  # the last build's: key → `place(offset, length)`
    source: BinaryIO | None = None  # the last build's file
    out: BinaryIO | None = None  # this build's, in the staging folder; None when the cache is only read
    written: dict[bytes, int] = field(default_factory=dict)  # key → `place(offset, length)` in `out`

    def get(self, key: bytes, decode: Callable[[Any], T]) -> T | None:
        """The entry under `key` decoded, None when there is none or it does not decode."""
        raw = self._read(key)
        value = _decoded(raw, decode)
        if value is not None and raw is not None:
            self._write(key, raw)
        return value

    def peek(self, key: bytes, decode: Callable[[Any], T]) -> T | None:
        """The entry under `key` decoded, None when there is none or it does not decode; not kept for the next
        build (for entries this build replaces with its own)."""
        return _decoded(self._read(key), decode)

    def keep(self, key: bytes) -> bool:
        """Whether there is an entry under `key`, this build's or the last one's; one of the last build's is
        carried into this build's as it is, not decoded (`get` carries those it decodes)."""
        if key in self.written:
            return True
        if self.out is None:
            return key in self.found
        raw = self._read(key)
        if raw is not None:
            self._write(key, raw)
        return raw is not None

    def put(self, key: bytes, value: Any) -> None:
        """Keep `value` (anything orjson writes: dataclasses, lists, dicts) under `key`, in place of an entry
        `keep` carried over that did not decode."""
        self._write(key, orjson.dumps(value), replace=True)

    def fetch(self, key: bytes, compute: Callable[[], T], decode: Callable[[Any], T]) -> T:
        """The entry under `key`, else `compute()`, kept."""
        found = self.get(key, decode)
        if found is None:
            found = compute()
            self.put(key, found)
        return found

    def forget_unused(self) -> None:
        """Close the last build's file once this build's stage that reads it is over (what it did not ask for
        is not written back)."""
        if self.source is not None:
            self.source.close()
        self.source, self.found = None, {}

    def load(self, path: Path) -> None:
        """Index the entries of `path`; a missing or damaged file leaves none (so everything is recomputed)."""
        try:
            source = path.open("rb")
        except UNREADABLE:
            return
        try:
            header = source.readline()
            if header.rstrip(b"\n") != FORMAT + b" " + self.name.encode():
                raise ValueError("not this kind's file")
            found, offset = {}, len(header)
            for line in source:
                key, _, value = line.partition(b" ")
                found[bytes.fromhex(key.decode("ascii"))] = place(offset + len(key) + 1, len(value.rstrip(b"\n")))
                offset += len(line)
        except UNREADABLE:  # a damaged file
            source.close()
            return
        self.forget_unused()
        self.source, self.found = source, found

    def start(self, path: Path) -> None:
        """Write this build's entries to `path` (in the staging folder) as they are used or made."""
        self.out = path.open("w+b")  # read too: an entry this build wrote may be asked for again
        self.out.write(FORMAT + b" " + self.name.encode() + b"\n")

    def close(self) -> None:
        """Close both files (this build's is complete)."""
        self.forget_unused()
        if self.out is not None:
            self.out.close()
            self.out = None

    def _read(self, key: bytes) -> bytes | None:
        if key in self.written and self.out is not None:
            self.out.flush()
            file, where = self.out, self.written[key]
        elif key in self.found and self.source is not None:
            file, where = self.source, self.found[key]
        else:
            return None
        try:
            return read_place(file, where)
        except OSError:  # an unreadable entry is an absent one
            return None

    def _write(self, key: bytes, raw: bytes, replace: bool = False) -> None:
        if self.out is None or (key in self.written and not replace):
            return
        self.out.write(key.hex().encode() + b" ")
        self.written[key] = place(self.out.tell(), len(raw))
        self.out.write(raw + b"\n")


def ahead_batches(items: Iterable[T], size: Callable[[T], int]) -> Iterator[list[T]]:
    """`items` in batches worth a trip to a pool worker: about AHEAD_BATCH_BYTES of text (`size` each), at most
    AHEAD_BATCH_MOST items."""
    return batched(items, size, AHEAD_BATCH_BYTES, AHEAD_BATCH_MOST)


def work_ahead(entries: Entries, wanted: Iterable[tuple[bytes, T]], work: Callable[[list[T]], list[Any]],
               size: Callable[[T], int], pool: Pool) -> None:
    """Work out in `pool`'s workers the values `entries` lacks among `wanted` (a key and what `work` needs for it,
    `size` its text's length), and keep them: the stage that asks for them one at a time then reads them back.
    For the per-file kinds (a file's graph facts, fim spans, import statements), which that stage worked out
    one by one in the main process while the workers sat idle."""
    missing = [(key, item) for key, item in wanted if not entries.keep(key)]
    batches = list(ahead_batches(missing, lambda pair: size(pair[1])))
    for batch, values in zip(batches, pool.ordered_map(work, ([item for _, item in b] for b in batches)), strict=True):
        for (key, _), value in zip(batch, values, strict=True):
            entries.put(key, value)


def place(offset: int, length: int) -> int:
    """Where an entry sits, as one int: a tuple of two costs three objects per entry, and at 100,000 commits
    the cache indexes about a million entries."""
    return offset << LENGTH_BITS | length


def read_place(file: BinaryIO, where: int) -> bytes:
    """The bytes at `where` (a `place`) in `file`, whatever its position; raises OSError."""
    return os.pread(file.fileno(), where & LENGTH_MASK, where >> LENGTH_BITS)


def _decoded(raw: bytes | None, decode: Callable[[Any], T]) -> T | None:
    """An entry's value decoded, None when there is none or it does not decode (a damaged entry)."""
    if raw is None:
        return None
    try:
        return decode(orjson.loads(raw))
    except (orjson.JSONDecodeError, TypeError, KeyError, ValueError, AttributeError):
        return None


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
        found = self.known(key)
        if found is None:
            found = self.kept[key] = self.compute(text)
        return found

    def known(self, key: bytes) -> Any:
        """The values under `key` (kept, or the last build's, then kept), None when there are none."""
        found = self.kept.get(key)
        if found is None:
            row = self.rows.get(key)
            if row is not None:
                # A row of the last build's array is a view of it: copies of every row reused held that array twice.
                found = self.kept[key] = self.values[row]
        return found

    def forget_unused(self) -> None:
        """Let go of the last build's rows by key once dedup and decontamination are over (its array lives on
        while rows of it are kept: they are views of it)."""
        self.rows, self.values = {}, None

    def load(self, path: Path) -> None:
        """Read `path` (an .npz of `keys` and `values`, never pickled); a damaged one leaves none."""
        try:
            with path.open("rb") as file, np.load(file, allow_pickle=False) as arrays:
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
    """The entries of one dataset's builds, by kind, the folder they are read from, and the staging folder
    this build writes them to (None for a cache only read)."""

    folder: Path
    stamp: str
    sketches: Sketches
    stage: Path | None = None
    units: Entries = field(default_factory=lambda: Entries("units"))
    spans: Entries = field(default_factory=lambda: Entries("spans"))
    tokens: Entries = field(default_factory=lambda: Entries("tokens"))
    facts: Entries = field(default_factory=lambda: Entries("facts"))
    imports: Entries = field(default_factory=lambda: Entries("imports"))
    lines: Entries = field(default_factory=lambda: Entries("lines"))
    changed: Entries = field(default_factory=lambda: Entries("changed"))
    history: Entries = field(default_factory=lambda: Entries("history"))
    verdicts: Entries = field(default_factory=lambda: Entries("verdicts"))

    @property
    def kinds(self) -> Iterable[Entries]:
        return (self.units, self.spans, self.tokens, self.facts, self.imports, self.lines, self.changed,
                self.history, self.verdicts)

    def key(self, kind: str, *parts: str | bytes) -> bytes:
        """The key of an entry of `kind` computed from `parts` by this build's code."""
        return digest(self.stamp, kind, *parts)

    def sketch(self, text: str, digest: bytes) -> Any:
        """The MinHash values of `text`, kept under its `digest` (a `harvest.dataset.dedup.Sketch`)."""
        return self.sketches.fetch(self.key("sketch", digest), text)

    def has_sketch(self, digest: bytes) -> bool:
        """Whether the MinHash values of the text of `digest` are at hand (this build's or the last one's)."""
        return self.sketches.known(self.key("sketch", digest)) is not None

    def keep_sketch(self, digest: bytes, values: Any) -> None:
        """Keep `values`, computed elsewhere (a pool worker), as the MinHash values of the text of `digest`."""
        self.sketches.kept.setdefault(self.key("sketch", digest), values)

    def kept_sketch(self, digest: bytes) -> Any:
        """The MinHash values of the text of `digest` that `has_sketch` or `sketch` found or `keep_sketch` kept
        (raises KeyError when there are none)."""
        found = self.sketches.known(self.key("sketch", digest))
        if found is None:
            raise KeyError(digest.hex())
        return found

    def save(self) -> None:
        """Replace the cache folder with the entries this build used, in one step."""
        self.close()
        if self.stage is not None:
            self.sketches.save(self.stage / SKETCHES)
            commit_stage(self.stage, self.folder)
            self.stage = None

    def discard(self) -> None:
        """Leave the cache folder as it was (a failed build): this build's entries go."""
        self.close()
        if self.stage is not None:
            shutil.rmtree(self.stage, ignore_errors=True)
            self.stage = None

    def close(self) -> None:
        """Close its files (a cache only read is done with)."""
        for kind in self.kinds:
            kind.close()


def count(value: Any) -> int:
    """A count as an entry holds it; raises TypeError on anything but a whole number."""
    if type(value) is not int:
        raise TypeError("not a count")
    return value


def open_cache(folder: Path, stamp: str, sketches: Sketches, read: bool = True, write: bool = True) -> BuildCache:
    """The cache in `folder`: with `read`, the last build's entries; with `write`, this build's are staged
    beside it (what a killed build left there cleared first, under the caller's writer lock) for `save`."""
    cache = BuildCache(folder, stamp, sketches)
    if read:
        for kind in cache.kinds:
            kind.load(folder / f"{kind.name}.jsonl")
        cache.sketches.load(folder / SKETCHES)
    if write:
        remove_leftovers(folder.parent, only=folder.name)
        cache.stage = new_stage(folder)
        for kind in cache.kinds:
            kind.start(cache.stage / f"{kind.name}.jsonl")
    return cache
