"""Keep the dataset from teaching what the team has moved away from.

Units marked deprecated (`@deprecated`, `DeprecationWarning`) are flagged and their pairs dropped. Pairs
from history are judged by what became of the code they show: all its files deleted later or deprecated
at HEAD → dropped; some of them, or files since renamed, or symbols that no longer exist → kept at a
lower weight, with the reason in the pair's note.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from harvest.records import Exclusion, Pair, Rejection, Unit

MARKED = re.compile(r"@deprecated\b|\bDeprecationWarning\b|^\s*@(?:typing_extensions\.|warnings\.)?deprecated\(",
                    re.MULTILINE)
# Added lines that define a unit: functions and classes, and consts that are components or hooks.
DEFINED = re.compile(r"^\+\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?(?:(?:def|function|class|func)\s+"
                     r"([A-Za-z_$][\w$]*)|const\s+([A-Z][\w$]*|use[A-Z][\w$]*)\s*[:=])", re.MULTILINE)
HISTORY_KINDS = frozenset({"commit", "review"})  # pairs that show code as it was, not as it is
PARTLY_GONE_WEIGHT = 0.5
RENAMED_WEIGHT = 0.75
SYMBOLS_GONE_WEIGHT = 0.5


def mark_units(units: Iterable[Unit]) -> list[Unit]:
    """Units with `deprecated` set where their doc or header says so."""
    return [replace(u, deprecated="marked deprecated") if _marked(u) else u for u in units]


def judge_pairs(pairs: Sequence[Pair], units: Sequence[Unit], head_paths: set[str], excluded: Sequence[Exclusion],
                renamed: Mapping[str, str]) -> tuple[list[Pair], list[Rejection]]:
    """Drop or down-weight pairs whose code is deprecated, deleted or renamed since (`renamed`: old path → its
    last name, harvest/pairs/history.py); say why."""
    deprecated_units = {u.id for u in units if u.deprecated}
    deprecated_files = {e.path for e in excluded if e.reason == "deprecated"}
    symbols = {u.name for u in units}
    kept: list[Pair] = []
    rejected: list[Rejection] = []
    for pair in pairs:
        verdict = _verdict(pair, deprecated_units, deprecated_files, head_paths, renamed, symbols)
        if isinstance(verdict, Rejection):
            rejected.append(verdict)
        else:
            kept.append(verdict)
    return kept, rejected


def _verdict(pair: Pair, deprecated_units: set[str], deprecated_files: set[str], head_paths: set[str],
             renamed: Mapping[str, str], symbols: set[str]) -> Pair | Rejection:
    if pair.unit in deprecated_units:
        return Rejection(pair.id, pair.kind, "deprecation", "marked-deprecated", pair.unit)
    if pair.kind not in HISTORY_KINDS:
        return pair
    files = pair.files or (pair.path,)
    dead = [f for f in files if f in deprecated_files]
    gone = [f for f in files if f not in head_paths and f not in renamed and f not in deprecated_files]
    if len(gone) + len(dead) == len(files):
        reason = "deprecated-file" if dead else "deleted-later"
        return Rejection(pair.id, pair.kind, "deprecation", reason, ", ".join(sorted(files))[:200])
    notes = []
    weight = pair.weight
    if gone or dead:
        weight *= PARTLY_GONE_WEIGHT
        notes.append(f"touches files since deleted or deprecated: {', '.join(sorted(gone + dead))}")
    moved = [f for f in files if f in renamed and f not in head_paths]
    if moved:
        weight *= RENAMED_WEIGHT
        notes.append("renamed since: " + ", ".join(f"{f} → {renamed[f]}" for f in sorted(moved)))
    defined = {name for names in DEFINED.findall(pair.completion) for name in names if name}
    if defined and not defined & symbols:
        weight *= SYMBOLS_GONE_WEIGHT
        notes.append(f"defines symbols that no longer exist: {', '.join(sorted(defined)[:5])}")
    if not notes:
        return pair
    return replace(pair, weight=round(weight, 3), note="; ".join(notes))


def _marked(unit: Unit) -> bool:
    header = unit.text[: max(len(unit.signature), 1) + 200]
    return bool(MARKED.search(unit.doc) or MARKED.search(header))

