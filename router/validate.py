"""`idiom validate`: every case of a suite through each strategy, every rule checked, results stored
in one transaction (a crashed run leaves nothing half-written), then summarised per strategy × kind."""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from harvest.atomic import atomic_write_text
from harvest.errors import IdiomError
from harvest.scrub import STRICT, scrub
from router.config import IndexConfig, RouterConfig
from router.contracts import CompletionRequest
from router.database import database, engine
from router.statistics import forget_readings
from router.storage import schema
from router.storage.location import repository_key
from router.strategies.loaded import LoadedStrategies
from router.validation.rules import Context, Output, check
from router.validation.stats import mcnemar, percentile, wilson
from router.validation.suite import Case, Suite
from router.validation.uplift import uplifts

DEFAULT_VALUES = {"defines": lambda case: case.symbol}  # rules whose value defaults to a case field
# Measured on every answer at a cursor with a reference, asserted or not: an inline completion's figures.
MEASURES = ("exact-match", "edit-similarity")


@dataclass
class CaseResult:
    """One case answered by one strategy, and what every rule said."""

    strategy: str
    case_id: str
    kind: str
    language: str
    passed: bool
    reasons: list[dict[str, Any]] = field(default_factory=list)
    model: str = ""
    model_version: str = ""
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float | None = None
    latency_s: float = 0.0
    error: str = ""


def run_case(case: Case, name: str, strategies: LoadedStrategies, config: RouterConfig, index: IndexConfig,
             ctx: Context, max_tokens: int) -> CaseResult:
    """Ask strategy `name` for `case` and check its answer; a failing strategy is a failed case, with why."""
    request = CompletionRequest(case.prompt, case.prefix, case.suffix, case.path, case.language, max_tokens=max_tokens)
    try:
        completion = strategies.complete(name, request, config, index)
    except IdiomError as exc:  # no answer: at a cursor, an exact match of 0 and a similarity of 0
        unanswered = [{"type": m, "passed": False, "score": 0.0, "reason": "no answer", "skipped": False,
                       "measured": True} for m in MEASURES] if (case.prefix or case.suffix) and case.reference else []
        return CaseResult(name, case.id, case.kind, case.language, False, unanswered,
                          error=_quoted(str(exc).splitlines()[0]))
    out = Output(completion.text, case.language, case.path, case.kind, case.reference,
                 completion.usage.output_tokens, completion.cost_usd, completion.latency_s, (case.prefix, case.suffix))
    reasons = []
    for assertion in case.asserts:
        value = assertion.value if assertion.value is not None else DEFAULT_VALUES.get(
            assertion.type.removeprefix("not-"), lambda c: None)(case)
        result = check(assertion.type, value, out, ctx)
        reasons.append({"type": assertion.type, "passed": result.passed, "score": round(result.score, 3),
                        "reason": _quoted(result.reason), "skipped": result.skipped})
    if out.in_place and case.reference:  # EM and ES for every completion at a cursor; only asserts decide
        for measure in [m for m in MEASURES if m not in {r["type"] for r in reasons}]:
            result = check(measure, None, out, ctx)
            reasons.append({"type": measure, "passed": result.passed, "score": round(result.score, 3),
                            "reason": _quoted(result.reason), "skipped": False, "measured": True})
    passed = all(r["passed"] for r in reasons if not r["skipped"] and not r.get("measured"))
    return CaseResult(name, case.id, case.kind, case.language, passed, reasons, completion.model,
                      completion.sources[0] if name in ("finetuned", "finetuned_rag") else "",
                      completion.usage.input_tokens, completion.usage.output_tokens, completion.cost_usd,
                      completion.latency_s)


def _quoted(text: str) -> str:
    """`text` scrubbed: a rule's reason or an error can quote the answer (what a regex matched, a command's
    output), and it is stored in idiom.db, printed and written to JUnit XML (a CI artifact)."""
    return scrub(text, profile=STRICT).text


def run_suite(repo: Path, suite: Suite, suite_text: str, strategies: Sequence[str], config: RouterConfig,
              index: IndexConfig, ctx: Context, max_tokens: int = 256, offline_model: bool = False,
              advance: Callable[[], None] = lambda: None) -> tuple[str, list[CaseResult]]:
    """Run and store; returns (run id, results)."""
    engine(repo)  # a database that cannot take the results fails the run before any model is paid for
    results = []
    loaded = LoadedStrategies(repo)
    for name in strategies:
        for case in suite.cases:
            results.append(run_case(case, name, loaded, config, index, ctx, max_tokens))
            advance()
    run_id = time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
    with database(repo) as connection:
        connection.execute(schema.runs.insert().values(
            id=run_id, started_at=schema.now(), suite=suite.name,
            suite_sha256=hashlib.sha256(suite_text.encode()).hexdigest(), strategies=",".join(strategies),
            offline_model=int(offline_model), repository=repository_key(repo)))
        if results:
            connection.execute(schema.results.insert(), [
                {"run_id": run_id, "strategy": r.strategy, "case_id": r.case_id, "kind": r.kind,
                 "language": r.language, "passed": int(r.passed), "reasons": json.dumps(r.reasons), "model": r.model,
                 "model_version": r.model_version, "input_tokens": r.input_tokens, "output_tokens": r.output_tokens,
                 "cost_usd": r.cost_usd, "latency_s": r.latency_s, "error": r.error} for r in results])
    forget_readings()  # the run counts in this process's routing at once
    return run_id, results


def summary(results: Sequence[CaseResult]) -> dict[str, Any]:
    """Per strategy × kind (and per strategy overall): pass rate with its Wilson interval, exact match and
    mean edit similarity (on the cases answered at a cursor; None without any), mean cost, p50/p95
    latency; McNemar's test for each pair of strategies on the cases both ran; and each strategy's
    uplift over plain (or a note that plain did not run)."""
    rows = []
    groups: dict[tuple[str, str], list[CaseResult]] = {}
    for r in results:
        groups.setdefault((r.strategy, r.kind), []).append(r)
        groups.setdefault((r.strategy, "all"), []).append(r)
    order = list(dict.fromkeys(r.strategy for r in results))
    for (name, kind), group in sorted(groups.items(), key=lambda g: (order.index(g[0][0]), g[0][1] == "all", g[0][1])):
        passed = sum(r.passed for r in group)
        low, high = wilson(passed, len(group))
        costs = [r.cost_usd for r in group if r.cost_usd is not None]
        latencies = [r.latency_s for r in group if not r.error]
        rows.append({"strategy": name, "kind": kind, "cases": len(group), "passed": passed,
                     "pass_rate": round(passed / len(group), 3), "wilson_low": round(low, 3),
                     "wilson_high": round(high, 3), "exact_match": _mean(group, "exact-match", "passed"),
                     "edit_similarity": _mean(group, "edit-similarity", "score"),
                     "mean_cost_usd": round(sum(costs) / len(costs), 6) if costs else None,
                     "p50_latency_s": round(percentile(latencies, 0.5), 3),
                     "p95_latency_s": round(percentile(latencies, 0.95), 3)})
    by_strategy: dict[str, dict[str, bool]] = {}
    for r in results:
        by_strategy.setdefault(r.strategy, {})[r.case_id] = r.passed
    names = list(by_strategy)
    comparisons = []
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            shared = sorted(set(by_strategy[first]) & set(by_strategy[second]))
            only_first, only_second, p = mcnemar([by_strategy[first][c] for c in shared],
                                                 [by_strategy[second][c] for c in shared])
            comparisons.append({"first": first, "second": second, "only_first": only_first,
                                "only_second": only_second, "p_value": round(p, 4)})
    uplift, uplift_note = uplifts(by_strategy)
    return {"rows": rows, "comparisons": comparisons, "uplift": uplift, "uplift_note": uplift_note}


def _mean(group: Sequence[CaseResult], rule: str, field_name: str) -> float | None:
    """The mean of `field_name` (passed, score) of rule `rule` over the results that checked it, or None."""
    values = [next(float(r[field_name]) for r in result.reasons if r["type"] == rule)
              for result in group if any(r["type"] == rule for r in result.reasons)]
    return round(sum(values) / len(values), 3) if values else None


def write_junit(path: Path, suite: Suite, results: Sequence[CaseResult]) -> None:
    """JUnit XML: one testsuite per strategy, one testcase per case, failures with every failed rule, and
    an inline case's exact match and edit similarity as the testcase's properties."""
    root = ElementTree.Element("testsuites", name=suite.name)
    for name in dict.fromkeys(r.strategy for r in results):
        mine = [r for r in results if r.strategy == name]
        element = ElementTree.SubElement(root, "testsuite", name=f"{suite.name}.{name}", tests=str(len(mine)),
                                         failures=str(sum(not r.passed for r in mine)))
        for r in mine:
            case = ElementTree.SubElement(element, "testcase", classname=f"{name}.{r.kind}", name=r.case_id,
                                          time=f"{r.latency_s:.3f}")
            measured = [x for x in r.reasons if x["type"] in MEASURES]
            if measured:  # an inline case's exact match (1 or 0) and edit similarity, for CI to chart
                properties = ElementTree.SubElement(case, "properties")
                for x in measured:
                    ElementTree.SubElement(properties, "property", name=x["type"], value=str(x["score"]))
            if not r.passed:
                failed = [f"{x['type']}: {x['reason']}" for x in r.reasons
                          if not x["passed"] and not x["skipped"] and not x.get("measured")]
                message = r.error or "; ".join(failed)
                ElementTree.SubElement(case, "failure", message=message[:500]).text = message
    atomic_write_text(path, ElementTree.tostring(root, encoding="unicode", xml_declaration=True) + "\n")


def as_json(run_id: str, results: Sequence[CaseResult]) -> dict[str, Any]:
    """The run for `--json`: id, summary and every result."""
    return {"run": run_id, **summary(results), "results": [asdict(r) for r in results]}
