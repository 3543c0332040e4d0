"""The MinHash bench on a small pairs file: both sketches timed, and each one's error against the true Jaccard
similarity of a text and an edited copy, small for both."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_bench_times_both_sketches_and_measures_their_error(tmp_path: Path) -> None:
    words = [f"name_{n}" for n in range(400)]
    lines = [json.dumps({"completion": " ".join(words[i:i + 60])}) for i in range(0, 300, 3)]
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text("\n".join(lines) + "\n")
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "minhash_bench.py"), str(pairs), "--pairs", "60",
                             "--json"], capture_output=True, text=True, check=True)
    figures = json.loads(result.stdout)
    assert figures["texts"] == 100 and figures["pairs"] == 60
    assert set(figures["seconds"]) == set(figures["error"]) == {"token hash", "sha1"}
    assert all(found["mean_absolute"] < 0.1 for found in figures["error"].values())
