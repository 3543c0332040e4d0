"""The query embedding's precision against retrieval and time, on real repositories (issue 17).

    python bench/query_bench.py [--repos pallets+flask,fastapi+sqlmodel,vercel+swr] [--tasks 200]

Each repository is the `fetch` tool's snapshot (../.mirror/<owner>+<name>/repo), harvested and indexed with
MiniLM as deps_bench.py does. The index's query encoder is int8 (query_encoder.py); the float export it was
quantized from is made again here, by the same code with the quantization step left out. Both embed the
same queries: deps_bench's tasks (a line using a name imported from another file of the repository, the
cursor at its end), and the look-alike positions (a few lines below the imports of a file whose role has
other members).

Reported per encoder: the time to embed one query (p50, p95; the same queries, alternated), the cosine
between the two vectors of each query, the embedding retriever's recall@5/10 of the task's gold file, and
how much of the top 10 (`embedding` mode) and the top 5 (`hybrid`, what the RAG prompt reads) stay the same.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/: its secrets/ folder would shadow the standard library module numpy imports

if TYPE_CHECKING:
    from router.strategies.rag.query_encoder import QueryVectors

MIRRORS = ROOT.parent / ".mirror"


def float_encoder(model: str, folder: Path) -> QueryVectors:
    """The float ONNX export of `model`, written into `folder` by the index's own export without the int8 step."""
    from router.strategies.rag import query_encoder

    quantized = query_encoder._quantized
    query_encoder._quantized = lambda stage, expected: query_encoder.FLOAT  # the export as it was before int8
    try:
        form = query_encoder.export_query_encoder(model, folder, None)
    finally:
        query_encoder._quantized = quantized
    if form != query_encoder.FLOAT:
        raise SystemExit(f"query bench: no float export of {model}: {form}")
    return query_encoder.query_vectors(folder, model)


def timings(encoders: dict[str, QueryVectors], queries: list[str]) -> dict[str, list[float]]:
    """Milliseconds per query for each encoder, alternating encoders query by query (their caches bypassed)."""
    spent: dict[str, list[float]] = {name: [] for name in encoders}
    for query in queries:
        for name, encode in encoders.items():
            started = time.perf_counter()
            encode.uncached(query)
            spent[name].append((time.perf_counter() - started) * 1000)
    return spent


def compare(name: str, task_count: int) -> None:
    from bench.deps_bench import look_alike_focuses, tasks_of
    from bench.index_bench import harvest
    from harvest.graph import CodeGraph
    from router.config import IndexConfig
    from router.strategies.rag.focus import focus_of_file
    from router.strategies.rag.index import build_index, read_manifest
    from router.strategies.rag.retrieve import Retriever, dense_query
    from router.validation.stats import percentile

    work, units_file = harvest(name)
    folder = Path(os.environ["IDIOM_HOME"]) / "index" / name
    built = time.perf_counter()
    build_index(units_file, folder, IndexConfig())
    built = time.perf_counter() - built
    manifest = read_manifest(folder)
    retriever = Retriever(folder, IndexConfig())
    graph = CodeGraph.load(folder / "graph")
    tasks = tasks_of(work, graph, task_count)
    focuses = [focus_of_file(work, t.path, t.line) for t in tasks] + look_alike_focuses(work, retriever, graph, 100)
    float_folder = Path(os.environ["IDIOM_HOME"]) / "float-encoder" / name
    float_folder.mkdir(parents=True)
    encoders = {"float": float_encoder(manifest["model"], float_folder), "int8": retriever.query_vector}
    print(f"## {name}: {len(retriever.rows)} units (indexed in {built:.0f} s); query encoder {manifest['query_encoder']}; "
          f"{len(tasks)} dependency tasks, {len(focuses) - len(tasks)} look-alike positions")
    queries = [dense_query(f) for f in focuses]
    for query in queries[:5]:  # warm-up
        for encode in encoders.values():
            encode.uncached(query)
    spent = timings(encoders, queries)
    float_p50 = statistics.median(spent["float"])
    for label, times in spent.items():
        print(f"   {label:>5}: {statistics.median(times):.2f} ms p50, {percentile(times, 0.95):.2f} ms p95 per query "
              f"({statistics.median(times) / float_p50:.2f}x float's p50)")
    cosines = [float(encoders["float"](q) @ encoders["int8"](q)) for q in queries]
    print(f"   cosine float/int8 per query: min {min(cosines):.4f}, p5 {percentile(cosines, 0.05):.4f}, "
          f"median {statistics.median(cosines):.4f}")
    results: dict[str, dict[str, list[list[str]]]] = {}
    for label, encode in encoders.items():
        retriever.query_vector = encode
        results[label] = {mode: [[f"{h.path}:{h.name}" for h in retriever.search(f, k=k, mode=mode)]
                                 for f in focuses] for mode, k in (("embedding", 10), ("hybrid", 5))}
    for label in encoders:
        found = results[label]["embedding"][:len(tasks)]
        at = {k: sum(bool(t.gold & {hit.split(":")[0] for hit in hits[:k]}) for t, hits in zip(tasks, found, strict=True))
              for k in (5, 10)}
        print(f"   {label:>5}: embedding recall@5 {at[5] / len(tasks):.0%}, @10 {at[10] / len(tasks):.0%}")
    for mode in ("embedding", "hybrid"):
        overlaps = [len(set(a) & set(b)) / max(len(a), 1) for a, b in
                    zip(results["float"][mode], results["int8"][mode], strict=True)]
        same = sum(a == b for a, b in zip(results["float"][mode], results["int8"][mode], strict=True))
        print(f"   {mode}: the int8 top {10 if mode == 'embedding' else 5} shares {statistics.mean(overlaps):.1%} of "
              f"float's on average; identical, order included, for {same} of {len(focuses)} positions")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repos", default="pallets+flask,fastapi+sqlmodel,vercel+swr")
    parser.add_argument("--tasks", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    with tempfile.TemporaryDirectory(prefix="idiom-query-bench-") as home:
        os.environ["IDIOM_HOME"] = home
        for name in args.repos.split(","):
            if not (MIRRORS / name / "repo").exists():
                print(f"query bench: no snapshot {name} under {MIRRORS}; bring it with the fetch tool")
                continue
            compare(name, args.tasks)
    return 0


if __name__ == "__main__":
    sys.exit(main())
