"""Leak-free train/eval/test splits, held-out files and decontamination.

Pairs that reveal a common file are joined into one component (union-find over `Pair.files`), and a
component goes to one split whole, so no file feeds two splits. `file` mode spreads components by a
stable hash; `temporal` mode puts the newest components in test, as a team's future work would be.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from harvest.config import HarvestConfig
from harvest.dedup import near_duplicate_index, normalize
from harvest.errors import ConfigError
from harvest.globs import matches_glob
from harvest.records import Pair, Rejection

Component = list[int]  # indexes into the pair list


def revealed(pair: Pair) -> tuple[str, ...]:
    """The files a pair reveals: its `files`, else its path, else (no path at all) its id so it stands alone."""
    return pair.files or ((pair.path,) if pair.path else (pair.id,))


def components(pairs: Sequence[Pair]) -> list[Component]:
    """Groups of pairs connected by a shared file, each sorted, in order of first appearance."""
    parent: dict[str, str] = {}

    def find(item: str) -> str:
        while parent.setdefault(item, item) != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    keys = [revealed(p) for p in pairs]
    for files in keys:
        for other in files[1:]:
            parent[find(other)] = find(files[0])
    groups: dict[str, Component] = {}
    for index, files in enumerate(keys):
        groups.setdefault(find(files[0]), []).append(index)
    return list(groups.values())


def _fill(pairs: Sequence[Pair], ordered: list[Component], config: HarvestConfig, in_order: bool = False) -> list[Pair]:
    """Walk `ordered` components, whole, into test and eval until each holds its share of pairs; the rest
    go to train.

    The rule, exactly: a held-out split's quota is share × number of pairs; a split whose quota is under
    one pair stays empty (so a dataset of under 10 pairs at the default 10% shares is all train). A
    component may go to a held-out split still below its quota if that leaves it at most 1.5 × quota + 1
    pairs; of those splits it goes to the one furthest below its quota (test on a tie; with `in_order`,
    test until full, then eval); otherwise to train. So one giant component (a commit touching half the
    repository, say) lands in train, and when most pairs form one connected group the held-out splits
    come out smaller than their shares: isolation wins over shares.
    """
    total = len(pairs)
    shares = {"test": config.test_share, "eval": config.eval_share}
    quotas = {name: share * total for name, share in shares.items() if share * total >= 1}
    filled = dict.fromkeys(quotas, 0)
    split_of: dict[int, str] = {}
    for group in ordered:
        open_splits = [name for name, quota in quotas.items()
                       if filled[name] < quota and filled[name] + len(group) <= quota * 1.5 + 1]
        if not open_splits:
            target = "train"
        else:
            target = open_splits[0] if in_order else min(open_splits, key=lambda name: filled[name] / quotas[name])
        if target != "train":
            filled[target] += len(group)
        for index in group:
            split_of[index] = target
    return [replace(pair, split=split_of[i]) for i, pair in enumerate(pairs)]


def _by_file(pairs: list[Pair], config: HarvestConfig) -> list[Pair]:
    """Components in the order of the SHA-256 of their smallest file: deterministic, whatever the input order."""
    smallest = [(min(f for i in g for f in revealed(pairs[i])), g) for g in components(pairs)]
    keyed = sorted((hashlib.sha256(first.encode()).hexdigest(), first, g) for first, g in smallest)
    return _fill(pairs, [g for *_, g in keyed], config)


def _temporal(pairs: list[Pair], config: HarvestConfig) -> list[Pair]:
    """The newest components (by their newest pair's date; undated pairs count as oldest) fill test, then
    eval; the rest train, as a team's future work would follow what the model learned from."""
    groups = components(pairs)
    newest = [(max(_instant(pairs[i].date) for i in g), min(pairs[i].id for i in g), g) for g in groups]
    ordered = sorted(newest, key=lambda t: (t[0], t[1]), reverse=True)
    return _fill(pairs, [g for *_, g in ordered], config, in_order=True)


def _instant(date: str) -> float:
    """Seconds since the epoch of an ISO 8601 date with offset ("" = the oldest possible)."""
    return datetime.fromisoformat(date).timestamp() if date else float("-inf")


SPLITTERS: dict[str, Callable[[list[Pair], HarvestConfig], list[Pair]]] = {"file": _by_file, "temporal": _temporal}


def split_pairs(pairs: list[Pair], config: HarvestConfig) -> list[Pair]:
    """Pairs with `split` set to train, eval or test by `config.split`."""
    if config.split not in SPLITTERS:
        raise ConfigError(f"[harvest] split = {config.split!r} is not known; valid: {', '.join(SPLITTERS)}")
    return SPLITTERS[config.split](pairs, config) if pairs else []


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


def decontaminate(pairs: list[Pair], threshold: float) -> tuple[list[Pair], list[Rejection]]:
    """Drop eval pairs that (nearly) repeat a test completion ("contaminates-test"), then train pairs that
    repeat a remaining eval or test one ("contaminates-eval"); each detail names the held-out pair."""
    tests = [p for p in pairs if p.split == "test"]
    evals, eval_leaks = _clean([p for p in pairs if p.split == "eval"], tests, threshold, "contaminates-test")
    _, train_leaks = _clean([p for p in pairs if p.split == "train"], evals + tests, threshold, "contaminates-eval")
    rejected = eval_leaks + train_leaks
    dropped = {r.id for r in rejected}
    return [p for p in pairs if p.id not in dropped], rejected


def _clean(checked: list[Pair], held: list[Pair], threshold: float, reason: str) -> tuple[list[Pair], list[Rejection]]:
    """The `checked` pairs whose completion is neither an exact nor a near duplicate of a `held` one, and
    a Rejection for each of the others (an exact match wins; later held pairs win exact ties: test over eval)."""
    exact = {normalize(p.completion): p.id for p in held}
    index = near_duplicate_index(((p.id, normalize(p.completion)) for p in held), threshold)
    kept: list[Pair] = []
    rejected: list[Rejection] = []
    for pair in checked:
        text = normalize(pair.completion)
        match = exact.get(text) or next(iter(index.query(text)), "")
        if match:
            rejected.append(Rejection(pair.id, pair.kind, "decontaminate", reason, match))
        else:
            kept.append(pair)
    return kept, rejected
