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
    """What is known of a strategy for one kind of request: cases passed of total, mean cost per call."""

    strategy: str
    passed: int
    total: int
    cost_usd: float

    @property
    def pass_rate(self) -> float:
        return self.passed / self.total if self.total else 0.0

    @property
    def lower_bound(self) -> float:
        return wilson(self.passed, self.total)[0]


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


def decide(measured: Sequence[Measured], min_pass_rate: float, default: Sequence[str] = ()) -> Decision:
    """The decision for one kind of request; with nothing measured, `default`'s order and a reason saying so."""
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
        reason = (f"{best.strategy} passes {best.passed}/{best.total} (at least {best.lower_bound:.0%} at 95% "
                  f"confidence, target {min_pass_rate:.0%}) at ${costs[best.strategy]:.5f} per accepted request, "
                  f"the cheapest that meets the target")
        if cheaper:
            reason += f"; {', '.join(m.strategy for m in cheaper)} would be cheaper but may not pass often enough"
    else:
        best = by_reliability[0]
        reason = (f"no strategy is known to pass {min_pass_rate:.0%} of the time; {best.strategy} is the most "
                  f"reliable ({best.passed}/{best.total}, at least {best.lower_bound:.0%})")
    order = (best.strategy, *[m.strategy for m in by_reliability if m is not best],
             *[s for s in default if s not in {m.strategy for m in known}])
    return Decision(best.strategy, reason, order, round(costs[best.strategy], 6))
