"""The ROI arithmetic, as pure functions over measured strategy figures and the `[roi]` assumptions.

Per strategy: pass rate, cost per request and per accepted request, latency; monthly cost at the
team's volume (fine-tuning adds its training runs); developer time saved (accepted suggestions) net of
time lost on failed ones; net monthly value; the break-even request count of fine-tuning against each
prompting strategy; a recommendation; and drift of the promoted model between validation runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from router.config import RoiConfig
from router.strategies.registry import TRAINED


@dataclass(frozen=True)
class StrategyFigures:
    """What validation measured for one strategy."""

    strategy: str
    cases: int
    passed: int
    cost_per_request: float
    p50_latency_s: float

    @property
    def pass_rate(self) -> float:
        return self.passed / self.cases if self.cases else 0.0


@dataclass(frozen=True)
class StrategyEconomics:
    """A strategy at the team's volume, per month."""

    strategy: str
    pass_rate: float
    cost_per_request: float
    cost_per_accepted: float | None
    monthly_requests: float
    monthly_cost: float
    hours_saved: float
    net_value: float


def usd(amount: float, digits: int = 2) -> str:
    """$1,234.50 and −$1,234.50 (the sign before the currency, as people write it)."""
    return f"{'−' if amount < 0 else ''}${abs(amount):,.{digits}f}"


def monthly_requests(config: RoiConfig) -> float:
    """Requests the team makes in a month."""
    return config.team_size * config.requests_per_developer_per_day * config.working_days_per_month


def break_even(training_cost: float, prompting_cost: float, finetuned_cost: float) -> float | None:
    """Requests after which fine-tuning (its training paid) costs less than prompting; None if never."""
    saving = prompting_cost - finetuned_cost
    return training_cost / saving if saving > 0 else None


def economics(figures: StrategyFigures, config: RoiConfig, training_cost: float) -> StrategyEconomics:
    """The month of one strategy: its calls (and training runs), the time it saves and loses, the net."""
    requests = monthly_requests(config)
    accepted = requests * figures.pass_rate
    training = training_cost * config.training_runs_per_month if figures.strategy in TRAINED else 0.0
    cost = requests * figures.cost_per_request + training
    hours = (accepted * config.minutes_saved_per_accepted - (requests - accepted) * config.minutes_to_fix_failed) / 60
    return StrategyEconomics(figures.strategy, figures.pass_rate, figures.cost_per_request,
                             figures.cost_per_request / figures.pass_rate if figures.pass_rate else None,
                             requests, round(cost, 2), round(hours, 1), round(hours * config.hourly_cost_usd - cost, 2))


def kept_value(kept_characters: int, cost_usd: float, config: RoiConfig) -> dict[str, float]:
    """Inline completions valued by what the developers kept of them: the typing time those characters save,
    at the developer hour's cost, net of what the completions cost (all of them, kept or not)."""
    hours = kept_characters * config.seconds_per_kept_character / 3600
    return {"hours_saved": round(hours, 3), "net_value": round(hours * config.hourly_cost_usd - cost_usd, 4)}


def recommend(month: Sequence[StrategyEconomics], config: RoiConfig) -> str:
    """The seeds' rule of thumb for the team's size, checked against the measured net value."""
    if not month:
        return "no validation results yet: run `idiom validate` to measure the strategies"
    rule = "few_shot" if config.team_size < 5 else "rag" if config.team_size <= 20 else "finetuned"
    best = max(month, key=lambda m: (m.net_value, m.pass_rate))
    measured = {m.strategy for m in month}
    verdict = (f"the measurements agree: {best.strategy} has the highest net value ({usd(best.net_value, 0)} a month)"
               if best.strategy == rule else
               f"the measurements say otherwise: {best.strategy} has the highest net value ({usd(best.net_value, 0)} "
               f"a month){'' if rule in measured else f', and {rule} was not measured'}")
    advice = f"Run {best.strategy}." if best.net_value > 0 else \
        "No strategy pays for itself under these assumptions and measurements: improve the pass rates first."
    if best.strategy == "plain":  # the control, never routed: its winning says the team's code did not help
        advice = ("plain is the control (the base model without the team's code): no strategy improves on it in these "
                  "measurements; see the uplift, and grow the suite or check the dataset and index.")
    return (f"For a team of {config.team_size}, the rule of thumb (few-shot for small teams, RAG for medium, "
            f"fine-tuning for large teams with volume) suggests {rule}; {verdict}. {advice}")


def drift(history: Sequence[tuple[str, float]], margin: float) -> str:
    """A warning when the latest pass rate of the promoted model fell by more than `margin` ("" if not)."""
    if len(history) < 2:
        return ""
    (before_run, before), (after_run, after) = history[-2], history[-1]
    if before - after > margin:
        return (f"drift: the fine-tuned model passed {after:.0%} in run {after_run} against {before:.0%} in "
                f"{before_run}; retrain it on the current code (`idiom harvest`, then `idiom train`)")
    return ""


def acceptance_drift(accepted: Sequence[bool], window: int, margin: float) -> str:
    """A warning when the share of accepted answers in the latest `window` fell by more than `margin`
    against the window before it ("" when there are not two full windows or it did not fall)."""
    if len(accepted) < 2 * window:
        return ""
    before = sum(accepted[-2 * window:-window]) / window
    after = sum(accepted[-window:]) / window
    if before - after > margin:
        return (f"drift: developers accepted {after:.0%} of the fine-tuned model's last {window} answers against "
                f"{before:.0%} of the {window} before; retrain it on the current code")
    return ""
