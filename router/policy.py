"""The routing policy: a pure function from measured statistics to a decision.

Among the strategies whose pass rate meets the target — judged by the lower end of its 95% Wilson
interval, so three lucky cases do not win — choose the cheapest expected cost per *accepted* request:
the call's cost plus, when its output fails, the cost of getting an accepted answer from the fallback
(the most reliable strategy). Ties go to the higher pass rate. When none meets the target, the most
reliable one is chosen and the reason says so. The cascade order is the choice first, then the others
from the most reliable down.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from router.validation.stats import wilson


@dataclass(frozen=True)
class Measured:
    """What is known of a strategy for one kind of request: cases passed of total, mean cost per call. An
    accepted answer passes by the share of it the developer kept (router/feedback.py), so `passed` may be
    fractional."""

    strategy: str
    passed: float
    total: int
    cost_usd: float

    @property
    def pass_rate(self) -> float:
        return self.passed / self.total if self.total else 0.0

    @property
    def record(self) -> str:
        """"11/13", or "10.4/13" when retained shares made the passes fractional."""
        passed = int(self.passed) if float(self.passed).is_integer() else round(self.passed, 1)
        return f"{passed}/{self.total}"

    @property
    def lower_bound(self) -> float:
        return wilson(self.passed, self.total)[0]

    @property
    def upper_bound(self) -> float:
        return wilson(self.passed, self.total)[1]


@dataclass(frozen=True)
class Decision:
    """The strategy to ask first, the cascade after it, and a sentence for people."""

    strategy: str
    reason: str
    order: tuple[str, ...]
    expected_cost_usd: float | None = None


def expected_costs(measured: Sequence[Measured]) -> dict[str, float]:
    """Expected cost per accepted request of each strategy, falling back to the most reliable one."""
    fallback = max(measured, key=lambda m: (m.lower_bound, -m.cost_usd))
    own = fallback.cost_usd / fallback.pass_rate if fallback.pass_rate else float("inf")
    return {m.strategy: own if m is fallback else m.cost_usd + (1 - m.pass_rate) * own for m in measured}


def decide(measured: Sequence[Measured], min_pass_rate: float, default: Sequence[str] = (), draw: float = 1.0,
           exploration: float = 0.0) -> Decision:
    """The decision for one kind of request; with nothing measured, `default`'s order and a reason saying so.

    Bounded exploration: when `draw` (uniform in [0, 1)) falls below `exploration`, the least-known other
    strategy that could still meet the target (the upper end of its interval reaches it) is asked first,
    so a strategy that improved after a retrain gets noticed without risking more than that share.
    """
    chosen = _decide(measured, min_pass_rate, default)
    if draw >= exploration:
        return chosen
    plausible = [m for m in measured if m.strategy != chosen.strategy and m.upper_bound >= min_pass_rate]
    if not plausible:
        return chosen
    trial = min(plausible, key=lambda m: (m.total, m.cost_usd))
    order = (trial.strategy, *[s for s in chosen.order if s != trial.strategy])
    return Decision(trial.strategy, f"exploring ({exploration:.0%} of requests): {trial.strategy} has only "
                    f"{trial.total} results and could reach the target (up to {trial.upper_bound:.0%}); "
                    f"otherwise: {chosen.reason}", order, chosen.expected_cost_usd)


def _decide(measured: Sequence[Measured], min_pass_rate: float, default: Sequence[str]) -> Decision:
    known = [m for m in measured if m.total]
    if not known:
        order = tuple(default)
        return Decision(order[0], f"no validation results yet for this kind; using {order[0]} (run `idiom validate` "
                        "to route by measured pass rate and cost)", order)
    costs = expected_costs(known)
    by_reliability = sorted(known, key=lambda m: (-m.lower_bound, m.cost_usd))
    eligible = [m for m in known if m.lower_bound >= min_pass_rate]
    if eligible:
        best = min(eligible, key=lambda m: (round(costs[m.strategy], 9), -m.pass_rate))
        cheaper = [m for m in known if costs[m.strategy] < costs[best.strategy] and m not in eligible]
        reason = (f"{best.strategy} passes {best.record} (at least {best.lower_bound:.0%} at 95% "
                  f"confidence, target {min_pass_rate:.0%}) at ${costs[best.strategy]:.5f} per accepted request, "
                  f"the cheapest that meets the target")
        if cheaper:
            reason += f"; {', '.join(m.strategy for m in cheaper)} would be cheaper but may not pass often enough"
    else:
        untried = [s for s in default if s not in {m.strategy for m in known}]
        best = by_reliability[0]
        if untried:  # nothing measured is good enough: an unmeasured strategy may be
            order = (untried[0], *[m.strategy for m in by_reliability], *untried[1:])
            return Decision(untried[0], f"no measured strategy passes {min_pass_rate:.0%} of the time (best: "
                            f"{best.strategy}, {best.record}); trying {untried[0]}, which has no "
                            "results yet", order)
        reason = (f"no strategy is known to pass {min_pass_rate:.0%} of the time; {best.strategy} is the most "
                  f"reliable ({best.record}, at least {best.lower_bound:.0%})")
    order = (best.strategy, *[m.strategy for m in by_reliability if m is not best],
             *[s for s in default if s not in {m.strategy for m in known}])
    return Decision(best.strategy, reason, order, round(costs[best.strategy], 6))
