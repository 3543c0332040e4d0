"""The request path: decide a strategy from measured statistics, then cascade.

The chosen strategy's answer is checked against the fast rules for the request (not degenerate, no
secret, parses, and the mined conventions of the warning tier that apply to its path) before it is
returned; when it fails, or its provider fails, the next strategy is asked, within `[router]
latency_budget_s`. A request that no strategy answers well returns nothing rather than code that breaks
the team's rules. Every request is logged to `.idiom/idiom.db`.
"""

from __future__ import annotations

import json
import logging
import random
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath

from harvest.classify import kind_of
from harvest.conventions.checks import applies
from harvest.conventions.rules import Rule, severity_of
from harvest.errors import HarvestError
from harvest.store import MANIFEST, Artifacts, complete_artifacts
from harvest.testkind.profile import DiscoveryProfile
from harvest.testkind.recorded import recorded_profile
from harvest.units import count_parse_errors
from harvest.units.languages import GRAMMARS
from router.config import IndexConfig, RouterConfig
from router.contracts import Completion, CompletionRequest
from router.policy import Decision, Measured, decide
from router.strategies.finetuned.registry import state
from router.strategies.registry import strategy
from router.validation.db import database, latest_results
from router.validation.rules import Context, Output, check

DEFAULT_ORDER = ("few_shot", "rag", "finetuned", "finetuned_rag")  # cheapest prompt first; never plain, the control
RECENT_COSTS = 200  # logged answers whose mean cost stands in for a strategy with no validation costs


def conventions_of(repo: Path) -> dict[str, Rule]:
    """The mined conventions of the dataset `Artifacts` chooses, the file `idiom lint` reads ({} before
    any dataset; several with none chosen is `Artifacts`' error, which the editor shows)."""
    from harvest.conventions.store import load_conventions

    artifacts = Artifacts(repo)
    if not artifacts.dataset_names():
        return {}
    path = artifacts.conventions(option="")
    return {r.id: r for r in load_conventions(path)} if path.is_file() else {}


def request_kind(path: str, instruction: str = "", profile: DiscoveryProfile | None = None) -> str:
    """The kind of unit a request is for, from its path (a test by the repository's recorded test
    profile, else by the runners' defaults) and words of the instruction."""
    name = PurePosixPath(path).name
    stem = name.split(".")[0]
    if (path and kind_of(path, profile) == "test") or re.search(r"\b(test|spec)s?\b", instruction, re.IGNORECASE):
        return "test"
    if re.match(r"use[A-Z0-9]", stem) or re.search(r"\bhook\b", instruction, re.IGNORECASE):
        return "hook"
    if ".styles." in name or re.search(r"\bstyled\b", instruction, re.IGNORECASE):
        return "styled"
    if re.search(r"(^|/)(routers?|routes|api|endpoints)/", path) or re.search(r"\b(route|endpoint)\b", instruction,
                                                                             re.IGNORECASE):
        return "route"
    if (name.endswith((".tsx", ".jsx")) and stem[:1].isupper()) or re.search(r"\bcomponent\b", instruction,
                                                                            re.IGNORECASE):
        return "component"
    return "function"


def _dataset_name(repo: Path) -> str:
    """The name of the dataset requests use (its harvest has the same name), "" when there is none."""
    chosen = Artifacts(repo).find_dataset()
    return chosen.name if chosen else ""


def available(repo: Path) -> list[str]:
    """Strategies the router may pick here now: a dataset (few_shot), an index (rag), a promoted model
    (finetuned), both (finetuned_rag). Never plain: it is the control the others are measured against."""
    artifacts = Artifacts(repo)
    found = ["few_shot"] if artifacts.dataset_names() else []
    found += ["rag"] if (artifacts.index / MANIFEST).is_file() else []
    promoted = [name for name in complete_artifacts(artifacts.models, "registry.json")
                if state(artifacts.models / name)["promoted"]]
    return found + (["finetuned"] if promoted else []) + (["finetuned_rag"] if promoted and "rag" in found else [])


def measured(repo: Path, kind: str, strategies: list[str]) -> list[Measured]:
    """Each strategy's latest validation results for `kind` (all kinds when the suite has none of it),
    plus the developers' feedback on its answers (accepted counts as a pass)."""
    from router.feedback import feedback_counts

    if not Artifacts(repo).db.is_file():
        return []
    found = []
    used = feedback_counts(repo, kind)
    with database(repo) as db:
        for name in strategies:
            _, rows = latest_results(db, name)
            chosen = [r for r in rows if r["kind"] == kind] or rows
            accepted, answered = used.get(name, (0, 0))
            if not (chosen or answered):
                continue
            costs = [r["cost_usd"] for r in chosen if r["cost_usd"] is not None]
            mean_cost = sum(costs) / len(costs) if costs else db.execute(
                "SELECT AVG(cost_usd) FROM (SELECT cost_usd FROM requests WHERE strategy = ? AND cost_usd IS NOT NULL "
                "ORDER BY id DESC LIMIT ?)", (name, RECENT_COSTS)).fetchone()[0]
            found.append(Measured(name, sum(r["passed"] for r in chosen) + accepted, len(chosen) + answered,
                                  mean_cost or 0.0))
    return found


def route(request: CompletionRequest, repo: Path, config: RouterConfig, kind: str = "",
          explore: bool = False, allowed: tuple[str, ...] = ()) -> tuple[str, Decision]:
    """(kind, decision) for `request`, without calling any model; `explore` lets the policy try a
    less-known strategy on `[router] exploration` of requests; `allowed` narrows the strategies."""
    kind = kind or request_kind(request.path, request.instruction, recorded_profile(repo, _dataset_name(repo)))
    names = [n for n in available(repo) if not allowed or n in allowed]
    if not names:
        narrowed = f" among {', '.join(allowed)}" if allowed else ""
        raise HarvestError(f"no strategy{narrowed} can answer yet for {repo}; run `idiom harvest` "
                           "(and `idiom index`) first")
    return kind, decide(measured(repo, kind, names), config.min_pass_rate, [n for n in DEFAULT_ORDER if n in names],
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


def fast_failures(text: str, request: CompletionRequest, kind: str, conventions: dict[str, Rule]) -> list[str]:
    """Why `text` breaks the fast rules for this request ([] when it passes).

    An answer for the cursor (the request has code around it) is a fragment: whether it parses and
    follows the conventions is judged on the file with the answer in place, and only what the answer
    breaks counts, not what the half-typed file already broke.
    """
    fragment = Output(text, request.language, request.path, kind)
    in_place = bool(request.prefix or request.suffix)
    whole = Output(request.prefix + text + request.suffix, request.language, request.path, kind)
    before = Output(request.prefix + request.suffix, request.language, request.path, kind)
    context = Context(conventions)
    failures = [f"{name}: {result.reason}" for name in ("not-degenerate", "no-secret")
                if not (result := check(name, None, fragment, context)).passed]
    if request.language in GRAMMARS:
        added = count_parse_errors(request.language, whole.text) - (
            count_parse_errors(request.language, before.text) if in_place else 0)
        failures += [f"parses: {added} syntax error(s) as {request.language}" +
                     (" that the file did not have" if in_place else "")] if added > 0 else []
    for rule in conventions.values():
        if rule.status != "proposed" or severity_of(rule) != "warning" or (
                request.path and not applies(rule, request.path, request.language)):
            continue  # information (a habit, not a rule) never rejects an answer
        result = check("convention", rule.id, whole if in_place else fragment, context)
        if not result.passed and not (in_place and not check("convention", rule.id, before, context).passed):
            failures.append(f"convention: {result.reason}")
    return failures


def answer(request: CompletionRequest, repo: Path, config: RouterConfig, index: IndexConfig,
           conventions: dict[str, Rule], kind: str = "", allowed: tuple[str, ...] = ()) -> Routed:
    """Route, cascade and log one request (among the `allowed` strategies, when given)."""
    kind, decision = route(request, repo, config, kind, explore=True, allowed=allowed)
    routed = Routed(None, kind, decision)
    started = time.perf_counter()
    for name in decision.order:
        if routed.attempts and time.perf_counter() - started > config.latency_budget_s:
            routed.attempts.append(Attempt(name, False, "skipped: latency budget spent"))
            break
        try:
            completion = strategy(name)(request, repo, config, index)
        except Exception as exc:  # one failing strategy must not cost the developer the answer
            if not isinstance(exc, HarvestError):  # a bug, not a provider or index problem: keep its traceback
                logging.getLogger(__name__).exception("strategy %s failed", name)
            reason = str(exc).splitlines()[0] if str(exc) else ""
            routed.attempts.append(Attempt(name, False, f"failed: {reason or type(exc).__name__}"))
            continue
        failures = fast_failures(completion.text, request, kind, conventions)
        routed.attempts.append(Attempt(name, not failures, "; ".join(failures) or "passed the fast rules",
                                       completion.latency_s, completion.cost_usd))
        if not failures:
            routed.completion = completion
            break
    routed.request_id = _log(repo, request, routed, time.perf_counter() - started)
    return routed


def _log(repo: Path, request: CompletionRequest, routed: Routed, seconds: float) -> int:
    """Write the request to the log (instruction and completion scrubbed, lines marked `pragma: allowlist
    secret` included: the log feeds `idiom feedback export`); returns its id."""
    from harvest.scrub import STRICT, scrub

    completion = routed.completion
    costs = [a.cost_usd for a in routed.attempts if a.cost_usd is not None]
    with database(repo) as db:
        cursor = db.execute(
            "INSERT INTO requests (at, kind, language, path, strategy, reason, attempts, input_tokens, output_tokens, "
            "cost_usd, latency_s, outcome, instruction, completion) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (time.strftime("%Y-%m-%dT%H:%M:%S%z"), routed.kind, request.language, request.path,
             completion.strategy if completion else routed.decision.strategy, routed.decision.reason,
             json.dumps([asdict(a) for a in routed.attempts]), completion.usage.input_tokens if completion else 0,
             completion.usage.output_tokens if completion else 0, sum(costs) if costs else None, round(seconds, 4),
             "answered" if completion else "nothing passed",
             scrub(request.instruction, profile=STRICT).text,
             scrub(completion.text, profile=STRICT).text if completion else ""))
        return int(cursor.lastrowid)
