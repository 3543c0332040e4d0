"""Uplift over the control: each strategy's pass rate against `plain`'s on the cases both answered
(the same case ids), with McNemar's exact test on the discordant pairs, so "is RAG even helping?" has
an answer. `idiom validate` shows it for its run, the ROI report for the latest run of each strategy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from router.validation.stats import mcnemar

CONTROL = "plain"
ALPHA = 0.05  # below this p-value the difference is called significant
NOT_MEASURED = (f"{CONTROL} (the control) was not validated, so there is no uplift to show: run "
                f"`idiom validate --strategies {CONTROL},…`")


def uplift(strategy: str, passed: Mapping[str, bool], control: Mapping[str, bool]) -> dict[str, Any]:
    """`strategy`'s uplift over the control on the case ids both ran: both pass rates and their difference,
    b (cases only the strategy passed), c (cases only the control passed), the exact two-sided p-value,
    and a sentence that says "not significant" when p ≥ ALPHA."""
    shared = sorted(set(passed) & set(control))
    b, c, p = mcnemar([passed[k] for k in shared], [control[k] for k in shared])
    rate = sum(passed[k] for k in shared) / len(shared) if shared else 0.0
    base = sum(control[k] for k in shared) / len(shared) if shared else 0.0
    significant = bool(shared) and p < ALPHA
    if not shared:
        verdict = f"{strategy} and {CONTROL} have no case in common: no uplift to measure"
    else:
        verdict = (f"{strategy}: {100 * (rate - base):+.0f} points over {CONTROL} on {len(shared)} paired cases "
                   f"(b = {b}, c = {c}, McNemar p = {p:.3g}): "
                   + ("significant" if significant else f"not significant (p ≥ {ALPHA})"))
    return {"strategy": strategy, "cases": len(shared), "pass_rate": round(rate, 3),
            "control_pass_rate": round(base, 3), "uplift": round(rate - base, 3), "b": b, "c": c,
            "p_value": round(p, 4), "significant": significant, "verdict": verdict}


def uplifts(by_strategy: Mapping[str, Mapping[str, bool]]) -> tuple[list[dict[str, Any]], str]:
    """Every other strategy's uplift over the control ({strategy: {case id: passed}}), and "" — or no
    figures and a one-line note saying the control was not validated."""
    if CONTROL not in by_strategy:
        return [], NOT_MEASURED
    return [uplift(name, cases, by_strategy[CONTROL]) for name, cases in by_strategy.items() if name != CONTROL], ""
