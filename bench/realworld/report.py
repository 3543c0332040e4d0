"""The matrix as tables: one row per repository and the macro average, each figure beside its target, on the
console (rich) and as the Markdown section of bench/RESULTS.md between its markers."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BEGIN, END = "<!-- realworld:begin -->", "<!-- realworld:end -->"

Result = dict[str, Any]


@dataclass(frozen=True)
class Figure:
    """A column: how to read it from a repository's result, show it, and judge it against the target."""

    title: str
    target: str
    value: Callable[[Result], float | None]
    show: Callable[[float], str]
    met: Callable[[float], bool] | None = None


def _get(*keys: str) -> Callable[[Result], float | None]:
    def read(result: Result) -> float | None:
        value: Any = result
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else \
            (1.0 if value is True else 0.0 if value is False else None)
    return read


def _pct(value: float) -> str:
    return f"{value:.0%}"


FIGURES = (
    Figure("tests recognised", "≥ 95%", _get("tests", "recall"), _pct, lambda v: v >= 0.95),
    Figure("test precision", "—", _get("tests", "precision"), _pct),
    Figure("tests mapped", "≥ 80%", _get("tests", "mapped_share"), _pct, lambda v: v >= 0.8),
    Figure("code kinds split well", "all", _get("pairs", "share_ok"), _pct, lambda v: v >= 1.0),
    Figure("conventions ≥ 8 over ≥ 3 categories", "yes", _get("conventions", "ok"),
           lambda v: "yes" if v >= 1 else "no" if v <= 0 else _pct(v), lambda v: v >= 1.0),
    Figure("held-out files flagged", "≤ 2%", _get("lint", "share"), _pct, lambda v: v <= 0.02),
    Figure("breaks caught", "≥ 90%", _get("breaks", "share"), _pct, lambda v: v >= 0.9),
    Figure("same-role top-5", "≥ 80%", _get("retrieval", "roles", "share"), _pct, lambda v: v >= 0.8),
    Figure("dep recall@5", "≥ 0.95", _get("retrieval", "deps", "hybrid"), lambda v: f"{v:.2f}", lambda v: v >= 0.95),
    Figure("harvest ÷ git log -p", "—", _get("cost", "ratio"), lambda v: f"{v:.1f}x"),
    Figure("peak MB", "—", _get("cost", "peak_mb"), lambda v: f"{v:.0f}"),
)


def macro(results: Sequence[Result], figure: Figure) -> float | None:
    """The figure's mean over the repositories it applies to."""
    values = [v for r in results if (v := figure.value(r)) is not None]
    return statistics.mean(values) if values else None


def cell(figure: Figure, value: float | None, mark: bool = True) -> str:
    if value is None:
        return "n/a"
    text = figure.show(value)
    return text + (" ✗" if mark and figure.met is not None and not figure.met(value) else "")


def main_rows(results: Sequence[Result]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the main table: repositories, the macro average, the targets."""
    header = ["repository", *[f.title for f in FIGURES]]
    rows = [[r["repo"], *[cell(f, f.value(r)) for f in FIGURES]] for r in results]
    rows.append(["**macro average**", *[cell(f, macro(results, f)) for f in FIGURES]])
    rows.append(["target", *[f.target for f in FIGURES]])
    return header, rows


def detail_rows(results: Sequence[Result]) -> dict[str, tuple[list[str], list[list[str]]]]:
    """The tables behind the main one: tests, pairs, conventions, lint and breaks, retrieval, cost (repositories
    the product failed on are left out: their failure is listed under the tables)."""
    results = [r for r in results if "error" not in r]
    tests = (["repository", "runners", "test files (truth)", "recognised", "said test", "mapped", "missed, e.g.",
              "said test but not, e.g."],
             [[r["repo"], ", ".join(f"{k} {v}" for k, v in r["tests"]["runners"].items()) or "none",
               str(r["tests"]["truth"]), str(r["tests"]["recognised"]), str(r["tests"]["said_test"]),
               str(r["tests"]["mapped"]), _examples(r["tests"]["missed"]), _examples(r["tests"]["false"])]
              for r in results])
    pairs = (["repository", "pairs per kind (train/eval/test)", "code kinds ≥ 20 pairs: eval+test share, test count"],
             [[r["repo"], ", ".join(f"{k} {v['train']}/{v['eval']}/{v['test']}" for k, v in r["pairs"]["by_kind"].items()),
               ", ".join(f"{k} {v['held_share']:.0%}/{v['test']}{'' if v['ok'] else ' ✗'}"
                         for k, v in r["pairs"]["code_kinds"].items()) or "none"] for r in results])
    conventions = (["repository", "code units", "proposed", "by category"],
                   [[r["repo"], str(r["conventions"]["code_units"]), str(r["conventions"]["proposed"]),
                     ", ".join(f"{k} {v}" for k, v in r["conventions"]["categories"].items()) or "none"] for r in results])
    breaks = (["repository", "held out (code)", "flagged", "breaks caught by kind"],
              [[r["repo"], f"{r['lint']['linted']} of {r['files']['code']}", str(r["lint"]["flagged"]),
                ", ".join(f"{k} {c}/{t}" for k, (c, t) in r["breaks"]["by_kind"].items()) or "none"] for r in results])
    retrieval = (["repository", "dep tasks (files)", "recall@5 deps / hybrid", "look-alike files", "same-role share"],
                 [[r["repo"], f"{r['retrieval']['deps'].get('tasks', 0)} ({r['retrieval']['deps'].get('files', 0)})",
                   r["retrieval"]["deps"].get("error") or _pair(r["retrieval"]["deps"], "deps", "hybrid")
                   + _failed(r["retrieval"]["deps"]),
                   str(r["retrieval"]["roles"].get("files", 0)),
                   (r["retrieval"]["roles"].get("error") or _fmt(r["retrieval"]["roles"].get("share"), _pct))
                   + _failed(r["retrieval"]["roles"])] for r in results])
    cost = (["repository", "commits", "harvest s", "git log -p s", "ratio", "peak MB", "index s"],
            [[r["repo"], str(r["cost"]["commits"]), f"{r['cost']['harvest_s']:.1f}",
              _fmt(r["cost"]["git_log_s"], lambda v: f"{v:.2f}"), _fmt(r["cost"]["ratio"], lambda v: f"{v:.1f}x"),
              f"{r['cost']['peak_mb']:.0f}", f"{r['cost']['index_s']:.1f}"] for r in results])
    return {"Test files": tests, "Pairs": pairs, "Conventions": conventions, "Lint and injected breaks": breaks,
            "Retrieval on held-out files": retrieval, "Cost": cost}


def markdown(results: Sequence[Result], command: str, date: str, machine: str) -> str:
    """The RESULTS.md section, markers included."""
    lines = [BEGIN, "## Real-world matrix (issue 15)", "",
             f"Measured {date} on {machine} with:", "", f"    {command}", "",
             ("Each repository is cloned at its pinned commit (bench/realworld/repos.toml) and harvested with about 10% "
              "of its code files held out (a seeded hash of the path); figures are defined in bench/realworld/. "
              "✗ marks a figure that misses its target; n/a, a figure that does not apply."), ""]
    lines += _markdown_table(*main_rows(results))
    failures = [f"- {r['repo']}: {r['error']}" for r in results if "error" in r]
    if failures:
        lines += ["", "The product failed on:", "", *failures]
    for title, table in detail_rows(results).items():
        lines += ["", f"### {title}", ""] + _markdown_table(*table)
    lines.append(END)
    return "\n".join(lines) + "\n"


def write_section(path: Path, section: str) -> None:
    """Replace the text between the markers in `path` by `section` (append it when the markers are absent)."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if BEGIN in text and END in text:
        before, rest = text.split(BEGIN, 1)
        after = rest.split(END, 1)[1].lstrip("\n")
        text = before + section + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + ("\n\n" if text else "") + section
    path.write_text(text, encoding="utf-8")


def print_tables(results: Sequence[Result]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=max(160, Console().width))
    for title, (header, rows) in {"Real-world matrix": main_rows(results), **detail_rows(results)}.items():
        table = Table(title=title, show_lines=False)
        for column in header:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*[c.replace("**", "") for c in row])
        console.print(table)
    for result in results:
        if "error" in result:
            console.print(f"{result['repo']}: {result['error']}")


def _markdown_table(header: list[str], rows: list[list[str]]) -> list[str]:
    def escape(text: str) -> str:
        return text.replace("|", "\\|")

    return ["| " + " | ".join(escape(h) for h in header) + " |", "|" + "---|" * len(header),
            *["| " + " | ".join(escape(c) for c in row) + " |" for row in rows]]


def _examples(paths: Sequence[str]) -> str:
    return ", ".join(f"`{p}`" for p in paths[:2]) or "—"


def _pair(found: dict[str, Any], first: str, second: str) -> str:
    return f"{_fmt(found.get(first), lambda v: f'{v:.2f}')} / {_fmt(found.get(second), lambda v: f'{v:.2f}')}"


def _failed(found: dict[str, Any]) -> str:
    """"; 3 queries failed (DuplicateIDError at path:line (mode))" when the product failed on some queries."""
    return f"; {found['failed']} queries failed ({found['failure']})" if found.get("failed") else ""


def _fmt(value: float | None, show: Callable[[float], str]) -> str:
    return "n/a" if value is None else show(value)
