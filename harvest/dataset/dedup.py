"""Exact and near-duplicate removal of pairs, by completion (a `fim` pair's by its middle in its nearest lines).

Exact duplicates share a whitespace-normalised completion. Near-duplicates are found with MinHash LSH
(datasketch) over token 5-grams and confirmed by their estimated Jaccard similarity, so two versions of
one function that differ in a name or a line count as one example.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from harvest.records import FIM_KIND, Pair, Rejection

if TYPE_CHECKING:
    from datasketch import MinHash

# datasketch is imported only by `signature`, which tests and the bench compare `hash_values` with: its package
# imports scipy (0.4 s), which neither mining (it opens the build cache, which names this module's value type)
# nor a build's sketching needs.
HASH_DTYPE = np.dtype(np.uint32)  # a MinHash value in the "affine32" scheme `signature` uses (a test checks it)

TOKEN = re.compile(r"\w+|[^\w\s]")
SHINGLE = 5
NUM_PERM = 128
MIDDLE_MARK = "\x00"  # where a fim middle starts and ends in the text it is compared by
BAND_SEED = 19  # the band hash's multipliers are fixed: the same values always land in the same buckets
FIM_WINDOW_LINES = 3  # the lines of prefix and suffix that make a fim middle one example and not another
# A shingle's hash weighs each place's token hash by its own odd constant, so order matters (`shingle_hash`).
SHINGLE_WEIGHTS = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
                   0x94D049BB133111EB)
FMIX64 = (0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53)
MASK64 = (1 << 64) - 1
TOKEN_HASHES_MOST = 1 << 18  # distinct tokens whose hash a process keeps between texts (about 50 MB at most)
_TOKEN_HASHES: dict[str, int] = {}
# A text and its `text_digest` -> the text's MinHash values (`hash_values`'s, or the build cache's, which keeps
# them by the digest: harvest/dataset/cache.py).
Sketch = Callable[[str, bytes], Any]
Fingerprint = tuple[bytes, Any]  # a pair's `text_digest` and MinHash values of its normalised `compared` text
# A pair -> its Fingerprint (`fingerprint`, or the one a build took before it held the pair's text on disk,
# harvest/dataset/spill.py).
Fingerprints = Callable[[Pair], Fingerprint]


def compared(pair: Pair) -> str:
    """What two pairs are compared by: the completion; for a fim pair its middle, marked, with the
    FIM_WINDOW_LINES lines around it, since a middle alone (`return nil`) repeats everywhere, each time a
    different example, and the lines alone are the same for every span of a short file."""
    if pair.kind != FIM_KIND:
        return pair.completion
    before = "".join(pair.prefix.splitlines(keepends=True)[-FIM_WINDOW_LINES - 1:])  # + the middle's own line
    after = "".join(pair.suffix.splitlines(keepends=True)[:FIM_WINDOW_LINES + 1])
    return f"{before}{MIDDLE_MARK}{pair.completion}{MIDDLE_MARK}{after}"


def normalize(text: str) -> str:
    """The completion with runs of whitespace collapsed: formatting alone never makes two examples."""
    return " ".join(text.split())


def text_digest(text: str) -> bytes:
    """What an exact duplicate is found by: a digest of the normalised text (held instead of the text, which
    is long and, in a build, held on disk)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def shingles(text: str) -> set[str]:
    """The text's token 5-grams (its token set when shorter than five tokens), each its tokens joined by a space
    (a token holds no whitespace)."""
    tokens = TOKEN.findall(text)
    if len(tokens) < SHINGLE:
        return set(tokens)
    return {" ".join(tokens[i:i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1)}


def shingle_hash(shingle: bytes) -> int:
    """The 32-bit hash of a shingle (its tokens joined by a space, in UTF-8): a 64-bit BLAKE2b of each token,
    weighted by its place, summed modulo 2^64 and mixed by MurmurHash3's 64-bit finalizer, its high half
    kept. The hash function `signature` gives datasketch (its `hashfunc`); `hash_values` computes the same
    for all of a text's shingles at once, hashing each distinct token once instead of each shingle."""
    total = 0
    for weight, token in zip(SHINGLE_WEIGHTS, shingle.split(b" "), strict=False):
        total += weight * _token_hash(token)
    return _fmix64_int(total & MASK64) >> 32


def signature(text: str) -> MinHash:
    """datasketch's MinHash of the text's shingles (`shingle_hash`), with permutations drawn once: what
    `hash_values` computes faster (tests compare them)."""
    from datasketch import MinHash

    digest = MinHash(num_perm=NUM_PERM, hashfunc=shingle_hash, permutations=permutations(), scheme="affine32")
    digest.update_batch([s.encode("utf-8", "surrogatepass") for s in shingles(text)])
    return digest


def hash_values(text: str) -> Any:
    """The values of the text's MinHash (a numpy array of NUM_PERM `HASH_DTYPE` integers), as `signature` has
    them: datasketch's "affine32" update (each shingle's `shingle_hash`, mixed by MurmurHash3's 32-bit
    finalizer, under each permutation `a * h + b` modulo 2^32, the least kept), in numpy over all shingles.
    Each distinct token is hashed once, in Python; a shingle's hash is then a weighted sum of five token
    hashes, one numpy pass for all of them (a SHA-1 of each shingle, as datasketch's default hash, took two
    thirds of the time, and the build sketches every pair). Not cached here: a build asks through its cache's
    sketches (harvest/dataset/cache.py), which keep each text's values once."""
    tokens = TOKEN.findall(text)
    if not tokens:
        return np.full(NUM_PERM, np.iinfo(HASH_DTYPE).max, dtype=HASH_DTYPE)
    if len(_TOKEN_HASHES) > TOKEN_HASHES_MOST:
        _TOKEN_HASHES.clear()
    for token in set(tokens).difference(_TOKEN_HASHES):
        _TOKEN_HASHES[token] = _token_hash(token.encode("utf-8", "surrogatepass"))
    hashes = np.fromiter(map(_TOKEN_HASHES.__getitem__, tokens), dtype=np.uint64, count=len(tokens))
    count = len(tokens) - SHINGLE + 1 if len(tokens) >= SHINGLE else len(tokens)  # fewer: each token alone
    weights = np.array(SHINGLE_WEIGHTS, dtype=np.uint64)
    total = hashes[:count] * weights[0]
    for place in range(1, SHINGLE if len(tokens) >= SHINGLE else 1):
        total += hashes[place:place + count] * weights[place]
    hashed = (_fmix64(total) >> np.uint64(32)).astype(HASH_DTYPE)
    a, b = permutations()
    return (_fmix32(hashed)[:, None] * a + b).min(axis=0)


def _token_hash(token: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(token, digest_size=8).digest(), "little")


def _fmix32(values: Any) -> Any:
    """MurmurHash3's 32-bit finalizer over an array of uint32 (multiplications wrap, as they should)."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


def _fmix64(values: Any) -> Any:
    """MurmurHash3's 64-bit finalizer over an array of uint64."""
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(FMIX64[0])
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(FMIX64[1])
    return values ^ (values >> np.uint64(33))


def _fmix64_int(value: int) -> int:
    """`_fmix64` of one Python int below 2^64."""
    value ^= value >> 33
    value = value * FMIX64[0] & MASK64
    value ^= value >> 33
    value = value * FMIX64[1] & MASK64
    return value ^ value >> 33


def comparison(pair: Pair) -> tuple[str, bytes]:
    """What a pair is compared by, normalised, and its `text_digest`."""
    text = normalize(compared(pair))
    return text, text_digest(text)


def fingerprint(pair: Pair, sketch: Sketch = lambda text, _: hash_values(text)) -> Fingerprint:
    """All dedup and decontamination read of a pair's text: the digest and the MinHash values (`sketch`'s) of
    what it is compared by, normalised."""
    text, digest = comparison(pair)
    return digest, sketch(text, digest)


@lru_cache(maxsize=1)
def permutations() -> tuple[np.ndarray, np.ndarray]:
    """The `a` and `b` arrays of datasketch's "affine32" permutations for NUM_PERM values under its default seed
    (1): odd multipliers `a`, then offsets `b`, drawn in that order by numpy's RandomState, as datasketch draws
    them (a test compares the two). Drawn here, not asked of datasketch: its package imports scipy (0.4 s), and
    each worker of a build's pool that sketches a text would pay that."""
    draw = np.random.RandomState(1)
    a = draw.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    return a, draw.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)


class NearDuplicates:
    """An LSH index of completions: add them by key, ask which stored ones a text nearly duplicates.

    The banding of datasketch's MinHashLSH (its bands and rows for the threshold), held leaner: a bucket is
    found by a hash of its band and holds its one key, or a list once shared, where MinHashLSH keeps each
    band's bytes in a set per bucket plus every key's bands again, about 3 KB a key, for every pair of a long
    history.
    """

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self.shape = _banding(threshold)
        self.buckets: list[dict[int, str | list[str]]] = [{} for _ in range(self.shape[0])]
        self.hashes: dict[str, Any] = {}  # key -> its MinHash values (a numpy array)

    def add(self, key: str, values: Any) -> None:
        """Index a text by its MinHash `values` under `key`."""
        for band, table in zip(self.bands(values), self.buckets, strict=True):
            held = table.setdefault(band, key)
            if held is not key:
                if isinstance(held, str):
                    table[band] = held = [held]
                held.append(key)
        self.hashes[key] = values

    def query(self, values: Any) -> list[str]:
        """Keys whose text has estimated Jaccard similarity ≥ the threshold with the text of MinHash `values`,
        best first."""
        candidates: set[str] = set()
        for band, table in zip(self.bands(values), self.buckets, strict=True):
            held = table.get(band)
            if held is not None:
                candidates.update((held,) if isinstance(held, str) else held)
        scored = [(_jaccard(values, self.hashes[k]), k) for k in candidates]
        return [k for score, k in sorted(scored, reverse=True) if score >= self.threshold]

    def bands(self, values: Any) -> list[int]:
        """The bucket of each band of `values`: a 64-bit hash of its rows, not their bytes. A bucket shared by
        chance only adds a candidate, which the Jaccard check then judges like any other."""
        return band_keys(values, self.shape).tolist()


def band_keys(values: Any, shape: tuple[int, int]) -> Any:
    """The bucket of each of the `shape` (bands, rows) bands of MinHash `values`, as a numpy array."""
    bands, rows = shape
    # One multiply-add over all bands in numpy: a digest per band, in Python, took seconds on a long history.
    return (values[:bands * rows].reshape(bands, rows) * _band_weights(rows)).sum(axis=1)


@lru_cache(maxsize=8)
def _band_weights(rows: int) -> Any:
    """Fixed odd 64-bit multipliers, one per row of a band: distinct rows of 32-bit values rarely (about one in
    2^32 at worst) share a weighted sum modulo 2^64."""
    return np.random.default_rng(BAND_SEED).integers(0, 1 << 63, size=rows, dtype=np.uint64) * np.uint64(2) + np.uint64(1)


@lru_cache(maxsize=8)
def _banding(threshold: float) -> tuple[int, int]:
    """The bands and rows per band datasketch chooses for `threshold` (weighing false positives and negatives)."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    return lsh.b, lsh.r


def _jaccard(first: Any, second: Any) -> float:
    """The estimated Jaccard similarity of two MinHash value arrays, as MinHash.jaccard computes it."""
    return float((first == second).sum()) / float(len(first))


def dedupe(pairs: Sequence[Pair], threshold: float,
           fingerprints: Fingerprints = fingerprint) -> tuple[list[Pair], list[Rejection]]:
    """Keep one pair per (near-)duplicate completion: the heaviest, then the first; record the rest. A pair is
    compared by its `fingerprints(pair)`.

    Fim pairs are compared with fim pairs only (a span and the unit holding it teach different things), and
    a near-duplicate only counts from another file: spans of one file a few lines apart share their
    surroundings, but are different examples.
    """
    order = sorted(range(len(pairs)), key=lambda i: (-pairs[i].weight, i))
    verdicts: dict[int, Rejection] = {}
    for fim in (False, True):
        judged = [i for i in order if (pairs[i].kind == FIM_KIND) == fim]
        verdicts.update(_judge(pairs, judged, threshold, fingerprints, same_file_counts=not fim))
    return [p for i, p in enumerate(pairs) if i not in verdicts], [verdicts[i] for i in order if i in verdicts]


def _judge(pairs: Sequence[Pair], judged: list[int], threshold: float, fingerprints: Fingerprints,
           same_file_counts: bool) -> dict[int, Rejection]:
    """The rejected of `judged` (indexes into `pairs`, in the order they are judged), each an exact or near
    duplicate of an earlier kept one.

    As an LSH index filled with each kept pair would judge them (NearDuplicates, with the same buckets), but
    with the buckets found all at once: each band's bucket values in one numpy array, sorted, so the pairs
    sharing a bucket are runs of it. A long history has a few hundred thousand pairs, and a Python dict
    entry per band and pair held more than the pairs' MinHash values themselves."""
    digests, values = [], []
    for i in judged:
        digest, sketch = fingerprints(pairs[i])
        digests.append(digest)
        values.append(sketch)
    shared = _shared_buckets(values, threshold)
    seen: dict[bytes, str] = {}  # the digest of a kept pair's text -> its id (the digest: texts are long)
    kept = np.zeros(len(judged), dtype=bool)
    rejected: dict[int, Rejection] = {}
    for position, i in enumerate(judged):
        pair = pairs[i]
        if digests[position] in seen:
            rejected[i] = Rejection(pair.id, pair.kind, "dedup", "duplicate", seen[digests[position]])
            continue
        candidates: set[int] = set()
        for band in shared:
            bucket = band.get(position)
            if bucket is not None:
                candidates.update(bucket[kept[bucket]].tolist())
        scored = [(_jaccard(values[position], values[c]), pairs[judged[c]].id) for c in candidates
                  if same_file_counts or pairs[judged[c]].path != pair.path]
        similar = next((other for score, other in sorted(scored, reverse=True) if score >= threshold), "")
        if similar:
            rejected[i] = Rejection(pair.id, pair.kind, "dedup", "near-duplicate", similar)
        else:
            seen[digests[position]] = pair.id
            kept[position] = True
    return rejected


def _shared_buckets(values: list[Any], threshold: float) -> list[dict[int, Any]]:
    """Per band of the LSH banding for `threshold`: each position of `values` (MinHash value arrays) whose
    bucket holds other positions too, with the array of that bucket's positions. Most positions share no
    bucket and take no room."""
    shape = _banding(threshold)
    keys = np.empty((shape[0], len(values)), dtype=np.uint64)
    for position, row in enumerate(values):  # one pair at a time: `values` are not one array
        keys[:, position] = band_keys(row, shape)
    shared = []
    for band in keys:
        order = np.argsort(band, kind="stable")
        ordered = band[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        sizes = np.diff(np.r_[starts, len(order)])
        buckets: dict[int, Any] = {}
        for start, size in zip(starts[sizes > 1].tolist(), sizes[sizes > 1].tolist(), strict=True):
            bucket = order[start:start + size]
            buckets.update(dict.fromkeys(bucket.tolist(), bucket))
        shared.append(buckets)
    return shared
