"""The report's charts, drawn with matplotlib and embedded as inline SVG (the HTML needs no network)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from router.reports.roi import StrategyEconomics
from router.strategies.registry import NAMES, TRAINED

# One colour per strategy in the registry's order, the same in every chart (the seaborn "deep" palette).
COLOURS = dict(zip(NAMES, ("#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3")))


def _svg(figure: object) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})  # type: ignore[attr-defined]
    import matplotlib.pyplot as plt

    plt.close(figure)  # type: ignore[arg-type]
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def _pyplot():  # noqa: ANN202 - matplotlib's module
    import matplotlib

    matplotlib.use("Agg")  # no display: render to files only
    import matplotlib.pyplot as plt

    return plt


def cumulative_cost(month: Sequence[StrategyEconomics], training_cost: float, horizon: float,
                    crossings: dict[str, float]) -> str:
    """Cumulative cost against requests served; fine-tuning starts at its training cost; break-evens marked."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(7, 3.6))
    for item in month:
        start = training_cost if item.strategy in TRAINED else 0.0
        axes.plot([0, horizon], [start, start + horizon * item.cost_per_request], label=item.strategy,
                  color=COLOURS.get(item.strategy))
    for versus, requests in crossings.items():
        if requests <= horizon:
            cost = requests * next(m.cost_per_request for m in month if m.strategy == versus)
            axes.plot([requests], [cost], "o", color="black")
            axes.annotate(f"break-even vs {versus}: {requests:,.0f}", (requests, cost), textcoords="offset points",
                          xytext=(6, -12), fontsize=8)
    axes.set_xlabel("requests served")
    axes.set_ylabel("cumulative cost (USD)")
    axes.legend()
    axes.grid(alpha=0.3)
    return _svg(figure)


def pass_rate_vs_cost(month: Sequence[StrategyEconomics]) -> str:
    """Each strategy's pass rate against its cost per request, with the Pareto frontier drawn."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(5, 3.6))
    for item in month:
        axes.scatter([item.cost_per_request], [item.pass_rate], color=COLOURS.get(item.strategy), s=60)
        axes.annotate(item.strategy, (item.cost_per_request, item.pass_rate), textcoords="offset points",
                      xytext=(6, 4), fontsize=9)
    frontier = []
    for item in sorted(month, key=lambda m: (m.cost_per_request, -m.pass_rate)):
        if not frontier or item.pass_rate > frontier[-1].pass_rate:
            frontier.append(item)
    axes.plot([m.cost_per_request for m in frontier], [m.pass_rate for m in frontier], "--", color="grey",
              label="Pareto frontier")
    axes.set_xlabel("cost per request (USD)")
    axes.set_ylabel("pass rate")
    axes.set_ylim(-0.05, 1.05)
    axes.legend(fontsize=8)
    axes.grid(alpha=0.3)
    return _svg(figure)


def history(points: Sequence[tuple[str, str, float]]) -> str:
    """Pass rate per strategy across validation runs (run id, strategy, rate); "" with a single run."""
    runs = list(dict.fromkeys(run for run, _, _ in points))
    if len(runs) < 2:
        return ""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(7, 3))
    for name in dict.fromkeys(s for _, s, _ in points):
        mine = {run: rate for run, s, rate in points if s == name}
        axes.plot([r for r in runs if r in mine], [mine[r] for r in runs if r in mine], marker="o", label=name,
                  color=COLOURS.get(name))
    axes.set_ylabel("pass rate")
    axes.set_ylim(-0.05, 1.05)
    axes.tick_params(axis="x", labelrotation=20, labelsize=7)
    axes.legend(fontsize=8)
    axes.grid(alpha=0.3)
    return _svg(figure)
