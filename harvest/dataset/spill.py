"""The pairs' text held on disk between the quality filters and the writers of a dataset build.

A long history makes a few hundred thousand pairs (two per commit), and held whole their text was the
largest term of a build's memory. The stages after the filters read a pair's id, kind, paths, files, date and
split, and dedup and decontamination its fingerprint (harvest/dataset/dedup.py: a digest and a MinHash sketch
of the text it is compared by, which the build cache keeps by the digest); only the writers read its text
(harvest/dataset/build.py). So once the pairs that passed the filters hold IN_MEMORY_BYTES of text, each
further one is written here, its fingerprint's digest kept, and the pair held without its text; `whole`
reads the text back for the writers. A build's memory then grows by at most that much text and a few dozen
bytes per pair, however long the history; and a build that never reaches it (most repositories: the
bench's generated 20,000-commit history's pairs hold 56 MB) pays nothing for the file.

The file is anonymous (`tempfile.TemporaryFile`) in the idiom home, so it vanishes when the build ends, fails
or is killed, and it never leaves the `.idiom/` folder. What it holds is already scrubbed text.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from operator import attrgetter
from pathlib import Path
from typing import BinaryIO

import orjson

from harvest.dataset.cache import place, read_place
from harvest.records import Pair, copier

TEXT_FIELDS = ("prompt", "completion", "context", "prefix", "suffix")
texts_of = attrgetter(*TEXT_FIELDS)
with_texts = copier(Pair, TEXT_FIELDS)
IN_MEMORY_BYTES = 64 << 20  # pair text kept in memory before pairs are held without it
PLACE_BYTES = 12  # a `place`: a 32-bit length below an offset (an int of 64 bits holds files up to 4 GiB only)


@contextmanager
def spilled_texts(folder: Path) -> Iterator[SpilledTexts]:
    """A holder of pairs' text in an anonymous file in `folder`, removed when the block ends."""
    with tempfile.TemporaryFile(dir=folder, prefix="spilled-pairs-") as file:
        yield SpilledTexts(file, IN_MEMORY_BYTES)


class SpilledTexts:
    """Pairs' text, by pair id, in `file`, and their fingerprints in memory.

    The first pairs keep their text until they hold `in_memory` bytes of it, and their fingerprints are kept
    too, so dedup and decontamination do not work them out again. A pair held is known by its empty completion
    (the quality filters reject a blank one) and its id; a pair whose id is already held keeps its text in
    memory, so two pairs sharing an id never swap texts, and neither has its fingerprint kept by id."""

    def __init__(self, file: BinaryIO, in_memory: int) -> None:
        self.file = file
        self.in_memory = in_memory  # bytes of text pairs may still keep
        # pair id -> the `place` of its texts in the file (PLACE_BYTES), then its fingerprint: one object a pair
        self.held: dict[str, bytes] = {}
        # pair id -> the fingerprint of a pair kept whole (None once two pairs share the id): at most as many
        # as `in_memory` bytes of text make
        self.prints: dict[str, bytes | None] = {}
        self.end = 0  # the file's length, written or not
        self.unflushed = False

    def hold(self, pair: Pair, fingerprint: bytes) -> Pair:
        """`pair` without its text, the text written to the file and its `fingerprint` (a short digest of it)
        kept; or `pair` itself, kept whole, while pairs may keep their text (its fingerprint kept), or when it
        has no completion or its id is held already."""
        if self.in_memory > 0:
            self.in_memory -= text_size(pair)
            self.prints[pair.id] = None if pair.id in self.prints else fingerprint
            return pair
        if not pair.completion or pair.id in self.held or pair.id in self.prints:
            if pair.id in self.prints:
                self.prints[pair.id] = None
            return pair
        raw = orjson.dumps(texts_of(pair))
        self.held[pair.id] = place(self.end, len(raw)).to_bytes(PLACE_BYTES, "little") + fingerprint
        self.file.write(raw)
        self.end += len(raw)
        self.unflushed = True
        return with_texts(pair, "", "", "", "", "")

    def whole(self, pair: Pair) -> Pair:
        """`pair` with its text read back when it was held without it; else `pair` itself."""
        held = None if pair.completion else self.held.get(pair.id)
        if held is None:
            return pair
        if self.unflushed:
            self.file.flush()
            self.unflushed = False
        where = int.from_bytes(held[:PLACE_BYTES], "little")
        return with_texts(pair, *orjson.loads(read_place(self.file, where)))

    def fingerprint(self, pair: Pair) -> bytes | None:
        """The fingerprint kept of `pair`; None for a pair with its text whose fingerprint was not kept (it is
        worked out from the text)."""
        if pair.completion:
            return self.prints.get(pair.id)
        held = self.held.get(pair.id)
        return None if held is None else held[PLACE_BYTES:]


def text_size(pair: Pair) -> int:
    """The characters of a pair's text."""
    return sum(map(len, texts_of(pair)))
