"""Router economics on a simulated workload whose per-kind pass rates and costs are known.

    python bench/router_bench.py [--requests 20000] [--cases 40] [--seed 3]

Three strategies with different strengths per kind of request (a cheap prompt that is good at some
kinds, a pricier retrieval prompt, a fine-tuned model that is cheap per call but trained mostly on
components and tests). The router sees only a validation suite of `--cases` cases per kind and
strategy (sampled from the true rates), decides per kind with `router.policy.decide`, and cascades on
failure. It is compared, on the same simulated requests, with always-cheapest, always-best (highest
overall pass rate) and random single strategies: cost per accepted request and pass rate.
Target (issue 6): >= 60% cheaper than always-best at >= 95% of its pass rate.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

COST = {"few_shot": 0.0021, "rag": 0.0043, "finetuned": 0.0009}  # USD per call (prompt sizes of each strategy)
TRUE_RATE = {  # kind -> strategy -> probability the answer passes the rules
    "component": {"few_shot": 0.86, "rag": 0.93, "finetuned": 0.96},
    "test": {"few_shot": 0.78, "rag": 0.90, "finetuned": 0.94},
    "hook": {"few_shot": 0.90, "rag": 0.92, "finetuned": 0.70},
    "function": {"few_shot": 0.93, "rag": 0.95, "finetuned": 0.75},
    "route": {"few_shot": 0.70, "rag": 0.91, "finetuned": 0.55},
}
MIX = {"component": 0.35, "test": 0.25, "hook": 0.1, "function": 0.2, "route": 0.1}


def simulate(requests: int, cases: int, seed: int, min_pass_rate: float) -> dict[str, tuple[float, float]]:
    from router.policy import Measured, decide

    rng = random.Random(seed)
    decisions = {}
    for kind, rates in TRUE_RATE.items():
        measured = [Measured(s, sum(rng.random() < p for _ in range(cases)), cases, COST[s]) for s, p in rates.items()]
        decisions[kind] = decide(measured, min_pass_rate)
    overall = {s: sum(MIX[k] * TRUE_RATE[k][s] for k in MIX) for s in COST}
    singles = {"always-cheapest": min(COST, key=COST.get), "always-best": max(overall, key=overall.get)}
    totals = {name: [0.0, 0] for name in ("router", *singles, "random")}
    kinds, weights = list(MIX), list(MIX.values())
    for _ in range(requests):
        kind = rng.choices(kinds, weights)[0]
        draws = {s: rng.random() < TRUE_RATE[kind][s] for s in COST}  # what each strategy would answer
        for strategy in decisions[kind].order:  # the router's cascade
            totals["router"][0] += COST[strategy]
            if draws[strategy]:
                totals["router"][1] += 1
                break
        for name, strategy in (*singles.items(), ("random", rng.choice(list(COST)))):
            totals[name][0] += COST[strategy]
            totals[name][1] += draws[strategy]
    for kind, decision in decisions.items():
        print(f"   {kind:>9}: {' → '.join(decision.order)}")
    return {name: (cost / accepted, accepted / requests) for name, (cost, accepted) in totals.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--cases", type=int, default=40)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--min-pass-rate", type=float, default=0.8)
    args = parser.parse_args()
    print(f"router decisions from {args.cases} validation cases per kind and strategy (target "
          f"{args.min_pass_rate:.0%}):")
    results = simulate(args.requests, args.cases, args.seed, args.min_pass_rate)
    best_cost, best_rate = results["always-best"]
    print(f"{args.requests:,} simulated requests: cost per accepted request, pass rate")
    for name, (cost, rate) in results.items():
        print(f"   {name:>16}: ${cost:.5f}, {rate:.1%}")
    cost, rate = results["router"]
    print(f"router vs always-best: {1 - cost / best_cost:.0%} cheaper per accepted request at "
          f"{rate / best_rate:.0%} of its pass rate (target: >= 60% cheaper at >= 95%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
