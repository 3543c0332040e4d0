"""The matrix's figures that come straight from the harvest's artifacts: test files recognised and mapped
(files.jsonl against bench/realworld/truth.py), pairs per kind and split (pairs.jsonl), conventions by
category (conventions.yaml). Pure functions over records read from those files."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from bench.realworld.truth import Truth, language_of

# Pairs that are not code written at HEAD: history, review and configuration pairs.
NON_CODE_KINDS = frozenset({"commit", "commit-message", "review", "config", "fim"})  # fim: fim_coverage
SPLITS = ("train", "eval", "test")
MIN_KIND_PAIRS = 20  # a code kind with this many pairs must be represented in eval and test
HELD_SHARE = (0.08, 0.25)  # its share in eval + test
MIN_TEST_PAIRS = 5  # and its count in test
MIN_CODE_UNITS = 100  # repositories this large must yield the conventions target


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The records of a JSONL artifact ([] when it is not there)."""
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def recognition(files: Sequence[dict[str, Any]], truth: Truth) -> dict[str, Any]:
    """Recall and precision of the harvest's `kind: test` against the truth; the share of truth test files
    whose `tests` field names a source file; examples of each kind of miss."""
    kinds = {f["path"]: f["kind"] for f in files}
    mapped_to = {f["path"]: list(f.get("tests") or ()) for f in files}
    said_test = {p for p, k in kinds.items() if k == "test" and language_of(p)}
    truth_tests = set(truth.tests)
    recognised = truth_tests & said_test
    mapped = {t for t in truth_tests if mapped_to.get(t)}
    return {
        "truth": len(truth_tests),
        "runners": dict(Counter(truth.runners.values()).most_common()),
        "recognised": len(recognised),
        "said_test": len(said_test),
        "recall": _share(len(recognised), len(truth_tests)),
        "precision": _share(len(recognised), len(said_test)),
        "mapped": len(mapped),
        "mapped_share": _share(len(mapped), len(truth_tests)),
        "not_in_harvest": len(truth_tests - set(kinds)),
        "missed": sorted(truth_tests - said_test)[:5],
        "missed_kinds": dict(Counter(kinds.get(p, "absent") for p in truth_tests - said_test).most_common()),
        "false": sorted(said_test - truth_tests)[:5],
        "unmapped": sorted(recognised - mapped)[:5],
        "mapping_sample": [[t, mapped_to[t][:2]] for t in sorted(mapped)[:: max(1, len(mapped) // 6)][:6]],
    }


def pair_coverage(pairs: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Pairs per kind and split; for each code kind with at least MIN_KIND_PAIRS pairs, its share in eval + test
    and its count in test, and whether both meet the targets."""
    table: dict[str, dict[str, int]] = {}
    for pair in pairs:
        row = table.setdefault(pair["kind"], dict.fromkeys(SPLITS, 0))
        row[pair.get("split") or "train"] = row.get(pair.get("split") or "train", 0) + 1
    kinds = {}
    for kind, row in sorted(table.items()):
        total = sum(row.values())
        if kind in NON_CODE_KINDS or total < MIN_KIND_PAIRS:
            continue
        held = _share(row["eval"] + row["test"], total)
        kinds[kind] = {"pairs": total, "held_share": held, "test": row["test"],
                       "ok": HELD_SHARE[0] <= held <= HELD_SHARE[1] and row["test"] >= MIN_TEST_PAIRS}
    return {"by_kind": dict(sorted(table.items())), "code_kinds": kinds,
            "kinds_ok": sum(k["ok"] for k in kinds.values()), "kinds_checked": len(kinds),
            "share_ok": _share(sum(k["ok"] for k in kinds.values()), len(kinds)) if kinds else None}


def fim_coverage(pairs: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Fim pairs per language and split, and issue 18's target: every language with fim pairs has at least
    HELD_SHARE[0] of them in eval + test, and no file with a span in eval or test has one in train."""
    table: dict[str, dict[str, int]] = {}
    held_files: set[str] = set()
    trained: set[str] = set()
    for pair in pairs:
        if pair["kind"] == "fim":
            split = pair.get("split") or "train"
            table.setdefault(pair["language"], dict.fromkeys(SPLITS, 0))[split] += 1
            (trained if split == "train" else held_files).add(pair["path"])
    languages = {}
    for language, row in sorted(table.items()):
        held = _share(row["eval"] + row["test"], sum(row.values()))
        languages[language] = {**row, "held_share": held, "ok": held >= HELD_SHARE[0]}
    leaks = len(held_files & trained)
    return {"by_language": languages, "held_files_in_train": leaks,
            "ok": bool(languages) and leaks == 0 and all(row["ok"] for row in languages.values())}


def conventions_by_category(rules: Sequence[dict[str, Any]], units: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Proposed rules by their `source` (naming, test-style, imports, layout, forbidden, commit-format, review,
    routes), and whether the repository meets the target (≥ 8 rules over ≥ 3 categories once it has
    MIN_CODE_UNITS code units)."""
    proposed = [r for r in rules if r.get("status", "proposed") == "proposed"]
    categories = Counter(r.get("source") or "unknown" for r in proposed)
    code_units = sum(1 for u in units if language_of(u["path"]) and u.get("kind") != "config")
    applies = code_units >= MIN_CODE_UNITS
    return {"proposed": len(proposed), "categories": dict(categories.most_common()), "code_units": code_units,
            "ok": (len(proposed) >= 8 and len(categories) >= 3) if applies else None}


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None
