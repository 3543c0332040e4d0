"""Retrieval on held-out files, as the editor would ask for it: the cursor in a file the index never saw.

- **Dependency recall@5**: positions in held-out files that use a name imported from another file of the
  repository, chosen and graded exactly as bench/deps_bench.py does (its `tasks_of`, over the held-out
  files instead of the indexed ones): the gold is the file the import names or the file defining the
  name behind a re-export. Asked through `idiom search --queries` (modes `deps` and `hybrid`, k = 5).
- **Same-role share**: for each held-out file whose role (bench/realworld/roles.py) has at least 5 indexed
  units, the cursor 3 lines below its last import, the share of the top-5 `similar` results of its role.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.deps_bench import tasks_of
from bench.realworld.roles import role_of, same_role
from harvest.classify import language_of
from harvest.graph import CodeGraph
from harvest.units import file_imports

K = 5
TASKS = 300  # dependency tasks per repository at most (2 per file), as deps_bench samples them
MIN_ROLE_UNITS = K  # a file is asked for look-alikes only when its role has this many units to find

Search = Callable[[list[dict[str, Any]], str], list[list[dict[str, Any]]]]


@dataclass(frozen=True)
class _Facts:
    language: str


class HeldOutGraph:
    """The index's code graph seen from the held-out files: `tasks_of` walks `files`, which here are the
    held-out files the graph can parse, while binding and lookup go to the graph of the indexed files."""

    def __init__(self, graph: CodeGraph, held_out: Sequence[str]) -> None:
        languages = {facts.language for facts in graph.files.values()}
        self.files = {p: _Facts(language_of(p)) for p in held_out if language_of(p) in languages}
        self.bind = graph.bind
        self.find = graph.find


def dependency_recall(clone: Path, index_folder: Path, held_out: Sequence[str], search: Search) -> dict[str, Any]:
    """Recall@5 of `deps` and `hybrid` on dependency tasks in the held-out files."""
    graph = CodeGraph.load(index_folder / "graph")
    if graph is None:
        return {"tasks": 0}
    tasks = tasks_of(clone, HeldOutGraph(graph, held_out), TASKS)
    if not tasks:
        return {"tasks": 0}
    rows = [{"id": n, "path": t.path, "line": t.line} for n, t in enumerate(tasks)]
    found: dict[str, Any] = {"tasks": len(tasks), "files": len({t.path for t in tasks})}
    for mode in ("deps", "hybrid"):
        results = search(rows, mode)
        hits = [bool(t.gold & {r["path"] for r in result[:K]}) for t, result in zip(tasks, results, strict=True)]
        found[mode] = sum(hits) / len(hits)
        found[f"{mode}_missed"] = [f"{t.path}:{t.line} {t.name} (gold {', '.join(sorted(t.gold))})"
                                   for t, hit in zip(tasks, hits, strict=True) if not hit][:3]
    return found


def same_role_share(clone: Path, units: Sequence[dict[str, Any]], held_out: Sequence[str], tests: frozenset[str],
                    search: Search) -> dict[str, Any]:
    """The mean share of the top-5 `similar` results that share the held-out file's role."""
    units_per_path = Counter(u["path"] for u in units if not u.get("deprecated"))
    indexed = sorted(units_per_path)
    roles = {p: role_of(p, tests) for p in indexed}
    rows, targets = [], []
    for path in held_out:
        role = role_of(path, tests)
        members = sum(units_per_path[p] for p in indexed if same_role(role, roles[p]))
        text = (clone / path).read_text(encoding="utf-8", errors="replace")
        if members < MIN_ROLE_UNITS or not text.strip():
            continue
        last_import = max((i.line for i in file_imports(path, language_of(path), text)), default=0)
        rows.append({"id": len(rows), "path": path, "line": min(text.count("\n") + 1, last_import + 3)})
        targets.append(path)
    if not rows:
        return {"files": 0}
    shares, misses = [], []
    for path, result in zip(targets, search(rows, "similar"), strict=True):
        role = role_of(path, tests)
        same = [same_role(role, role_of(r["path"], tests)) for r in result[:K]]
        shares.append(sum(same) / len(same) if same else 0.0)
        misses += [f"{path} → {r['path']}" for r, ok in zip(result[:K], same, strict=True) if not ok][:1]
    return {"files": len(rows), "share": statistics.mean(shares), "examples": misses[:3]}


def queries_file(folder: Path, rows: list[dict[str, Any]]) -> Path:
    """`rows` written as an `idiom search --queries` file."""
    path = folder / "queries.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path
