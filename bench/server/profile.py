"""Where a request's time goes: the router's `answer()` under cProfile, in the bench's process, on the same
request the server is asked (the server adds the protocol and its queue to this; see server_bench.py).

The first call (cold: imports done, nothing of the index loaded) and the following ones (warm) are profiled
apart, since what the first request pays once is what loading at `initialized` should take away. cProfile
is the standard library's: no bench dependency for it (py-spy is not installed here; pyinstrument would
give the same call tree with less overhead, but not a different answer at this resolution).
"""

from __future__ import annotations

import cProfile
import pstats
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OURS = tuple(str(ROOT / part) for part in ("harvest", "router", "server"))


def profiled(call: Callable[[], Any], times: int) -> tuple[pstats.Stats, float]:
    """`call` run `times` times under cProfile: its statistics and the mean wall seconds per call."""
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(times):
        call()
    profiler.disable()
    return pstats.Stats(profiler), (time.perf_counter() - started) / times


def top_costs(stats: pstats.Stats, calls: int, count: int = 12) -> list[dict[str, Any]]:
    """The project's functions with the most cumulative time, per call of the profiled function, leaving out
    a function whose time is all inside one listed above it (a wrapper says nothing new)."""
    entries = []
    for (file, line, name), (_, calls_made, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        if file.startswith(OURS):
            entries.append({"function": f"{Path(file).relative_to(ROOT)}:{line} {name}",
                            "cumulative_ms": round(cumulative / calls * 1000, 2),
                            "own_ms": round(own / calls * 1000, 2), "calls": round(calls_made / calls, 1)})
    entries.sort(key=lambda e: -e["cumulative_ms"])
    chosen: list[dict[str, Any]] = []
    for entry in entries:
        if any(abs(entry["cumulative_ms"] - c["cumulative_ms"]) < 0.01 * max(c["cumulative_ms"], 1e-9)
               and entry["calls"] == c["calls"] for c in chosen):
            continue
        chosen.append(entry)
        if len(chosen) == count:
            break
    return chosen


def external_costs(stats: pstats.Stats, calls: int, count: int = 8) -> list[dict[str, Any]]:
    """The functions outside the project with the most own time per call (parsing, numpy, sqlite, torch)."""
    entries = [{"function": f"{Path(file).name}:{line} {name}", "own_ms": round(own / calls * 1000, 2)}
               for (file, line, name), (_, _, own, _, _) in stats.stats.items()  # type: ignore[attr-defined]
               if not file.startswith(OURS)]
    return sorted(entries, key=lambda e: -e["own_ms"])[:count]


def profile(call: Callable[[], Any], warm: int) -> dict[str, Any]:
    """The cold call and `warm` more, each profiled: their wall time and top costs."""
    cold, cold_s = profiled(call, 1)
    found: dict[str, Any] = {"cold_s": round(cold_s, 3), "cold_top": top_costs(cold, 1)}
    if warm:
        stats, warm_s = profiled(call, warm)
        found |= {"warm_calls": warm, "warm_ms": round(warm_s * 1000, 2), "warm_top": top_costs(stats, warm),
                  "warm_external": external_costs(stats, warm)}
    return found


def describe(found: dict[str, Any]) -> list[str]:
    """The profile as lines for the console and the report."""
    said = [f"answer() cold: {found['cold_s'] * 1000:.0f} ms; top cumulative costs:"]
    said += [f"  {e['cumulative_ms']:9.1f} ms  {e['function']}" for e in found["cold_top"]]
    if "warm_ms" in found:
        said.append(f"answer() warm: {found['warm_ms']:.1f} ms per call over {found['warm_calls']}; "
                    "top cumulative costs per call:")
        said += [f"  {e['cumulative_ms']:9.2f} ms  {e['function']} (×{e['calls']:g})" for e in found["warm_top"]]
        said.append("  outside the project, own time per call:")
        said += [f"  {e['own_ms']:9.2f} ms  {e['function']}" for e in found["warm_external"]]
    return said
