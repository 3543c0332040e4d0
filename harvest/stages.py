"""Time and peak memory per stage of `idiom harvest` and `idiom dataset build`, for their `--json` summaries.

A run calls `lap(name)` at the end of each stage. Each lap records the seconds since the last one and
`peak_mb`, this process's resident high-water mark by the end of the stage: the stage whose lap first
shows the run's highest figure is where its memory peaked. On Linux the mark is the process's own
(`VmHWM`): `getrusage` would also count the process it was forked from, whose mark survives `exec`. (Linux
could reset the mark at each stage, but the reset also lowers what the process reports at exit, which
`wait4` and the benchmarks read.)
`children_peak_mb` is the largest child process that had ended by then: `git log -p`, and the pool's
workers, which end with the stage that used them.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path
from typing import Any

_STATUS = Path("/proc/self/status")


class StageClock:
    """The laps of one run, in order: name, seconds, peak_mb, children_peak_mb."""

    def __init__(self) -> None:
        self.figures: list[dict[str, Any]] = []
        self._started = time.perf_counter()

    def lap(self, name: str) -> None:
        """Close the stage `name`, which ran since the last lap (or since the clock started)."""
        now = time.perf_counter()
        self.figures.append({"name": name, "seconds": round(now - self._started, 2),
                             "peak_mb": _own_peak_mb(),
                             "children_peak_mb": _mb(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)})
        self._started = now


def _own_peak_mb() -> float:
    """This process's resident high-water mark in MB: its own on Linux, `getrusage`'s elsewhere."""
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)  # kB
    except OSError:
        pass
    return _mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _mb(maxrss: int) -> float:
    """`ru_maxrss` in MB: bytes on macOS, KiB elsewhere."""
    return round(maxrss / (1 << 20 if sys.platform == "darwin" else 1 << 10), 1)
