"""The cost of the code window around the cursor (router/fim/window.py) per request, against the window of an
earlier commit, in one process, on files of the real-world matrix's clones.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/window_bench.py [--baseline 5f48b11] [--files 60] [--keys 10]

Each file gets a cursor at a random place past its first quarter, then `--keys` characters typed there one by
one; every request (the text before and after the cursor) goes through both windows, which alternate over
two passes (the first pass also warms the caches). Needs `bench/realworld/run.py` to have cloned the
matrix into bench/.work/realworld/.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CLONES = ROOT / "bench" / ".work" / "realworld"
SOURCES = (".py", ".ts", ".tsx", ".js", ".go", ".java")

Window = Callable[[str, str], object]


def baseline_window(commit: str) -> Window:
    """The window function of router/fim/window.py at `commit` (its `window(code, before)` per side)."""
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{commit}:router/fim/window.py"],
                            capture_output=True, text=True, check=True).stdout
    path = Path(tempfile.mkdtemp()) / "baseline_window.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("baseline_window", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return lambda prefix, suffix: (module.window(prefix, True), module.window(suffix, False))


def typed_requests(files: int, keys: int, seed: int = 1) -> list[tuple[str, str]]:
    """(prefix, suffix) of every keystroke in `files` source files of 2–200 kB sampled from the clones."""
    rng = random.Random(seed)
    paths = sorted(p for p in CLONES.rglob("*") if p.suffix in SOURCES and p.is_file()
                   and 2_000 < p.stat().st_size < 200_000)
    requests = []
    for path in rng.sample(paths, min(files, len(paths))):
        text = path.read_text(encoding="utf-8", errors="replace")
        at = rng.randrange(len(text) // 4, len(text))
        for _ in range(keys):
            text, at = text[:at] + "x" + text[at:], at + 1
            requests.append((text[:at], text[at:]))
    return requests


def per_request_ms(window: Window, requests: list[tuple[str, str]]) -> float:
    started = time.perf_counter()
    for prefix, suffix in requests:
        window(prefix, suffix)
    return (time.perf_counter() - started) / len(requests) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", default="5f48b11", help="commit whose window is the baseline")
    parser.add_argument("--files", type=int, default=60)
    parser.add_argument("--keys", type=int, default=10)
    args = parser.parse_args()
    if not CLONES.exists():
        print(f"window bench skipped: no clones in {CLONES}; run bench/realworld/run.py first")
        return 0
    from router.fim.window import cursor_window

    requests = typed_requests(args.files, args.keys)
    old, new = baseline_window(args.baseline), cursor_window
    for run in ("cold", "warm", "warm"):
        before, after = per_request_ms(old, requests), per_request_ms(new, requests)
        print(f"{run}: {len(requests)} requests, baseline {before:.2f} ms, now {after:.2f} ms a request "
              f"({after / before:.2f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
