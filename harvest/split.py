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
from harvest.dedup import NearDuplicates, normalize
from harvest.errors import ConfigError
from harvest.globs import matches_glob
from harvest.records import Pair, Rejection

Component = list[int]  # indexes into the pair list


def components(pairs: Sequence[Pair]) -> list[Component]:
    """Groups of pairs connected by a shared file, each sorted, in order of first appearance."""
    parent: dict[str, str] = {}

    def find(item: str) -> str:
        while parent.setdefault(item, item) != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    keys = [p.files or (p.path or p.id,) for p in pairs]
    for files in keys:
        for other in files[1:]:
            parent[find(other)] = find(files[0])
    groups: dict[str, Component] = {}
    for index, files in enumerate(keys):
        groups.setdefault(find(files[0]), []).append(index)
    return list(groups.values())


def _fill(pairs: Sequence[Pair], ordered: list[Component], config: HarvestConfig, in_order: bool = False) -> list[Pair]:
    """Walk `ordered` components into the held-out split furthest below its share (with `in_order`: test
    until full, then eval); the rest go to train.

    A component that would overshoot a held-out split by more than half its quota (one commit touching
    half the repository, say) goes to train instead, so held-out splits stay near their shares. When most
    pairs form one connected group, held-out splits end up smaller than their shares: isolation wins.
    """
    total = len(pairs)
    quotas = {"test": config.test_share * total, "eval": config.eval_share * total}
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
    """Components in the order of a hash of their smallest file: deterministic, independent of input order."""
    keyed = [(hashlib.sha256(min(f for i in g for f in (pairs[i].files or (pairs[i].path,)))
                             .encode()).hexdigest(), g) for g in components(pairs)]
    return _fill(pairs, [g for _, g in sorted(keyed)], config)


def _temporal(pairs: list[Pair], config: HarvestConfig) -> list[Pair]:
    """Newest components first (by their newest pair's date; undated pairs count as oldest)."""
    groups = components(pairs)
    newest = [(max(_instant(pairs[i].date) for i in g), min(pairs[i].id for i in g), g) for g in groups]
    return _fill(pairs, [g for *_, g in sorted(newest, key=lambda t: (t[0], t[1]), reverse=True)], config, in_order=True)


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
        hit = next((f for f in (pair.files or (pair.path,)) for p in patterns if f == p or matches_glob(f, p)), "")
        if hit:
            rejected.append(Rejection(pair.id, pair.kind, "exclude", "held-out", hit))
        else:
            kept.append(pair)
    return kept, rejected


def decontaminate(pairs: list[Pair], threshold: float) -> tuple[list[Pair], list[Rejection]]:
    """Drop train pairs that (nearly) repeat an eval/test completion, and eval pairs that repeat a test one."""
    rejected: list[Rejection] = []
    dropped: set[str] = set()
    for held, checked, reason in (("test", ("eval", "train"), "contaminates-test"), ("eval", ("train",), "contaminates-eval")):
        exact = {normalize(p.completion): p.id for p in pairs if p.split == held and p.id not in dropped}
        index = NearDuplicates(threshold)
        for pair in pairs:
            if pair.split == held and pair.id not in dropped:
                index.add(pair.id, normalize(pair.completion))
        for pair in pairs:
            if pair.split not in checked or pair.id in dropped:
                continue
            text = normalize(pair.completion)
            match = exact.get(text) or next(iter(index.query(text)), "")
            if match:
                dropped.add(pair.id)
                rejected.append(Rejection(pair.id, pair.kind, "decontaminate", reason, match))
    return [p for p in pairs if p.id not in dropped], rejected
