"""The gated scan two ways, same files, same process: the regex of every woken rule (before issue 16)
against the RE2 set passes that gate the provider rules and the detectors declaring a shape
(`harvest/scrub/multiscan.py`).

    python bench/scrub_gate_bench.py [--mb 4.5] [--repeats 9]

Prints (1) whether both give identical `scrub` output on every file, 1.5 KB hunk and corpus case,
(2) `scrub_bench.throughput` (ours and detect-secrets) once per mode, (3) scrub alone, the two modes
interleaved, best of --repeats, (4) the cost of the gate pass itself, and of the same loosened patterns
in Hyperscan when the `hyperscan` package is importable (it is not a dependency). Writes nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import scrub_bench

from harvest.scrub import PRECISE, scrub
from harvest.scrub.base import Detector
from harvest.scrub.detectors import Scanner
from harvest.scrub.evaluate import load_cases
from harvest.scrub.multiscan import loosen, provider_gate
from harvest.scrub.profile import Profile
from harvest.scrub.rulefile import provider_detectors

Mode = Callable[[Scanner, str, str, Profile], Sequence[Detector]]
GATED = Scanner.runnable


def per_rule(self: Scanner, text: str, low: str, profile: Profile) -> list[Detector]:
    """Every awake detector of the mode, no gate: each regex runs when its detector's keyword occurs."""
    return [d for d in self.awake(low) if profile.strict or not d.strict_only]


MODES: dict[str, Mode] = {"per-rule": per_rule, "re2-gate": GATED}
PROVIDERS = provider_detectors()


def hyperscan_gate() -> Callable[[str], set[str]] | None:
    """The same loosened patterns in one Hyperscan database, or None when it is missing or refuses them."""
    try:
        import hyperscan
    except ImportError:
        return None
    from harvest.scrub import multiscan

    owners = [(d.name, d.lowered, p.pattern) for d in PROVIDERS for p in d.patterns]
    flags = hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_UCP | hyperscan.HS_FLAG_ALLOWEMPTY
    for cap in (multiscan.CAP, 8, 0):  # Hyperscan rejects long Unicode-class counts: relax until it compiles
        saved, multiscan.CAP = multiscan.CAP, cap
        try:
            expressions = [(("(?i)" if low else "") + loosen(p).replace("(?P<", "(?<")).encode() for _, low, p in owners]
        finally:
            multiscan.CAP = saved
        db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        try:
            db.compile(expressions=expressions, ids=list(range(len(owners))), elements=len(owners), flags=[flags] * len(owners))
        except hyperscan.error as exc:
            print(f"hyperscan: counts capped at {cap} refused ({exc})")
            continue
        print(f"hyperscan: compiled with counts capped at {cap}")

        def candidates(text: str, db=db) -> set[str]:
            names: set[str] = set()
            db.scan(text.encode(), match_event_handler=lambda i, *_: names.add(owners[i][0]))
            return names

        return candidates
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=4.5, help="megabytes of source code to time (default 4.5)")
    parser.add_argument("--repeats", type=int, default=9, help="interleaved timings per mode (default 9)")
    args = parser.parse_args()
    files = scrub_bench.source_files(args.mb)
    texts = [(str(p), t) for p, t in files]
    hunks = [t[i : i + 1500] for _, t in texts for i in range(0, len(t), 1500)]
    cases = [c.text for f in sorted(scrub_bench.SHARED.glob("*/*.jsonl")) for c in load_cases(f)]
    size = sum(len(t.encode()) for _, t in texts)
    outputs = []
    for mode in MODES.values():
        Scanner.runnable = mode
        outputs.append([scrub(t, path=p, profile=PRECISE) for p, t in texts] + [scrub(h, profile=PRECISE) for h in hunks]
                       + [scrub(c, profile=PRECISE) for c in cases])
    print(f"identical scrub output on {len(outputs[0])} texts: {outputs[0] == outputs[1]}")
    for name, mode in MODES.items():
        Scanner.runnable = mode
        ours, hunk, theirs, _ = scrub_bench.throughput(files)
        print(f"scrub_bench.throughput, {name}: files {ours:.2f} MB/s, hunks {hunk:.2f} MB/s, "
              f"detect-secrets {theirs:.3f} MB/s, ratio {ours / theirs:.0f}x")
    best = {(name, kind): float("inf") for name in MODES for kind in ("files", "hunks")}
    for _ in range(args.repeats):
        for name, mode in MODES.items():
            Scanner.runnable = mode
            for kind, run in (("files", lambda: [scrub(t, path=p, profile=PRECISE) for p, t in texts]),
                              ("hunks", lambda: [scrub(h, profile=PRECISE) for h in hunks])):
                start = time.perf_counter()
                run()
                best[name, kind] = min(best[name, kind], time.perf_counter() - start)
    Scanner.runnable = GATED
    for (name, kind), seconds in best.items():
        print(f"scrub alone, {name}, {kind}: {size / seconds / 1e6:.2f} MB/s (best of {args.repeats})")
    providers = provider_gate(PROVIDERS)
    for label, gate in (("re2 set", lambda text: providers.candidates(text.encode())), ("hyperscan", hyperscan_gate())):
        if gate is not None:
            start = time.perf_counter()
            for _, text in texts:
                gate(text)
            print(f"gate pass alone, {label}: {time.perf_counter() - start:.3f} s over {size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
