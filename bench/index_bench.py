"""The retrieval index: build throughput, incremental re-index, query latency and retrieval quality.

    python bench/index_bench.py [--repo artsy+palette] [--sizes 10000,100000]

Uses the snapshot the `fetch` tool brings (../.mirror/<owner>+<name>/repo), cloned into bench/.work/
and harvested into a temporary IDIOM_HOME; skipped, saying so, when it is missing. Each figure is
printed next to a baseline measured in the same run:
1. build with MiniLM against `SentenceTransformer.encode` of the same documents (throughput ratio);
2. re-index after a one-file change against the full build (share of the time);
3. query latency p50/p95 (BM25 + embeddings + fusion) at each size, with the deterministic hash
   embedding so 100k units build in minutes; MiniLM's own query encoding is timed apart.
Retrieval quality is measured by bench/deps_bench.py.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
MIRRORS = ROOT.parent / ".mirror"
RELATIVE_IMPORT = re.compile(r"""^import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+['"](\.{1,2}/[^'"]+)['"]""", re.MULTILINE)
EXTENSIONS = (".tsx", ".ts", "/index.tsx", "/index.ts", ".js", ".jsx")


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def harvest(name: str) -> tuple[Path, Path]:
    """Clone the snapshot and build its dataset; returns (work tree, units.jsonl)."""
    from harvest.config import load_harvest_config
    from harvest.dataset.build import build_dataset
    from harvest.mining.pipeline import mine

    work = ROOT / "bench" / ".work" / name.split("+", 1)[1]
    if not work.exists():
        subprocess.run(["git", "clone", "-q", str(MIRRORS / name / "repo"), str(work)], check=True)
    config = load_harvest_config(work)
    summary = mine(work, config, progress=False)
    dataset = build_dataset(Path(summary.output), config, progress=False)
    return work, Path(dataset.output) / "units.jsonl"


def build_and_encode(units_file: Path, folder: Path) -> None:
    from harvest.records import Unit, read_records
    from router.config import IndexConfig
    from router.strategies.rag.encoders import default_model, encoder
    from router.strategies.rag.index import build_index, document_of

    documents = [document_of(u) for u in read_records(units_file, Unit) if not u.deprecated]
    transformer = encoder(default_model())
    transformer.encode(documents[:64], batch_size=32)  # warm-up: first calls are not measured
    raw, _ = timed(lambda: transformer.encode(documents, batch_size=32, normalize_embeddings=True))
    full, stats = timed(lambda: build_index(units_file, folder, IndexConfig()))
    print(f"1. index build, {len(documents)} units with MiniLM: {full:.1f} s; raw encode of the same documents "
          f"{raw:.1f} s; throughput {raw / full:.0%} of raw encode (target >= 90%)")
    changed = _change_one_file(units_file)
    again, stats = timed(lambda: build_index(changed, folder, IndexConfig()))
    print(f"2. re-index after a one-file change ({stats.embedded} units re-embedded, {stats.deleted} deleted): "
          f"{again:.2f} s = {again / full:.1%} of the full build (target <= 2%)")


def _change_one_file(units_file: Path) -> Path:
    """A copy of units.jsonl in which every unit of one file has a changed body."""
    rows = [orjson.loads(line) for line in units_file.read_bytes().splitlines()]
    target = next(r["path"] for r in rows if r["kind"] in ("component", "function"))
    for row in rows:
        if row["path"] == target:
            row["text"] += "\n// changed\n"
    out = units_file.with_name("units-changed.jsonl")
    out.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    return out


def latency(units_file: Path, sizes: list[int]) -> None:
    from router.config import IndexConfig
    from router.strategies.rag.encoders import default_model, encoder
    from router.strategies.rag.index import build_index
    from router.strategies.rag.retrieve import Retriever

    rows = [orjson.loads(line) for line in units_file.read_bytes().splitlines()]
    queries = [r["name"] + " " + r["kind"] for r in rows[:200]]
    config = IndexConfig(embedding_model="hash")
    for size in sizes:
        folder = Path(tempfile.mkdtemp(prefix=f"idiom-index-{size}-"))
        synthetic = folder / "units.jsonl"
        with synthetic.open("wb") as out:
            for n in range(size):
                row = dict(rows[n % len(rows)])
                row["path"] = f"copy{n // len(rows)}/{row['path']}"
                row["id"] = f"{row['path']}#{row['name']}@{row['start_line']}"
                row["text"] = row["text"] + f"\n// copy {n // len(rows)}\n"
                out.write(orjson.dumps(row) + b"\n")
        built, _ = timed(lambda: build_index(synthetic, folder / "index", config))
        retriever = Retriever(folder / "index", config)
        for q in queries[:10]:
            retriever.search(q, mode="text")
        times = [timed(lambda q=q: retriever.search(q, k=10, mode="text"))[0] * 1000 for q in queries]
        times.sort()
        print(f"3. {size:>7} units (built in {built:.0f} s, hash embedding): query p50 "
              f"{statistics.median(times):.1f} ms, p95 {times[int(0.95 * len(times)) - 1]:.1f} ms (target p95 <= 20 ms)")
    transformer = encoder(default_model())
    transformer.encode(["warm up"])
    query_times = sorted(timed(lambda q=q: transformer.encode([q]))[0] * 1000 for q in queries[:100])
    print(f"   MiniLM query encoding alone: p50 {statistics.median(query_times):.1f} ms, "
          f"p95 {query_times[94]:.1f} ms (added to the figures above when MiniLM is the model)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repo", default="artsy+palette")
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args()
    if not (MIRRORS / args.repo / "repo").exists():
        print(f"index bench skipped: no snapshot {args.repo} under {MIRRORS}")
        return 0
    os.environ["IDIOM_HOME"] = tempfile.mkdtemp(prefix="idiom-index-bench-")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    work, units_file = harvest(args.repo)
    folder = Path(os.environ["IDIOM_HOME"]) / "index"
    print(f"## {args.repo}")
    build_and_encode(units_file, folder)
    latency(units_file, [int(s) for s in args.sizes.split(",") if s])
    return 0


if __name__ == "__main__":
    sys.exit(main())
