"""`idiom suite generate` and `idiom validate`: the commands over validation's suites and the runner
(router/validate.py), which asks the strategies and so lives beside routing, not in validation/."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import click

from harvest.errors import InputError
from router.strategies.registry import NAMES, ROUTED

REPO = click.Path(path_type=Path, file_okay=False)


@click.group("suite")
def suite_group() -> None:
    """Validation suites: cases with the rules their completions must follow."""


@suite_group.command("generate")
@click.argument("repo", type=REPO, default=".")
@click.option("--dataset", "dataset_name", default="",
              help="Which dataset (default: the only one, else the indexed one).")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="Where to write (default: "
                                                                           ".idiom/suites/default.yaml).")
@click.option("--max-cases", type=click.IntRange(min=1), default=40, show_default=True, help="At most this many cases.")
@click.option("--max-inline-cases", type=click.IntRange(min=0), default=40, show_default=True,
              help="And at most this many span completions (kind inline) from the held-out fim pairs.")
def generate_command(repo: Path, dataset_name: str, out: Path | None, max_cases: int, max_inline_cases: int) -> None:
    """Write a default suite from the held-out test pairs and the mined conventions, round-robin over the code
    kinds (no training pair is reused), with span completions (kind inline) from the held-out files' fim pairs."""
    from harvest.store import Artifacts
    from router.validation.generate import generate_suite
    from router.validation.suite import write_suite

    suite = generate_suite(Artifacts(repo).dataset(dataset_name, option="--dataset"), max_cases, max_inline_cases)
    if not suite.cases:
        raise InputError("the dataset's test split holds no code pairs to build cases from; harvest more history "
                         "or raise [harvest] test_share")
    target = out or Artifacts(repo).suite
    write_suite(target, suite)
    kinds = Counter(c.kind for c in suite.cases)
    click.echo(f"wrote {len(suite.cases)} cases ({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))}) "
               f"to {target}; edit it freely")


@click.command("validate")
@click.argument("repo", type=REPO, default=".")
@click.option("--suite", "suite_path", type=click.Path(path_type=Path, dir_okay=False),
              help="The suite (default: .idiom/suites/default.yaml).")
@click.option("--strategies", default=",".join([n for n in NAMES if n not in ROUTED] + list(ROUTED)), show_default=True,
              help=f"Comma-separated strategies to run every case through (of {', '.join(NAMES)}); plain, the "
                   "control, gives the others' uplift.")
@click.option("--allow-commands", is_flag=True, help="Run `command` rules (linters, type checkers) from the suite. "
                                                     "Off by default: a suite from a repository is untrusted.")
@click.option("--max-tokens", type=click.IntRange(min=1), default=256, show_default=True, help="Room for each answer.")
@click.option("--junit", type=click.Path(path_type=Path, dir_okay=False), help="Also write JUnit XML here (for CI).")
@click.option("--json", "as_json", is_flag=True, help="Print the run as JSON.")
def validate_command(repo: Path, suite_path: Path | None, strategies: str, allow_commands: bool, max_tokens: int,
                     junit: Path | None, as_json: bool) -> None:
    """Run every case of a suite through each strategy; store the results in .idiom/idiom.db and print pass
    rates (95% Wilson intervals), cost, latency and paired comparisons per strategy × kind."""
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from harvest.conventions.store import load_conventions
    from harvest.store import Artifacts
    from router.config import load_index_config
    from router.providers import load_router_config
    from router.validate import as_json as run_json
    from router.validate import run_suite, summary, write_junit
    from router.validation.rules import Context
    from router.validation.suite import load_suite

    names = [s.strip() for s in strategies.split(",") if s.strip()]
    unknown = sorted(set(names) - set(NAMES))
    if unknown or not names:
        problem = f"unknown {', '.join(unknown)}" if unknown else "none given"
        raise InputError(f"--strategies: {problem}; valid: {', '.join(NAMES)}")
    artifacts = Artifacts(repo)
    path = suite_path or artifacts.suite
    if not path.is_file():
        raise InputError(f"no suite at {path}; write one or run `idiom suite generate {repo}`")
    suite = load_suite(path)
    conventions_file = artifacts.conventions()
    conventions = {r.id: r for r in load_conventions(conventions_file)} if conventions_file.is_file() else {}
    allowed = allow_commands or os.environ.get("IDIOM_ALLOW_COMMANDS", "") in ("1", "true")
    skipped = sorted({c.id for c in suite.cases for a in c.asserts if a.type.removeprefix("not-") == "command"})
    if skipped and not allowed:
        click.echo(f"not running `command` rules in {len(skipped)} case(s) ({', '.join(skipped[:5])}): pass "
                   "--allow-commands if you trust this suite", err=True)
    config = load_router_config(repo)
    offline = config.provider == "local"
    with Progress(transient=True, disable=as_json) as bar:
        task = bar.add_task("validating", total=len(suite.cases) * len(names))
        run_id, results = run_suite(repo, suite, path.read_text(encoding="utf-8"), names, config,
                                    load_index_config(repo), Context(conventions, allowed), max_tokens, offline,
                                    lambda: bar.advance(task))
    if junit:
        write_junit(junit, suite, results)
    if as_json:
        click.echo(json.dumps(run_json(run_id, results), indent=2))
        return
    facts = summary(results)
    table = Table(title=f"validation run {run_id}: suite {suite.name}, {len(suite.cases)} cases")
    inline = any(row["exact_match"] is not None or row["edit_similarity"] is not None for row in facts["rows"])  # EM / ES only when a case has them
    for column in ("strategy", "kind", "cases", "pass rate (95% CI)", *(("EM / ES",) if inline else ()), "mean cost",
                   "p50 / p95 latency"):
        table.add_column(column)
    for row in facts["rows"]:
        cost = "n/a" if row["mean_cost_usd"] is None else f"${row['mean_cost_usd']:.6f}"
        measures = " / ".join("–" if row[k] is None else form.format(row[k])
                              for k, form in (("exact_match", "{:.0%}"), ("edit_similarity", "{:.2f}")))
        table.add_row(row["strategy"], row["kind"], str(row["cases"]),
                      f"{row['pass_rate']:.0%} ({row['wilson_low']:.0%}–{row['wilson_high']:.0%})",
                      *((measures,) if inline else ()), cost, f"{row['p50_latency_s']:.2f} / {row['p95_latency_s']:.2f} s")
    console = Console()
    console.print(table)
    for c in facts["comparisons"]:
        console.print(f"{c['first']} vs {c['second']}: only {c['first']} passed {c['only_first']}, only "
                      f"{c['second']} passed {c['only_second']} (McNemar p = {c['p_value']})")
    for line in [*(u["verdict"] for u in facts["uplift"]), facts["uplift_note"]]:
        if line:
            console.print(f"uplift: {line}")
    if offline:
        console.print("[bold]note[/bold]: answered by a local model; with the tiny offline model these numbers check "
                      "the pipeline, not a model's quality")
