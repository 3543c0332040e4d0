"""Leak-free train/eval/test splits stratified by kind; held-out files and decontamination.

Runs in the dataset build (harvest/dataset/build.py) after dedup and before decontamination. Its invariant: no
file feeds two splits. Pairs are split two ways:

- File pairs (code units, tests, config blocks, reviews) reveal one file or a few: a unit its file, a
  test pair its test file and the source it shows as context (its best match: the other files a test
  uses appear in no pair's text, and counting them glued a library's tests into one group through its
  core modules). Pairs that share a file form a group (union-find over `Pair.files`), and a group goes to one split whole. Held-out groups are chosen kind by kind (the
  kind with the fewest choices first), so each kind gets its shares of test and eval pairs: at least
  MIN_TEST in test once it has MIN_COVERED pairs, never more than MAX_HELD_SHARE held out. `file` mode
  walks the groups in the order of a seeded hash of their smallest file, so each file's place is its own
  and a file added or removed moves few others (most often none); `temporal` mode walks them newest
  first, as a team's future work would come.
- Commit pairs (commit, commit-message) reveal every file their commit changed: joined into the groups
  they would glue most of the repository into one group, which would land in train. They are split by
  time instead: the newest commits are held out (test, then eval), the rest train. A commit pair keeps
  its split only if no file it reveals belongs to another split (a newer one whose files are all train's
  goes to train); otherwise it is dropped, with the file it would leak as the reason.

`fim` pairs are file pairs like the others (a held-out file's spans never train), stratified by language
(`fim/python`, `fim/go`: each language gets held-out spans where it has the files) and chosen after every
other kind, without holding any of them back: a file holds a few spans of every span type, so they follow
the files the other kinds hold out, and only top their languages up to their quotas (a group taken for that
takes the other kinds' pairs of its files along, within their ceilings).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from harvest.config import HarvestConfig
from harvest.dataset.dedup import Fingerprints, NearDuplicates, fingerprint
from harvest.errors import ConfigError
from harvest.globs import matches_glob
from harvest.pairs.commits import COMMIT_KINDS
from harvest.records import FIM_KIND, Pair, Rejection

SEED = "idiomatic-split-1"  # part of every group's hash: changing it redraws every held-out set
MIN_COVERED = 20  # a kind with this many pairs is promised held-out pairs
MIN_TEST = 5  # the test pairs such a kind gets at least, so its figures never rest on one or two cases
MAX_HELD_SHARE = 0.25  # the most of a kind held out (eval + test), unless the shares themselves ask for more
LOW_HELD_FACTOR = 0.4  # a kind with under 40% of its held-out shares (8% at the defaults) cannot be validated
OVERSHOOT = 1.5  # a group may take a kind's split up to 1.5 x its quota + 1 pair
HELD_OUT = ("test", "eval")  # filled in this order


@dataclass(frozen=True)
class Group:
    """File pairs joined by the files they share; it goes to one split whole."""

    members: tuple[int, ...]  # indexes into the pair list
    key: str  # its smallest file: what the `file` order hashes
    kinds: dict[str, int]  # pairs per kind (per `stratum`)
    newest: float  # its newest pair's date (seconds since the epoch): what the `temporal` order sorts by


def stratum(pair: Pair) -> str:
    """What the split gives its own quota: the pair's kind, and a fim pair's language too (`fim/go`)."""
    return f"{FIM_KIND}/{pair.language}" if pair.kind == FIM_KIND else pair.kind


def _follows(kind: str) -> bool:
    """Whether a stratum is chosen last and holds no other kind back (the fim strata)."""
    return kind.startswith(f"{FIM_KIND}/")


def revealed(pair: Pair) -> tuple[str, ...]:
    """The files a pair reveals: its `files`, else its path, else (no path at all) its id so it stands alone."""
    return pair.files or ((pair.path,) if pair.path else (pair.id,))


def components(pairs: Sequence[Pair], indexes: Iterable[int]) -> list[tuple[int, ...]]:
    """The pairs at `indexes` in groups connected by a shared file, each sorted, in order of first appearance."""
    parent: dict[str, str] = {}

    def find(item: str) -> str:
        while parent.setdefault(item, item) != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    keys = {i: revealed(pairs[i]) for i in indexes}
    for files in keys.values():
        for other in files[1:]:
            parent[find(other)] = find(files[0])
    groups: dict[str, list[int]] = {}
    for index, files in sorted(keys.items()):
        groups.setdefault(find(files[0]), []).append(index)
    return [tuple(g) for g in groups.values()]


def file_groups(pairs: Sequence[Pair]) -> list[Group]:
    """The groups of every pair that is not a commit pair, in order of first appearance."""
    groups = []
    for members in components(pairs, (i for i, p in enumerate(pairs) if p.kind not in COMMIT_KINDS)):
        groups.append(Group(members, min(f for i in members for f in revealed(pairs[i])),
                            dict(Counter(stratum(pairs[i]) for i in members)),
                            max(_instant(pairs[i].date) for i in members)))
    return groups


def _by_hash(groups: list[Group]) -> list[Group]:
    """Groups in the order of the seeded SHA-256 of their smallest file: each file's place is its own."""
    return sorted(groups, key=lambda g: (hashlib.sha256(f"{SEED}\x00{g.key}".encode()).hexdigest(), g.key))


def _newest_first(groups: list[Group]) -> list[Group]:
    """Groups by their newest pair's date, newest first (undated ones last)."""
    return sorted(groups, key=lambda g: (-g.newest, g.key))


GROUP_ORDERS: dict[str, Callable[[list[Group]], list[Group]]] = {"file": _by_hash, "temporal": _newest_first}


@dataclass(frozen=True)
class Quota:
    """What one kind should hold out, in pairs: in test, in eval, and at most in both together."""

    test: int
    eval: int
    held: int

    def ceiling(self, split: str) -> float:
        """The most pairs of the kind `split` may take when a group brings several at once."""
        return min(getattr(self, split) * OVERSHOOT + 1, self.held)


def quota(pairs_of_kind: int, config: HarvestConfig) -> Quota:
    """A kind's quota: its shares of its pairs, rounded down (so it moves only every few pairs added, and a
    kind of under 10 pairs asks for none at the default shares), with at least MIN_TEST in test once it has
    MIN_COVERED pairs; eval gives way up to the ceiling."""
    test, evals = int(config.test_share * pairs_of_kind), int(config.eval_share * pairs_of_kind)
    held = int(max(MAX_HELD_SHARE, config.test_share + config.eval_share) * pairs_of_kind)
    if pairs_of_kind >= MIN_COVERED and config.test_share > 0:
        test = max(test, MIN_TEST)
        evals = max(0, min(evals, held - test))
    return Quota(test, evals, held)


def stratify(groups: Sequence[Group], config: HarvestConfig) -> dict[int, str]:
    """The held-out split of each chosen group (by position in `groups`); the others are train.

    Kind by kind, test then eval, walk the groups holding the kind in the given order and take each
    one that fits until the kind meets its quota. The kinds in the fewest groups go first (counted in
    powers of two, so one file more or less seldom reorders them; then by name): they have the fewest
    choices, while a kind in nearly every group (Java's classes) fills as the others take their groups.
    A group fits a split when it takes no kind it holds past that kind's ceiling, so a group too big to
    fit anywhere (a test file mapped to half the repository, say) stays in train. The fim strata go last
    and no group is refused for them; filling its own quota, a fim stratum is held to each split's ceiling
    only, not to its most held out: the files other kinds held out may have taken all of that in eval.
    """
    counts: Counter[str] = Counter()
    spread: Counter[str] = Counter()  # groups holding each kind
    for group in groups:
        counts.update(group.kinds)
        spread.update(group.kinds.keys())
    quotas = {kind: quota(n, config) for kind, n in counts.items()}
    filled = {kind: dict.fromkeys(HELD_OUT, 0) for kind in counts}
    placed: dict[int, str] = {}

    def fits(kind: str, n: int, split: str) -> bool:
        return filled[kind][split] + n <= quotas[kind].ceiling(split) and (
            _follows(kind) or sum(filled[kind].values()) + n <= quotas[kind].held)

    for kind in sorted(counts, key=lambda k: (_follows(k), spread[k].bit_length(), k)):
        holding = [position for position, group in enumerate(groups) if kind in group.kinds]
        for split in HELD_OUT:
            for position in holding:
                if filled[kind][split] >= getattr(quotas[kind], split):
                    break
                group = groups[position]
                if position not in placed and all(fits(k, n, split) for k, n in group.kinds.items()
                                                  if k == kind or not _follows(k)):
                    placed[position] = split
                    for k, n in group.kinds.items():
                        filled[k][split] += n
    return placed


def split_commits(pairs: Sequence[Pair], owner: dict[str, str],
                  config: HarvestConfig) -> tuple[dict[int, str], list[Rejection]]:
    """The split of each commit pair kept, by time, and a Rejection for each one that would leak.

    Commits newest first (undated last) fill test, then eval, whole, up to their shares of the commit
    pairs: that window is their split. A pair whose files (`owner`: file → split, from the file pairs)
    all belong to its window's split, or to none, stays there; a held-out one whose files all belong to
    train goes to train (newer work, but no file of it is held out); any other would reveal a held-out
    file to train or a train file to a held-out split, and is dropped. A file only commits reveal then
    belongs to the split whose kept pairs reveal it most (train on a tie), and a pair revealing such a
    file of another split is dropped too. Each drop: stage "split", reason "reveals-<split>-file", the
    file as detail.
    """
    window = _time_window(pairs, config)
    placed: dict[int, str] = {}
    rejected: list[Rejection] = []
    for index, target in sorted(window.items()):
        files = revealed(pairs[index])
        splits = {owner[path] for path in files if path in owner}
        if splits <= {target} or splits == {"train"}:
            placed[index] = "train" if splits == {"train"} else target
        else:
            rejected.append(_leak(pairs[index], next(p for p in files if owner.get(p, target) != target), owner))
    votes: dict[str, Counter[str]] = {}
    for index, split in placed.items():
        for path in revealed(pairs[index]):
            if path not in owner:
                votes.setdefault(path, Counter())[split] += 1
    owners = owner | {path: max(("train", *HELD_OUT), key=lambda s: count[s]) for path, count in votes.items()}
    kept: dict[int, str] = {}
    for index, split in placed.items():
        leak = next((path for path in revealed(pairs[index]) if owners[path] != split), "")
        if leak:
            rejected.append(_leak(pairs[index], leak, owners))
        else:
            kept[index] = split
    return kept, rejected


def _time_window(pairs: Sequence[Pair], config: HarvestConfig) -> dict[int, str]:
    """Each commit pair's split by time alone: commits newest first fill test, then eval, the rest train."""
    commits: dict[str, list[int]] = {}
    dated = sorted(((_instant(p.date), p.commit or p.id, i) for i, p in enumerate(pairs)
                    if p.kind in COMMIT_KINDS), reverse=True)
    for _, sha, index in dated:
        commits.setdefault(sha, []).append(index)
    quotas = {"test": config.test_share * len(dated), "eval": config.eval_share * len(dated)}
    filled = dict.fromkeys(HELD_OUT, 0)
    window: dict[int, str] = {}
    for members in commits.values():
        target = next((s for s in HELD_OUT if quotas[s] >= 1 and filled[s] < quotas[s]), "train")
        if target != "train":
            filled[target] += len(members)
        window.update(dict.fromkeys(members, target))
    return window


def _leak(pair: Pair, path: str, owner: dict[str, str]) -> Rejection:
    return Rejection(pair.id, pair.kind, "split", f"reveals-{owner[path]}-file", path)


def _instant(date: str) -> float:
    """Seconds since the epoch of an ISO 8601 date with offset ("" or unreadable = the oldest possible)."""
    try:
        return datetime.fromisoformat(date).timestamp() if date else float("-inf")
    except ValueError:
        return float("-inf")


def split_pairs(pairs: Sequence[Pair], config: HarvestConfig) -> tuple[list[Pair], list[Rejection]]:
    """Pairs with `split` set to train, eval or test by `config.split`, in their order; and the commit
    pairs dropped because they would reveal a file of another split."""
    if config.split not in GROUP_ORDERS:
        raise ConfigError(f"[harvest] split = {config.split!r} is not known; valid: {', '.join(GROUP_ORDERS)}")
    groups = GROUP_ORDERS[config.split](file_groups(pairs))
    held = stratify(groups, config)
    split_of: dict[int, str] = {}
    owner: dict[str, str] = {}
    for position, group in enumerate(groups):
        for index in group.members:
            split_of[index] = held.get(position, "train")
            owner.update(dict.fromkeys(revealed(pairs[index]), split_of[index]))
    history, rejected = split_commits(pairs, owner, config)
    split_of.update(history)
    return [replace(pair, split=split_of[i]) for i, pair in enumerate(pairs) if i in split_of], rejected


def uncovered_kinds(pairs: Sequence[Pair], config: HarvestConfig) -> dict[str, str]:
    """Each kind of file pair that the split cannot validate, with why, by kind.

    A kind is covered when it has at least MIN_TEST pairs in test and between LOW_HELD_FACTOR of its
    held-out shares (8% at the defaults) and its ceiling (25%) in eval + test (a fim stratum's share may
    pass the ceiling: it follows the files the other kinds held out); a kind under MIN_COVERED pairs is
    never promised that.
    """
    groups = file_groups(pairs)
    low = LOW_HELD_FACTOR * (config.test_share + config.eval_share)
    reasons: dict[str, str] = {}
    for kind, total in sorted(Counter(stratum(p) for p in pairs if p.kind not in COMMIT_KINDS).items()):
        if total < MIN_COVERED:
            plural = "s" if total > 1 else ""
            reasons[kind] = f"only {total} pair{plural}, under the {MIN_COVERED} a kind needs to be held out"
            continue
        test = sum(1 for p in pairs if stratum(p) == kind and p.split == "test")
        held = test + sum(1 for p in pairs if stratum(p) == kind and p.split == "eval")
        if test >= MIN_TEST and low * total <= held and (held <= quota(total, config).held or _follows(kind)):
            continue
        sizes = sorted((g.kinds[kind] for g in groups if kind in g.kinds), reverse=True)
        reasons[kind] = (f"{test} in test, {held / total:.0%} held out: its {total} pairs sit in {len(sizes)} file "
                         f"groups, the largest holding {sizes[0]}, and a group goes to one split whole")
    return reasons


def exclude_files(pairs: Iterable[Pair], patterns: Sequence[str]) -> tuple[list[Pair], list[Rejection]]:
    """Remove pairs touching a held-out file (a path or glob); stage "exclude", reason "held-out"."""
    kept, rejected = [], []
    for pair in pairs:
        hit = next((f for f in pair.files or (pair.path,) for p in patterns if f == p or matches_glob(f, p)), "")
        if hit:
            rejected.append(Rejection(pair.id, pair.kind, "exclude", "held-out", hit))
        else:
            kept.append(pair)
    return kept, rejected


def decontaminate(pairs: list[Pair], threshold: float,
                  fingerprints: Fingerprints = fingerprint) -> tuple[list[Pair], list[Rejection]]:
    """Drop eval pairs that (nearly) repeat a test completion ("contaminates-test"), then train pairs that
    repeat a remaining eval or test one ("contaminates-eval"); each detail names the held-out pair. A pair is
    compared by its `fingerprints(pair)` (harvest/dataset/dedup.py)."""
    tests = [p for p in pairs if p.split == "test"]
    evals, eval_leaks = _clean([p for p in pairs if p.split == "eval"], tests, threshold, "contaminates-test",
                               fingerprints)
    _, train_leaks = _clean([p for p in pairs if p.split == "train"], evals + tests, threshold, "contaminates-eval",
                            fingerprints)
    rejected = eval_leaks + train_leaks
    dropped = {r.id for r in rejected}
    return [p for p in pairs if p.id not in dropped], rejected


def _clean(checked: list[Pair], held: list[Pair], threshold: float, reason: str,
           fingerprints: Fingerprints) -> tuple[list[Pair], list[Rejection]]:
    """The `checked` pairs whose completion is neither an exact nor a near duplicate of a `held` one, and
    a Rejection for each of the others (an exact match wins; later held pairs win exact ties: test over eval)."""
    exact: dict[bytes, str] = {}
    index = NearDuplicates(threshold)
    for pair in held:
        digest, values = fingerprints(pair)
        exact[digest] = pair.id
        index.add(pair.id, values)
    kept: list[Pair] = []
    rejected: list[Rejection] = []
    for pair in checked:
        digest, values = fingerprints(pair)
        match = exact.get(digest) or next(iter(index.query(values)), "")
        if match:
            rejected.append(Rejection(pair.id, pair.kind, "decontaminate", reason, match))
        else:
            kept.append(pair)
    return kept, rejected
