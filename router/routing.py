"""The request path: decide a strategy from measured statistics, then cascade.

The chosen strategy's answer is checked against the fast rules for the request (not degenerate, no
secret, parses, and the mined conventions of the warning tier that apply to its path: the same entries
of the rule registry the suites use) before it is returned; when it fails, or its provider fails, the
next strategy is asked, within `[router] latency_budget_s`. A request that no strategy answers well
returns nothing rather than code that breaks the team's rules. Asked for alternatives (the editor's
completions, `[router] alternatives`), the cascade goes on after the first answer that passes, while the
budget lasts, and keeps up to that many more from other strategies. Every request is logged to
`.idiom/idiom.db`, each alternative as a request of its own, so the one the developer takes is feedback on
its strategy.
"""

from __future__ import annotations

import json
import logging
import random
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from harvest.conventions.rules import Rule
from harvest.errors import IdiomError
from harvest.scrub import STRICT, scrub
from harvest.store import Artifacts
from harvest.testkind.recorded import recorded_profile
from harvest.units.languages import GRAMMARS
from router.config import IndexConfig, RouterConfig
from router.contracts import Completion, CompletionRequest
from router.database import database
from router.errors import RouterError
from router.kinds import kind_of_request, request_kind  # noqa: F401 - request_kind: imported from here too
from router.policy import Decision, decide
from router.statistics import measured
from router.storage.location import repository_key
from router.storage.schema import now, requests
from router.strategies.loaded import LoadedStrategies
from router.strategies.registry import ROUTED
from router.validation.rules import Context, Output, RuleResult, check

FAST_CHECKS = ("not-degenerate", "no-secret")  # on the answer; `parses` and conventions on the file with it


def conventions_of(repo: Path) -> dict[str, Rule]:
    """The mined conventions of the dataset `Artifacts` chooses, the file `idiom lint` reads ({} before
    any dataset; several with none chosen is `Artifacts`' error, which the editor shows)."""
    from harvest.conventions.store import load_conventions

    artifacts = Artifacts(repo)
    if not artifacts.dataset_names():
        return {}
    path = artifacts.conventions(option="")
    return {r.id: r for r in load_conventions(path)} if path.is_file() else {}


def route(request: CompletionRequest, strategies: LoadedStrategies, config: RouterConfig, kind: str = "",
          explore: bool = False, allowed: tuple[str, ...] = ()) -> tuple[str, Decision]:
    """(kind, decision) for `request`, without calling any model; `explore` lets the policy try a
    less-known strategy on `[router] exploration` of requests; `allowed` narrows the strategies (and may
    name one the router never picks by itself, such as the `plain` control)."""
    repo = strategies.artifacts.repo
    if not kind:
        dataset = strategies.artifacts.find_dataset()
        kind = kind_of_request(request, lambda: recorded_profile(repo, dataset.name if dataset else ""))
    names = [n for n in strategies.available(routed_only=not allowed) if not allowed or n in allowed]
    if not names:
        narrowed = f" among {', '.join(allowed)}" if allowed else ""
        raise RouterError(f"no strategy{narrowed} can answer yet for {repo}; run `idiom harvest` "
                          "(and `idiom index`) first")
    default_order = [n for n in ROUTED if n in names] + [n for n in names if n not in ROUTED]
    return kind, decide(measured(repo, kind, names), config.min_pass_rate, default_order,
                        random.random() if explore else 1.0, config.exploration)


@dataclass
class Attempt:
    """One strategy asked on the way: whether its answer passed the fast rules, and why not."""

    strategy: str
    passed: bool
    reason: str
    latency_s: float = 0.0
    cost_usd: float | None = None


@dataclass
class Routed:
    """The answer (None when no strategy's answer passed), the decision and every attempt."""

    completion: Completion | None
    kind: str
    decision: Decision
    attempts: list[Attempt] = field(default_factory=list)
    request_id: int = 0  # in the request log; feedback refers to it
    alternatives: list[tuple[Completion, int]] = field(default_factory=list)  # other strategies' answers, logged ids


def fast_failures(text: str, request: CompletionRequest, kind: str, conventions: dict[str, Rule]) -> list[str]:
    """Why `text` breaks the fast rules for this request ([] when it passes), one "rule: reason" each."""
    return [f"{name}: {result.reason}" for name, result in fast_results(text, request, kind, conventions)]


def fast_results(text: str, request: CompletionRequest, kind: str,
                 conventions: dict[str, Rule]) -> list[tuple[str, RuleResult]]:
    """The fast rules `text` breaks for this request, as (rule name, result): not degenerate, no secret,
    parses (for a language with a grammar) and each of `conventions` of the warning tier that applies.

    An answer for the cursor (the request has code around it) is a fragment: whether it parses and
    follows the conventions is judged on the file with the answer in place, and only what the answer
    breaks counts, not what the half-typed file already broke (`Output.around`).
    """
    out = Output(text, request.language, request.path, kind, around=(request.prefix, request.suffix))
    checks = [(name, None) for name in FAST_CHECKS] + ([("parses", None)] if request.language in GRAMMARS else [])
    checks += [("convention", rule_id) for rule_id in conventions]
    context = Context(conventions)
    return [(name, result) for name, value in checks if not (result := check(name, value, out, context)).passed]


def answer(request: CompletionRequest, strategies: LoadedStrategies, config: RouterConfig, index: IndexConfig,
           conventions: dict[str, Rule], kind: str = "", allowed: tuple[str, ...] = (), developer: str = "",
           alternatives: int = 0) -> Routed:
    """Route, cascade and log one request (among the `allowed` strategies, when given), as asked by
    `developer` (a pseudonymous id on a team server; empty for one developer's own log); with up to
    `alternatives` further answers that pass, from the strategies after the first, while the budget lasts."""
    kind, decision = route(request, strategies, config, kind, explore=True, allowed=allowed)
    routed = Routed(None, kind, decision)
    found: list[Completion] = []
    started = time.perf_counter()
    for name in decision.order:
        if found and len(found) > alternatives:
            break
        if routed.attempts and time.perf_counter() - started > config.latency_budget_s:
            routed.attempts.append(Attempt(name, False, "skipped: latency budget spent"))
            break
        try:
            completion = strategies.complete(name, request, config, index)
        except Exception as exc:  # one failing strategy must not cost the developer the answer
            if not isinstance(exc, IdiomError):  # a bug, not a provider or index problem: keep its traceback
                logging.getLogger(__name__).exception("strategy %s failed", name)
            reason = str(exc).splitlines()[0] if str(exc) else ""
            routed.attempts.append(Attempt(name, False, f"failed: {reason or type(exc).__name__}"))
            continue
        failures = fast_failures(completion.text, request, kind, conventions)
        if found and time.perf_counter() - started > config.latency_budget_s:  # the developer would wait for it
            failures.append("alternative: came after the latency budget")
        routed.attempts.append(Attempt(name, not failures, "; ".join(failures) or "passed the fast rules",
                                       completion.latency_s, completion.cost_usd))
        if not failures:
            found.append(completion)
    routed.completion = found[0] if found else None
    seconds = time.perf_counter() - started
    repo = strategies.artifacts.repo
    routed.request_id = _log(repo, request, routed, routed.completion, seconds, developer,
                             others=[a.cost_usd for a in found[1:]])
    routed.alternatives = [(other, _log(repo, request, routed, other, seconds, developer,
                                        reason=f"alternative to request {routed.request_id}"))
                           for other in found[1:]]
    return routed


def _log(repo: Path, request: CompletionRequest, routed: Routed, completion: Completion | None, seconds: float,
         developer: str, reason: str = "", others: list[float | None] | None = None) -> int:
    """Write the request (or, with `reason`, an alternative answer to it) to the log (instruction and completion
    scrubbed, lines marked `pragma: allowlist secret` included: the log feeds `idiom feedback export`); returns
    its id. The request's cost is every attempt's but the alternatives' (`others`), which their own rows carry."""
    if reason:
        cost, attempts = completion.cost_usd, [a for a in routed.attempts if a.strategy == completion.strategy]
    else:
        costs = [a.cost_usd for a in routed.attempts if a.cost_usd is not None]
        spared = [c for c in (others or []) if c is not None]
        cost, attempts = (sum(costs) - sum(spared) if costs else None), routed.attempts
    row = {"at": now(), "kind": routed.kind, "language": request.language, "path": request.path,
           "strategy": completion.strategy if completion else routed.decision.strategy,
           "reason": reason or routed.decision.reason, "attempts": json.dumps([asdict(a) for a in attempts]),
           "input_tokens": completion.usage.input_tokens if completion else 0,
           "output_tokens": completion.usage.output_tokens if completion else 0,
           "cost_usd": cost, "latency_s": round(seconds, 4),
           "outcome": "answered" if completion else "nothing passed",
           "instruction": scrub(request.instruction, profile=STRICT).text,
           "completion": scrub(completion.text, profile=STRICT).text if completion else "", "developer": developer,
           "repository": repository_key(repo)}
    with database(repo) as db:
        return int(db.execute(requests.insert(), row).inserted_primary_key[0])
