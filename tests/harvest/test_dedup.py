"""Exact and near-duplicate removal with MinHash LSH (datasketch)."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import numpy

from harvest.dataset.dedup import (
    HASH_DTYPE,
    NUM_PERM,
    NearDuplicates,
    dedupe,
    hash_values,
    normalize,
    permutations,
    signature,
)
from tests.harvest.pairs_helpers import FUNCTION, pair

LONG = "".join(f"def handler_{n}(request):\n    value = request.args.get('k{n}')\n    return respond(value, {n})\n\n"
               for n in range(30))
SHIP = """\
def ship_order(order, carrier=None):
    carrier = carrier or pick_carrier(order.weight, order.address.country)
    label = carrier.book(order.address, order.parcels)
    order.tracking = label.tracking_number
    return label
"""


def test_exact_duplicates_ignore_whitespace_and_keep_the_first() -> None:
    first = pair(id="a")
    spaced = pair(FUNCTION.replace("    ", "\t").replace(" = ", "  =  "), id="b")
    kept, rejected = dedupe([first, spaced], 0.7)
    assert kept == [first]
    assert [(r.id, r.reason, r.detail) for r in rejected] == [("b", "duplicate", "a")]


def test_near_duplicates_are_caught_and_different_code_is_not() -> None:
    renamed = LONG.replace("handler_7(", "view_7(")
    other_line = LONG.replace("respond(value, 12)", "respond(value or None, 12)")
    pairs = [pair(LONG, id="base"), pair(renamed, id="renamed"), pair(other_line, id="line"),
             pair(FUNCTION, id="price"), pair(SHIP, id="ship")]
    kept, rejected = dedupe(pairs, 0.7)
    assert [p.id for p in kept] == ["base", "price", "ship"]
    assert {(r.id, r.reason, r.detail) for r in rejected} == {("renamed", "near-duplicate", "base"),
                                                              ("line", "near-duplicate", "base")}


def test_whitespace_variants_normalise_to_one_text() -> None:
    assert normalize("a = 1   \n\n\tb = 2\r\n") == normalize("a = 1\nb = 2") == "a = 1 b = 2"


def test_the_heavier_pair_survives_and_order_is_kept() -> None:
    other = pair("class Cart:\n    def __init__(self):\n        self.items = []\n", id="other")
    light, heavy = pair(id="light", weight=0.5), pair(id="heavy")
    kept, rejected = dedupe([light, other, heavy], 0.7)
    assert [p.id for p in kept] == ["other", "heavy"]
    assert [(r.id, r.stage, r.reason, r.detail) for r in rejected] == [("light", "dedup", "duplicate", "heavy")]


def test_short_completions_are_compared_as_token_sets() -> None:
    assert signature("return a + b").jaccard(signature("return b + a")) == 1.0
    assert signature("return a + b").jaccard(signature("yield x - y")) < 0.7


def test_hash_values_are_datasketchs_minhash_values() -> None:
    """The numpy pass gives what datasketch's MinHash gives, value for value, in its type."""
    rng = random.Random(7)
    words = ["def", "return", "x", "self", "é", "名前", "(", ")", ":", "+", "items", "42", "\u0130"]
    texts = ["", "   ", "x", "a b c d", FUNCTION, LONG, FUNCTION * 40]
    texts += [" ".join(rng.choice(words) for _ in range(rng.randint(1, 400))) for _ in range(200)]
    for text in texts:
        values = hash_values(text)
        assert values.dtype == HASH_DTYPE and (values == signature(text).hashvalues).all(), text[:60]


def test_the_permutations_are_datasketchs_and_sketching_does_not_import_it() -> None:
    """The build's pool workers sketch texts without datasketch's package (and scipy under it)."""
    from datasketch import MinHash

    for ours, theirs in zip(permutations(), MinHash(num_perm=NUM_PERM, scheme="affine32").permutations, strict=True):
        assert ours.dtype == theirs.dtype and numpy.array_equal(ours, theirs)
    script = ("import sys; from harvest.dataset.dedup import hash_values; hash_values('def f(x): return x + 1'); "
              "print(sorted(m for m in sys.modules if m.split('.')[0] in ('datasketch', 'scipy')))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.stdout.strip() == "[]"


def test_index_query_returns_only_pairs_over_the_threshold() -> None:
    index = NearDuplicates(0.7)
    index.add("long", hash_values(LONG))
    index.add("short", hash_values(FUNCTION))
    assert index.query(hash_values(LONG.replace("handler_3(", "h3("))) == ["long"]
    assert index.query(hash_values("completely unrelated text about something else entirely")) == []


def test_the_lean_index_finds_what_datasketchs_lsh_finds() -> None:
    from datasketch import MinHashLSH

    from harvest.dataset.dedup import NUM_PERM

    rng = random.Random(19)
    texts = []
    for _ in range(60):  # families of variants, each a few more tokens away from the first
        words = [f"name{rng.randint(0, 300)}" for _ in range(40)]
        for edits in range(4):
            variant = list(words)
            for _ in range(edits * 2):
                variant[rng.randrange(len(variant))] = f"other{rng.randint(0, 50)}"
            texts.append(" ".join(variant))
    for threshold in (0.5, 0.85):
        lean, reference, digests = NearDuplicates(threshold), MinHashLSH(threshold=threshold, num_perm=NUM_PERM), {}
        for number, text in enumerate(texts):
            digest = signature(text)
            scored = sorted(((digest.jaccard(digests[k]), k) for k in reference.query(digest)), reverse=True)
            assert lean.query(digest.hashvalues) == [k for score, k in scored if score >= threshold]
            lean.add(str(number), digest.hashvalues)
            reference.insert(str(number), digest)
            digests[str(number)] = digest


def _dedupe_one_at_a_time(pairs: list, threshold: float) -> tuple[list, list]:
    """dedupe as an LSH index filled pair by pair judges: the reference the batched buckets must agree with."""
    from harvest.dataset.dedup import compared
    from harvest.records import FIM_KIND, Rejection

    seen, indexes, kept, rejected = {}, {False: NearDuplicates(threshold), True: NearDuplicates(threshold)}, set(), []
    paths = {p.id: p.path for p in pairs}
    for i in sorted(range(len(pairs)), key=lambda i: (-pairs[i].weight, i)):
        pair, fim = pairs[i], pairs[i].kind == FIM_KIND
        text = normalize(compared(pair))
        if (fim, text) in seen:
            rejected.append(Rejection(pair.id, pair.kind, "dedup", "duplicate", seen[fim, text]))
            continue
        similar = [o for o in indexes[fim].query(hash_values(text)) if not fim or paths[o] != pair.path]
        if similar:
            rejected.append(Rejection(pair.id, pair.kind, "dedup", "near-duplicate", similar[0]))
            continue
        seen[fim, text] = pair.id
        indexes[fim].add(pair.id, hash_values(text))
        kept.add(i)
    return [p for i, p in enumerate(pairs) if i in kept], rejected


def test_batched_buckets_judge_as_an_index_filled_pair_by_pair() -> None:
    """Families of near-duplicates, exact copies of pairs already rejected, fim spans in one file and across
    files, mixed weights: the same pairs kept and the same rejections, in the same order."""
    rng = random.Random(22)
    pairs = []
    for family in range(40):
        words = [f"name{rng.randint(0, 400)}" for _ in range(60)]
        for member in range(5):
            variant = list(words)
            for _ in range(member):
                variant[rng.randrange(len(variant))] = f"other{rng.randint(0, 60)}"
            text = " ".join(variant)
            kind, path = ("fim", f"src/f{rng.randint(0, 3)}.py") if family % 3 == 0 else ("function", f"src/m{family}.py")
            pairs.append(pair(text, kind, path, id=f"{family}-{member}", weight=rng.choice((0.5, 1.0, 1.0))))
            if member == 3:  # an exact copy of a variant that may itself be a near-duplicate
                pairs.append(pair(text.replace(" ", "  "), kind, path, id=f"{family}-{member}-copy"))
    for threshold in (0.5, 0.7, 0.85):
        assert dedupe(pairs, threshold) == _dedupe_one_at_a_time(pairs, threshold)
