"""The server bench's arithmetic and its tables: overhead per request (what the editor waited minus the
model call), percentiles in milliseconds, the targets, and the Markdown section of bench/RESULTS.md
between its markers."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

BEGIN, END = "<!-- server-bench:begin -->", "<!-- server-bench:end -->"
HEADING = "## Language server overhead"  # the section written before the markers existed starts so
TARGET_P95_MS = 15.0  # at 20 developers typing, model time excluded (issues 7 and 17)
TARGET_FIRST_S = 1.0  # from `initialized` to the first inline completion's response (issue 17)
TARGET_GROWTH = 0.10  # server memory over the cancellation run

Result = dict[str, Any]


def percentile(samples: Sequence[float], q: float) -> float:
    """The `q` quantile (0..1) of `samples`, interpolated between the two nearest ranks."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = q * (len(ordered) - 1)
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def overheads(waited: Sequence[float], model: Sequence[float]) -> list[float]:
    """Seconds each request cost beyond its model call: what the client waited minus what the provider
    client timed (never below 0: the two clocks are read in different processes)."""
    if len(waited) != len(model):
        raise ValueError(f"{len(waited)} waits for {len(model)} model times")
    return [max(0.0, w - m) for w, m in zip(waited, model, strict=True)]


def summary(samples: Sequence[float]) -> dict[str, float]:
    """n, p50, p95 and p99 of `samples` (seconds), in milliseconds."""
    return {"n": len(samples), **{f"p{round(q * 100)}_ms": round(percentile(samples, q) * 1000, 2)
                                  for q in (0.50, 0.95, 0.99)}}


def verdicts(result: Result) -> dict[str, bool | None]:
    """Each target of one case: met, missed, or None when the run did not measure it."""
    typing = result["rows"].get("typing")
    memory = result.get("memory")
    return {"first request ≤ 1 s": result["first_s"] <= TARGET_FIRST_S,
            "p95 ≤ 15 ms typing": typing["p95_ms"] <= TARGET_P95_MS if typing else None,
            "memory growth < 10%": memory["growth"] < TARGET_GROWTH if memory else None}


ROW_TITLES = {"baseline": "router in-process (baseline)", "one": "server, 1 client",
              "many": "server, {clients} back to back", "typing": "server, {clients} typing (~{pause} s apart)"}


def rows(result: Result) -> list[list[str]]:
    """The case's overhead table: one row per mode measured, with its ratio to the baseline's p50."""
    base = result["rows"].get("baseline", {}).get("p50_ms")
    out = []
    for key, title in ROW_TITLES.items():
        row = result["rows"].get(key)
        if row:
            ratio = f"{row['p50_ms'] / base:.2f}x" if base else "—"
            out.append([title.format(clients=result["clients"], pause=result["pause_s"]), str(row["n"]),
                        f"{row['p50_ms']:.2f}", f"{row['p95_ms']:.2f}", f"{row['p99_ms']:.2f}", ratio])
    return out


HEADER = ["overhead per inline completion", "n", "p50 ms", "p95 ms", "p99 ms", "p50 / baseline"]


def lines(result: Result) -> list[str]:
    """What is said about a case besides its table: its index, its start, its memory, the targets."""
    said = [f"{result['units']} units in the index; {result['how']}; prepared in "
            + ", ".join(f"{k.removesuffix('_s')} {v:.1f} s" for k, v in result["prepared"].items()) + ".",
            (f"Server up (initialize answered) {result['start_s']:.2f} s after launch; first inline completion "
             f"responded to {result['first_s']:.2f} s after `initialized` ({result['first_overhead_s']:.2f} s of it "
             "overhead; the strategies load in the background from `initialized` and the first request waits for "
             "them).")]
    if result.get("debounce_ms"):
        said.append(f"Each request was sent {result['debounce_ms']:g} ms after its edit, as VS Code waits after the last "
                    "keystroke (the first request at once).")
    if cpu := result.get("cpu_s"):
        said.append(f"The server's CPU time (all threads) by then: {cpu['start']:.2f} s when initialize was answered, "
                    f"{cpu['first']:.2f} s when the first completion was.")
    if load := result.get("load"):
        said.append(f"1-minute load average of the machine ({result['cpus']} CPUs) {load[0]} before the server "
                    f"run, {load[1]} after.")
    if memory := result.get("memory"):
        said.append(f"{memory['requests']} requests, {memory['cancelled']} cancelled: server RSS "
                    f"{memory['before_mb']:.1f} MB → {memory['after_mb']:.1f} MB ({memory['growth']:+.1%}); "
                    f"answering afterwards at p50 {memory['after_p50_ms']:.2f} ms.")
    said.append("Targets: " + "; ".join(f"{name} {'met' if met else 'NOT met'}"
                                        for name, met in verdicts(result).items() if met is not None) + ".")
    if result.get("answered") is not None:
        said.append(f"{result['answered']} of {result['asked']} requests got an answer past the fast rules"
                    + (f" (the last refused: {result['refused']})." if result.get("refused") else "."))
    return said


def print_results(results: Sequence[Result]) -> None:
    for result in results:
        print(f"\n{result['case']}")
        widths = [max(len(h), *(len(r[i]) for r in rows(result))) for i, h in enumerate(HEADER)]
        for row in [HEADER, *rows(result)]:
            print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))))
        for line in lines(result):
            print(line)


def markdown(results: Sequence[Result], command: str, date: str, machine: str) -> str:
    """The RESULTS.md section, markers included."""
    out = [BEGIN, f"{HEADING} (issues 7 and 17)", "", f"Measured {date} on {machine} with:", "", f"    {command}", "",
           ("The real `idiom serve` (stdio) answers inline completions with the strategies allowed by the bench; "
            "a fake OpenAI server in its own process answers every model call without waiting (about 3 ms for one "
            "client, about 40 ms among twenty: Python's http.server sets no TCP_NODELAY, so Nagle's algorithm "
            "holds its reply). Overhead = what the "
            "client waited minus the model call as the provider client timed it; the baseline is the router's "
            "`answer()` in the bench's own process on the same requests. Every request follows an edit: the "
            "developer has typed one to four more characters of a line of the document, so no two requests ask "
            "the same (the instant answer, put in mid-line, is then often refused by the fast rules: the work "
            "measured is the same)."), ""]
    for result in results:
        out += [f"### {result['case']}", "", "| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER),
                *["| " + " | ".join(r) + " |" for r in rows(result)], "", *lines(result), ""]
    out.append(END)
    return "\n".join(out) + "\n"


def write_section(path: Path, section: str) -> None:
    """Replace the text between the markers in `path` by `section`; without markers, the section that
    starts with HEADING up to the next `## ` heading; else append it."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if BEGIN in text and END in text:
        before, rest = text.split(BEGIN, 1)
        after = rest.split(END, 1)[1].lstrip("\n")
    elif f"\n{HEADING}" in text:
        before, rest = text.split(f"\n{HEADING}", 1)
        before += "\n"
        following = rest.find("\n## ")
        after = rest[following + 1:] if following >= 0 else ""
    else:
        before, after = text.rstrip("\n") + ("\n\n" if text else ""), ""
    path.write_text(before + section + ("\n" + after if after else ""), encoding="utf-8")
