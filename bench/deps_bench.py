"""Code-aware retrieval against text retrieval, on real repositories.

    python bench/deps_bench.py [--repos radix-ui+primitives,fastapi+sqlmodel] [--tasks 300] [--model minilm|hash]

Each repository is the snapshot the `fetch` tool brings (../.mirror/<owner>+<name>/repo), cloned into
bench/.work/, harvested and indexed into a temporary IDIOM_HOME (skipped, saying so, when missing).

Tasks, as issue 8 describes them: a file of the repository is the one being written (its own units are
left out of every result); the cursor is on a line that uses a name the file imports from another file
of the repository (or, in Go and Java, takes from another file of its package); the gold is the file
that defines the name or the file the import statement names (the barrel that re-exports it). A Go
import names a folder, not a file: there the gold is the defining file alone when the name resolves. Every retriever sees the same position: BM25, embeddings and their
fusion get the path, the 12 lines above and the line; `deps` and `hybrid` also read the file's imports.
Reported: recall@1/5/10 and query latency p50/p95 per mode, with latency as a ratio to BM25 measured
in the same run. The gold comes from the code graph's resolution, so it is checked apart: the share of
gold files that hold a definition of the name by a plain regex.

Look-alikes: for files whose role (`components/*/*.spec.tsx`, `routers/*.py`) has other members, with
the cursor a few lines below the imports, the share of top-5 `similar` results of the same role,
against the share in the top 5 of text retrieval.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
MIRRORS = ROOT.parent / ".mirror"
MODES = ("bm25", "embedding", "text", "deps", "hybrid")
PER_FILE = 2  # tasks per file, so a few long files do not decide the result
NAME = re.compile(r"[A-Za-z_$][\w$]*")
STRING_OR_COMMENT = re.compile(r"""(['"`])(?:\\.|(?!\1).)*\1|//.*$|#.*$""")
DEFINES = re.compile(r"^\s*(?:/\*.*?\*/\s*)?(?:export\s+)?(?:default\s+)?(?:async\s+)?(?:declare\s+)?(?:abstract\s+)?"
                     r"(?:function\*?|class|interface|type|enum|const|let|var|def)\s+([A-Za-z_$][\w$]*)|"
                     r"^([A-Za-z_][\w]*)\s*(?::[^=]*)?=[^=]", re.MULTILINE)


@dataclass(frozen=True)
class Task:
    path: str
    line: int
    name: str
    gold: frozenset[str]
    definition_path: str
    definition_name: str
    rivals: int  # other imported names on the line that are defined in other files
    wanted: str  # the name to look for without the graph: the definition's, else the imported one


def tasks_of(work: Path, graph, count: int) -> list[Task]:
    """Positions that use an imported name of the repository, at most PER_FILE per file, sampled."""
    from harvest.graph import MODULE, file_facts
    from harvest.graph.packages import FOLDER_PACKAGES

    rng = random.Random(8)
    chosen: list[Task] = []
    for path in sorted(graph.files):
        language = graph.files[path].language
        text = (work / path).read_text(encoding="utf-8", errors="replace")
        bindings = [b for b in graph.bind(path, language, file_facts(path, language, text).bindings)
                    if b.target and not b.reexport and b.local != "*"]
        by_local: dict[str, list] = {}  # `import a` and `import a.b` both bind `a`
        for b in bindings:
            by_local.setdefault(b.local, []).append(b)
        last_import = max((b.line for b in bindings), default=0)
        found = []
        for number, line in enumerate(text.splitlines(), 1):
            if number <= last_import:
                continue
            uses = []
            for name in dict.fromkeys(NAME.findall(STRING_OR_COMMENT.sub(" ", line))):  # names used as code
                if name not in by_local:
                    continue
                binding, dotted = _dotted_use(by_local[name], line)
                member = re.search(rf"(?<![\w$.]){re.escape(dotted)}\.([A-Za-z_$][\w$]*)", line)
                imported = member.group(1) if binding.imported == MODULE and member else binding.imported
                resolution = graph.find(binding.target, imported)
                if resolution is not None and resolution.definition is None and member:  # a re-exported namespace
                    resolution = graph.find(resolution.path, member.group(1)) or resolution
                defined = (resolution.path, resolution.definition.name if resolution.definition else "") \
                    if resolution else ("", "")
                wanted = defined[1] or (member.group(1) if binding.imported == MODULE and member else imported)
                uses.append((name, binding.target, *defined, wanted))
            for name, target, defining, defined_as, wanted in uses:
                rivals = len({u[2] or u[1] for u in uses} - {defining or target})
                named = "" if defining and language in FOLDER_PACKAGES else target
                found.append(Task(path, number, name, frozenset({named, defining} - {""}), defining, defined_as,
                                  rivals, wanted))
        chosen += rng.sample(found, min(PER_FILE, len(found)))
    return sorted(rng.sample(chosen, min(count, len(chosen))), key=lambda t: (t.path, t.line))


def _dotted_use(bindings: list, line: str) -> tuple:
    """The binding a use on `line` goes through, and the dotted name it is used by: after `import a` and
    `import a.b`, `a.b.X` goes through the second, `a.X` through the first."""
    for binding in bindings:
        if binding.module.startswith(binding.local + ".") and \
                re.search(rf"(?<![\w$.]){re.escape(binding.module)}\.", line):
            return binding, binding.module
    plain = [b for b in bindings if not b.module.startswith(b.local + ".")]
    return (plain or bindings)[0], bindings[0].local


def gold_check(work: Path, tasks: list[Task]) -> float:
    """Share of resolved tasks whose defining file holds `def/class/function/const … NAME` (or `NAME =`)."""
    checked = [t for t in tasks if t.definition_name]
    ok = sum(bool(re.search(rf"\b(def|class|function|const|let|var|interface|type|enum)\s+"
                            rf"{re.escape(t.definition_name)}\b|^\s*{re.escape(t.definition_name)}\s*[:=]",
                            (work / t.definition_path).read_text(encoding="utf-8", errors="replace"), re.MULTILINE))
             for t in checked)
    return ok / len(checked) if checked else 0.0


def regex_definitions(work: Path, paths: list[str]) -> dict[str, set[str]]:
    """Name → files that define it by a plain regex: a gold that does not come from the code graph."""
    defined: dict[str, set[str]] = {}
    for path in paths:
        for match in DEFINES.finditer((work / path).read_text(encoding="utf-8", errors="replace")):
            defined.setdefault(match.group(1) or match.group(2), set()).add(path)
    return defined


def recall(work: Path, retriever, tasks: list[Task], defined: dict[str, set[str]]) -> dict[str, float]:
    from router.strategies.rag.focus import focus_of_file
    from router.validation.stats import percentile

    focuses = [focus_of_file(work, t.path, t.line) for t in tasks]
    for focus in focuses[:5]:  # warm-up: first calls load the model and fill caches
        for mode in MODES:
            retriever.search(focus, k=10, mode=mode)
    medians = {}
    for mode in MODES:
        found = Counter()
        times = []
        graded = [t for t in tasks if defined.get(t.wanted)]
        for task, focus in zip(tasks, focuses, strict=True):
            started = time.perf_counter()
            paths = [h.path for h in retriever.search(focus, k=10, mode=mode)]
            times.append((time.perf_counter() - started) * 1000)
            for k in (1, 5, 10):
                found[k] += bool(task.gold & set(paths[:k]))
            found["regex"] += bool(defined.get(task.wanted, set()) & set(paths[:5]))
        medians[mode] = statistics.median(times)
        print(f"   {mode:>9}: recall@1 {found[1] / len(tasks):.0%}, @5 {found[5] / len(tasks):.0%}, "
              f"@10 {found[10] / len(tasks):.0%} (regex gold @5: {found['regex'] / len(graded):.0%} of "
              f"{len(graded)}); latency p50 {medians[mode]:.1f} ms, "
              f"p95 {percentile(times, 0.95):.1f} ms ({medians[mode] / medians['bm25']:.1f}x BM25's p50)")
    return medians


def look_alike_focuses(work: Path, retriever, graph, count: int) -> list:
    """Up to `count` positions, sampled: a few lines below the imports of a file whose role has other members."""
    from router.strategies.rag.focus import focus_of_file

    rows_per_role = Counter(retriever.roles.of(p).name for p in set(retriever.rows.paths.values))
    targets = [p for p in sorted(set(retriever.rows.paths.values)) if p in graph.files
               and rows_per_role[retriever.roles.of(p).name] >= 2]
    focuses = []
    for path in random.Random(8).sample(targets, min(count, len(targets))):
        lines = max(1, len((work / path).read_text(encoding="utf-8", errors="replace").splitlines()))
        last_import = max((b.line for b in graph.files[path].bindings), default=0)
        focuses.append(focus_of_file(work, path, min(lines, last_import + 3)))
    return focuses


def look_alikes(work: Path, retriever, graph, count: int) -> None:
    targets = look_alike_focuses(work, retriever, graph, count)
    shares: dict[str, list[float]] = {"similar": [], "text": []}
    for focus in targets:
        role = retriever.roles.of(focus.path).name
        for mode in shares:
            hits = retriever.search(focus, k=5, mode=mode)
            if hits:
                shares[mode].append(sum(retriever.roles.of(h.path).name == role for h in hits) / len(hits))
    print(f"   look-alikes on {len(targets)} files whose role has other members: same-role share of the top 5 "
          f"is {statistics.mean(shares['similar']):.0%} for `similar` (target >= 80%) against "
          f"{statistics.mean(shares['text']):.0%} for text retrieval")


def run(name: str, task_count: int, model: str) -> None:
    from bench.index_bench import harvest
    from harvest.graph import CodeGraph
    from router.config import IndexConfig
    from router.strategies.rag.index import build_index
    from router.strategies.rag.retrieve import Retriever

    work, units_file = harvest(name)
    folder = Path(os.environ["IDIOM_HOME"]) / "index" / name
    config = IndexConfig(embedding_model="hash" if model == "hash" else "")
    built = timed(lambda: build_index(units_file, folder, config))
    graph = CodeGraph.load(folder / "graph")
    retriever = Retriever(folder, config)
    tasks = tasks_of(work, graph, task_count)
    print(f"## {name}: {len(graph.files)} code files, {len(retriever.rows)} units (indexed in {built:.0f} s, "
          f"{model}); {len(tasks)} tasks from {len({t.path for t in tasks})} files; "
          f"{sum(len(t.gold) > 1 for t in tasks)} reach their definition through a barrel or re-export")
    resolved = sum(bool(t.definition_name) for t in tasks)
    print(f"   gold check: {resolved} tasks resolve to a definition; {gold_check(work, tasks):.0%} of their defining "
          f"files hold it by regex; {sum(t.rivals > 0 for t in tasks)} tasks share their line with names "
          "from other files")
    recall(work, retriever, tasks, regex_definitions(work, sorted(graph.files)))
    look_alikes(work, retriever, graph, 150)


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repos", default="radix-ui+primitives,fastapi+sqlmodel")
    parser.add_argument("--tasks", type=int, default=300)
    parser.add_argument("--model", choices=["minilm", "hash"], default="minilm")
    args = parser.parse_args()
    os.environ["IDIOM_HOME"] = tempfile.mkdtemp(prefix="idiom-deps-bench-")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    for name in args.repos.split(","):
        if not (MIRRORS / name / "repo").exists():
            print(f"deps bench: no snapshot {name} under {MIRRORS}; bring it with the fetch tool")
            continue
        run(name, args.tasks, args.model)
    return 0


if __name__ == "__main__":
    sys.exit(main())
