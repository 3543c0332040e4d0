"""The real-world matrix (issue 15): the product measured on public repositories pinned by commit.

    python bench/realworld/run.py CLONES_DIR [--repos FILE] [--repo NAME ...] [--model hash|minilm]
                                  [--json] [--write-results]

For each repository of `bench/realworld/repos.toml` (or `--repos FILE`, the same shape), CLONES_DIR/<name> is
made a clone at the pinned commit (from ../.mirror/<owner>+<name>/repo beside the project when there is one,
else from GitHub). About 10% of its code files are held out (bench/realworld/holdout.py), the repository is
harvested and indexed into a temporary IDIOM_HOME by the `idiom` command, and these are computed:

1. test files recognised and mapped, against what its own test runner would collect (truth.py);
2. pairs per kind and split, and for each code kind with ≥ 20 pairs its share in eval + test; fim pairs per
   language and split, with their held-out share and any held-out file with a span in train (figures.py);
3. conventions mined, by category (figures.py);
4. `idiom lint` false flags on the held-out files;
5. injected breaks caught (breaks.py);
6. dependency recall@5 and the same-role share of look-alikes on held-out files (retrieval.py, roles.py);
7. the whole harvest's time as a ratio to `git log -p` on the same ref, and its peak memory (harvesting.py).

It prints one row per repository and the macro average with the targets beside them (report.py); `--json`
prints the results for scripts instead, `--write-results` replaces the matrix's section of bench/RESULTS.md.
The hash embedding is the default (fast); `--model minilm` indexes with the real one.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from rich.console import Console

from bench.environment import replaced_environment
from bench.realworld import breaks, figures, harvesting, report, retrieval
from bench.realworld.catalog import (
    REPOS_FILE,
    MatrixError,
    RepoSpec,
    ensure_clone,
    load_repos,
    tracked_files,
)
from bench.realworld.holdout import code_files, held_out
from bench.realworld.truth import collected_tests

BREAKS_PER_KIND = 25  # trials of each break kind per repository at most
INFORMATION = ("info", "information", "hint")  # lint severities that are not flags


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("clones", type=Path, metavar="CLONES_DIR", help="where the clones are kept (made if missing)")
    parser.add_argument("--repos", type=Path, default=REPOS_FILE, help="repositories file (default: repos.toml)")
    parser.add_argument("--repo", action="append", default=[], metavar="NAME",
                        help="only this repository (name or owner/name; repeatable)")
    parser.add_argument("--model", choices=("hash", "minilm"), default="hash", help="the index's embedding")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--write-results", action="store_true", help="replace the matrix section of bench/RESULTS.md")
    args = parser.parse_args(argv)
    console = Console(stderr=True)
    try:
        specs = _selected(load_repos(args.repos), args.repo)
        results = []
        for number, spec in enumerate(specs, 1):
            results.append(measure(spec, args.clones, args.model, console, f"[{number}/{len(specs)}] {spec.name}"))
    except MatrixError as exc:
        print(f"realworld: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        report.print_tables(results)
    if args.write_results:
        command = "python bench/realworld/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
        report.write_section(ROOT / "bench" / "RESULTS.md",
                             report.markdown(results, command, time.strftime("%Y-%m-%d"), _machine()))
        console.print(f"wrote the matrix section of {ROOT / 'bench' / 'RESULTS.md'}")
    return 0


def _selected(specs: list[RepoSpec], wanted: list[str]) -> list[RepoSpec]:
    if not wanted:
        return specs
    known = {s.name: s for s in specs} | {s.repo: s for s in specs}
    unknown = [w for w in wanted if w not in known]
    if unknown:
        raise MatrixError(f"unknown repository {unknown[0]!r}; known: {', '.join(s.name for s in specs)}")
    return list(dict.fromkeys(known[w] for w in wanted))


def measure(spec: RepoSpec, clones: Path, model: str, console: Console, label: str) -> dict[str, Any]:
    """Every figure of one repository."""
    started = time.perf_counter()

    @contextmanager
    def stage(name: str) -> Iterator[None]:
        begun = time.perf_counter()
        with console.status(f"{label}: {name}…"):
            yield
        console.print(f"{label}: {name} done in {time.perf_counter() - begun:.1f} s")

    with stage("clone"):
        clone = ensure_clone(spec, clones)
        paths = tracked_files(clone)
        held = held_out(paths)
    with stage("test files by the runners' rules"):
        truth = collected_tests(clone, paths)
    with tempfile.TemporaryDirectory(prefix=f"idiom-matrix-{spec.name}-") as scratch:
        workspace = harvesting.prepare(Path(scratch), held)
        try:
            with stage(f"idiom harvest ({len(held)} code files held out)"):
                harvested = harvesting.harvest(clone, workspace)
        except MatrixError as exc:  # the product failing on a repository is a finding, not the end of the run
            console.print(f"{label}: {exc}")
            return {"repo": spec.repo, "commit": spec.commit, "layout": spec.layout, "error": str(exc),
                    "seconds": time.perf_counter() - started}
        with stage(f"idiom index ({model})"):
            indexed_at = time.perf_counter()
            indexing = _attempt(lambda: harvesting.index(clone, workspace, model))
            index_seconds = time.perf_counter() - indexed_at
        files = figures.read_jsonl(harvested.harvest_dir / "files.jsonl")
        units = figures.read_jsonl(harvested.dataset_dir / "units.jsonl")
        kept = {f["path"] for f in files}
        linted = [p for p in held if p in kept]
        with stage("lint and injected breaks"), replaced_environment(workspace.environment(model)):
            lint, caught = _lint_and_breaks(clone, harvested.dataset_dir, paths, truth.tests, held, linted, units)
        with stage("retrieval"), replaced_environment(workspace.environment(model)):
            found = _retrieval(clone, workspace.home / "index", units, linted, truth.tests) \
                if "error" not in indexing else {"deps": indexing, "roles": indexing}
        result = {
            "repo": spec.repo, "commit": spec.commit, "layout": spec.layout, "languages": list(spec.languages),
            "files": {"tracked": len(paths), "code": len(code_files(paths)), "held_out": len(held)},
            "tests": figures.recognition(files, truth),
            "pairs": figures.pair_coverage(figures.read_jsonl(harvested.dataset_dir / "pairs.jsonl")),
            "fim": figures.fim_coverage(figures.read_jsonl(harvested.dataset_dir / "pairs.jsonl")),
            "conventions": figures.conventions_by_category(_rules(harvested.dataset_dir), units),
            "lint": lint, "breaks": caught, "retrieval": found,
            "cost": {"harvest_s": harvested.seconds, "git_log_s": harvested.floor_seconds,
                     "ratio": harvested.seconds / harvested.floor_seconds if harvested.floor_seconds else None,
                     "peak_mb": harvested.peak_mb,
                     "index_s": index_seconds, "commits": harvested.summary["counts"].get("commits", 0)},
        }
    if _git_status(clone):
        raise MatrixError(f"{clone} has changes after the injected breaks were undone: {_git_status(clone)[0]}")
    return {**result, "seconds": time.perf_counter() - started}


def _lint_and_breaks(clone: Path, dataset: Path, paths: list[str], tests: frozenset[str], held: list[str],
                     linted: list[str], units: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """`idiom lint` on the held-out files as they are, then on each injected break (undone after each)."""
    from harvest.config import load_harvest_config
    from harvest.conventions.lint import lint_files
    from harvest.conventions.store import load_conventions

    rules = load_conventions(dataset / "conventions.yaml")
    config = load_harvest_config(clone)

    def flags(targets: list[str]) -> list[Any]:
        return [v for v in lint_files(clone, targets, rules, config)
                if str(getattr(v, "severity", "")).lower() not in INFORMATION]

    found = flags(linted)
    flagged = sorted({v.path for v in found})
    lint = {"linted": len(linted), "flagged": len(flagged), "share": len(flagged) / len(linted) if linted else None,
            "examples": [f"{v.path}:{v.line} {v.rule}" for v in found][:5]}
    repo = breaks.Repository(clone, paths, tests, held, units)
    by_kind: dict[str, list[int]] = {}
    missed: list[str] = []
    for edit in breaks.plan(repo, BREAKS_PER_KIND, linted):
        hit = breaks.trial(clone, edit, lambda path: len(flags([path])))
        counts = by_kind.setdefault(edit.kind, [0, 0])
        counts[0] += hit
        counts[1] += 1
        if not hit:
            missed.append(f"{edit.kind}: {edit.path} ({edit.detail})")
    tried = sum(t for _, t in by_kind.values())
    caught = {"tried": tried, "caught": sum(c for c, _ in by_kind.values()),
              "share": sum(c for c, _ in by_kind.values()) / tried if tried else None,
              "by_kind": dict(sorted(by_kind.items())), "missed": missed[:12],
              "grain": {"units": {f"{f}:{k}": c for (f, k), c in repo.grain.unit_cases.items()},
                        "test_names": repo.grain.test_names, "absent": repo.grain.absent}}
    return lint, caught


def _retrieval(clone: Path, index: Path, units: list[dict[str, Any]], linted: list[str],
               tests: frozenset[str]) -> dict[str, Any]:
    """Dependency recall and same-role share on the held-out files, from the product's retriever."""
    from router.config import load_index_config
    from router.strategies.rag.retrieve import Retriever

    retriever = Retriever(index, load_index_config(clone))
    return {"deps": retrieval.dependency_recall(clone, index, linted, retriever),
            "roles": retrieval.same_role_share(clone, units, linted, tests, retriever)}


def _attempt(figure: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The figure, or {"error": …} when a product command it runs fails: a finding, not the end of the run."""
    try:
        return figure()
    except MatrixError as exc:
        return {"error": str(exc)}


def _rules(dataset: Path) -> list[dict[str, Any]]:
    import yaml

    document = yaml.safe_load((dataset / "conventions.yaml").read_text(encoding="utf-8")) or {}
    return [r for r in document.get("rules", []) if isinstance(r, dict)]


def _git_status(clone: Path) -> list[str]:
    done = subprocess.run(["git", "status", "--porcelain"], cwd=clone, capture_output=True, text=True, check=True)
    return done.stdout.splitlines()


def _machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else \
        platform.processor()
    return f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}"


if __name__ == "__main__":
    sys.exit(main())
