"""Retrieval on held-out files, as the editor would ask for it: the cursor in a file the index never saw.

- **Dependency recall@5**: positions in held-out files that use a name imported from another file of the
  repository, chosen and graded exactly as bench/deps_bench.py does (its `tasks_of`, over the held-out
  files instead of the indexed ones): the gold is the file the import names or the file defining the
  name behind a re-export. Asked in modes `deps` and `hybrid`, k = 5.
- **Same-role share**: for each held-out file whose role (bench/realworld/roles.py) has at least 5 indexed
  units, the cursor 3 lines below its last import, the share of the top-5 `similar` results of its role.

Queries go to the product's retriever (`Retriever.search` on a `focus_of_file`, what `idiom search --file
--line` runs) one at a time, so a query the product fails on counts as a miss and is reported with its
error, without taking the others with it.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
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


class Asker:
    """Position queries against one index; failures are counted, with the first one's message."""

    def __init__(self, clone: Path, retriever: Any) -> None:
        self.clone = clone
        self.retriever = retriever
        self.failed = 0
        self.first_failure: tuple[str, str] | None = None

    def top(self, path: str, line: int, mode: str) -> list[str]:
        """The paths of the top K results for the cursor at `line` of `path` ([] when the query fails)."""
        from router.strategies.rag.focus import focus_of_file

        try:
            return [hit.path for hit in self.retriever.search(focus_of_file(self.clone, path, line), k=K, mode=mode)]
        except Exception as exc:  # noqa: BLE001 - whatever the product raises on one query is a finding about it
            self.failed += 1
            self.first_failure = self.first_failure or (f"{type(exc).__name__} at {path}:{line} ({mode})",
                                                        str(exc)[:300])
            return []

    def failures(self) -> dict[str, Any]:
        """{"failed": count, "failure": where the first failed, "message": its error} (empty: none failed)."""
        if not self.failed:
            return {}
        return {"failed": self.failed, "failure": self.first_failure[0], "message": self.first_failure[1]}


def dependency_recall(clone: Path, index_folder: Path, held_out: Sequence[str], retriever: Any) -> dict[str, Any]:
    """Recall@5 of `deps` and `hybrid` on dependency tasks in the held-out files."""
    graph = CodeGraph.load(index_folder / "graph")
    tasks = tasks_of(clone, HeldOutGraph(graph, held_out), TASKS) if graph is not None else []
    if not tasks:
        return {"tasks": 0}
    asker = Asker(clone, retriever)
    found: dict[str, Any] = {"tasks": len(tasks), "files": len({t.path for t in tasks})}
    for mode in ("deps", "hybrid"):
        hits = [bool(t.gold & set(asker.top(t.path, t.line, mode))) for t in tasks]
        found[mode] = sum(hits) / len(hits)
        found[f"{mode}_missed"] = [f"{t.path}:{t.line} {t.name} (gold {', '.join(sorted(t.gold))})"
                                   for t, hit in zip(tasks, hits, strict=True) if not hit][:3]
    return {**found, **asker.failures()}


def same_role_share(clone: Path, units: Sequence[dict[str, Any]], held_out: Sequence[str], tests: frozenset[str],
                    retriever: Any) -> dict[str, Any]:
    """The mean share of the top-5 `similar` results that share the held-out file's role."""
    units_per_path = Counter(u["path"] for u in units if not u.get("deprecated"))
    roles = {p: role_of(p, tests) for p in units_per_path}
    asker = Asker(clone, retriever)
    shares, misses = [], []
    for path in held_out:
        role = role_of(path, tests)
        text = (clone / path).read_text(encoding="utf-8", errors="replace")
        lines = len(text.splitlines())
        if not lines or sum(n for p, n in units_per_path.items() if same_role(role, roles[p])) < MIN_ROLE_UNITS:
            continue
        last_import = max((i.line for i in file_imports(path, language_of(path), text)), default=0)
        found = asker.top(path, min(lines, last_import + 3), "similar")
        same = [same_role(role, role_of(p, tests)) for p in found]
        shares.append(sum(same) / len(same) if same else 0.0)
        misses += [f"{path} → {p}" for p, ok in zip(found, same, strict=True) if not ok][:1]
    if not shares:
        return {"files": 0}
    return {"files": len(shares), "share": statistics.mean(shares), "examples": misses[:3], **asker.failures()}
