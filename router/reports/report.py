"""`idiom roi`: gather the latest validation figures, the request log with its feedback and retained code, and the
registry's training cost; work out the economics, draw the charts, and write `.idiom/reports/roi.html` (self-contained), `roi.md` and `roi.json`."""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sqlalchemy import Float, cast, func, select

from harvest.atomic import atomic_write_text
from harvest.errors import InputError
from harvest.store import Artifacts, complete_artifacts, ensure_home
from router.config import RoiConfig
from router.database import database, latest_results
from router.reports import charts
from router.reports.roi import (
    StrategyEconomics,
    StrategyFigures,
    acceptance_drift,
    break_even,
    drift,
    economics,
    kept_value,
    monthly_requests,
    recommend,
    usd,
)
from router.retention import DEFINITION, inline_kept, retained_summary
from router.storage.location import exists, repository_key
from router.storage.schema import feedback, requests, results, runs
from router.strategies.registry import ROUTED, TRAINED
from router.validation.uplift import uplifts

PROMPTING = tuple(n for n in ROUTED if n not in TRAINED)  # no training to pay for: break-even against finetuned
DRIFT_WINDOW = 20  # answers per window when comparing acceptance rates


def latest_figures(repo: Path) -> tuple[list[StrategyFigures], bool, dict[str, dict[str, bool]]]:
    """Each strategy's figures from its latest validation run, whether any came from a local model, and
    each strategy's verdict per case id (for the uplift over plain on the paired cases)."""
    if not exists(repo):
        return [], False, {}
    found, offline, cases = [], False, {}
    repository = repository_key(repo)
    with database(repo) as db:
        names = list(db.execute(select(results.c.strategy).distinct().join(runs, runs.c.id == results.c.run_id)
                                .where(runs.c.repository == repository).order_by(results.c.strategy)).scalars())
        for name in names:
            local, rows = latest_results(db, repository, name)
            costs = [r["cost_usd"] or 0.0 for r in rows]
            latencies = sorted(r["latency_s"] for r in rows)
            found.append(StrategyFigures(name, len(rows), sum(r["passed"] for r in rows), sum(costs) / len(costs),
                                         latencies[len(latencies) // 2]))
            offline = offline or bool(local)
            cases[name] = {r["case_id"]: bool(r["passed"]) for r in rows}
    return found, offline, cases


def run_history(repo: Path) -> list[tuple[str, str, float]]:
    """(run id, strategy, pass rate) for every validation run, oldest first."""
    if not exists(repo):
        return []
    with database(repo) as db:
        return [(r[0], r[1], r[2]) for r in db.execute(
            select(results.c.run_id, results.c.strategy, func.avg(cast(results.c.passed, Float)))
            .join(runs, runs.c.id == results.c.run_id).where(runs.c.repository == repository_key(repo))
            .group_by(results.c.run_id, results.c.strategy).order_by(results.c.run_id, results.c.strategy))]


def usage(repo: Path) -> dict[str, dict[str, Any]]:
    """From the request log: answered requests, their cost, and the developers' verdicts, per strategy."""
    if not exists(repo):
        return {}
    with database(repo) as db:
        mine = requests.c.repository == repository_key(repo)
        served = db.execute(select(requests.c.strategy, func.count(), func.sum(requests.c.cost_usd))
                            .where(mine, requests.c.outcome == "answered").group_by(requests.c.strategy)).all()
        judged = db.execute(select(requests.c.strategy, feedback.c.outcome)
                            .select_from(feedback.join(requests, requests.c.id == feedback.c.request_id))
                            .where(mine).order_by(feedback.c.id)).all()
    found: dict[str, dict[str, Any]] = {}
    for strategy, count, cost in served:
        verdicts = [outcome == "accepted" for name, outcome in judged if name == strategy]
        found[strategy] = {"requests": count, "cost_usd": round(cost or 0.0, 4), "with_feedback": len(verdicts),
                           "accepted": sum(verdicts),
                           "acceptance": round(sum(verdicts) / len(verdicts), 3) if verdicts else None,
                           "verdicts": verdicts}
    return found


def training_cost(repo: Path, config: RoiConfig) -> tuple[float, str]:
    """The promoted model's training cost from the registry (its OpenAI bill, or GPU hours at
    `[finetune] gpu_hour_usd`), else the `[roi]` assumption; with where the figure came from."""
    from router.strategies.finetuned.config import load_finetune_config
    from router.strategies.finetuned.registry import describe, state

    models = Artifacts(repo).models
    for name in complete_artifacts(models, "registry.json"):
        version = state(models / name)["promoted"]
        if version and (models / name / version / "training.json").is_file():
            facts = describe(models / name / version)
            if isinstance(facts.get("cost_usd"), (int, float)) and facts["cost_usd"] > 0:
                return float(facts["cost_usd"]), f"{name} {version}: the provider's bill"
            seconds = facts["metrics"].get("wall_seconds", 0)
            hours = seconds / 3600 if isinstance(seconds, (int, float)) else 0.0
            return round(hours * load_finetune_config(repo).gpu_hour_usd, 4), \
                f"{name} {version}: {hours:.3f} GPU hours at [finetune] gpu_hour_usd"
    return config.training_cost_usd, "[roi] training_cost_usd (no trained model in the registry)"


def build_report(repo: Path, config: RoiConfig) -> dict[str, Any]:
    """Everything the report shows, as plain data (the JSON output)."""
    figures, offline, cases = latest_figures(repo)
    uplift, uplift_note = uplifts(cases)
    train, train_source = training_cost(repo, config)
    month = [economics(f, config, train) for f in figures]
    by_name = {m.strategy: m for m in month}
    crossings = {}
    if "finetuned" in by_name:
        for name in PROMPTING:
            if name in by_name:
                requests = break_even(train, by_name[name].cost_per_request, by_name["finetuned"].cost_per_request)
                if requests is not None:
                    crossings[name] = round(requests)
    history = run_history(repo)
    live = usage(repo)
    warnings = [drift([(run, rate) for run, name, rate in history if name == "finetuned"], config.drift_margin),
                acceptance_drift(live.get("finetuned", {}).get("verdicts", []), DRIFT_WINDOW, config.drift_margin)]
    return {"generated": time.strftime("%Y-%m-%d %H:%M"), "offline_model": offline, "assumptions": asdict(config),
            "monthly_requests": monthly_requests(config), "training_cost_usd": train,
            "training_cost_source": train_source, "strategies": [asdict(m) for m in month],
            "latency": {f.strategy: f.p50_latency_s for f in figures}, "cases": {f.strategy: f.cases for f in figures},
            "break_even_requests": crossings, "recommendation": recommend(month, config),
            "uplift": uplift, "uplift_note": uplift_note,
            "drift": " ".join(w for w in warnings if w), "history": history,
            "usage": {name: {k: v for k, v in facts.items() if k != "verdicts"} for name, facts in live.items()},
            "retained": retained_summary(repo), "retained_definition": DEFINITION,
            "inline_value": {name: {**kept, **kept_value(kept["kept_characters"], kept["cost_usd"], config)}
                             for name, kept in inline_kept(repo).items()}}


def write_report(repo: Path, config: RoiConfig) -> dict[str, Path]:
    """Write the HTML, Markdown and JSON reports; returns their paths."""
    from jinja2 import Environment, PackageLoader

    if not exists(repo):
        raise InputError(f"no validation results or request log for {repo} yet: run `idiom validate {repo}` (or "
                         "use it in the editor) before asking for the ROI report")
    data = build_report(repo, config)
    month = [StrategyEconomics(**m) for m in data["strategies"]]
    horizon = max([data["monthly_requests"], *[3 * r for r in data["break_even_requests"].values()]])
    svg = {"cumulative": charts.cumulative_cost(month, data["training_cost_usd"], horizon,
                                                data["break_even_requests"]) if month else "",
           "pareto": charts.pass_rate_vs_cost(month) if month else "", "history": charts.history(data["history"])}
    # Every value is escaped, in both templates: strategy and model names come from idiom.db and the registry,
    # which may have been made by someone else, and the editor opens this page. (select_autoescape(["html"])
    # missed `roi.html.j2`.) Only the charts, SVG that matplotlib escaped itself, are marked safe.
    env = Environment(loader=PackageLoader("router.reports", "templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["usd"] = usd
    ensure_home(repo)  # with its .gitignore before the first file in it
    folder = Artifacts(repo).reports
    paths = {"html": folder / "roi.html", "md": folder / "roi.md", "json": folder / "roi.json"}
    atomic_write_text(paths["html"], env.get_template("roi.html.j2").render(data=data, svg=svg))
    atomic_write_text(paths["md"], env.get_template("roi.md.j2").render(data=data))
    atomic_write_text(paths["json"], json.dumps(data, indent=2) + "\n")
    return paths
