"""The policy (a pure function) and the request path: decision, cascade on failed rules and on provider
failures, and the request log."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

import router.statistics
from harvest.conventions.rules import Rule
from router.contracts import CompletionRequest
from router.policy import Measured, decide, expected_costs
from router.routing import fast_failures, request_kind
from server.cli import idiom
from tests.router.fake_llm import fake_llm

GOOD_TSX = "import styled from 'styled-components';\n\nexport const Tag = () => <span>tag</span>;\n"


def test_the_lower_confidence_bound_keeps_three_lucky_cases_from_winning() -> None:
    lucky = Measured("few_shot", 3, 3, 0.001)  # 100% observed, at least 44% at 95% confidence
    proven = Measured("rag", 92, 100, 0.004)
    decision = decide([lucky, proven], 0.8)
    assert decision.strategy == "rag" and decision.order == ("rag", "few_shot")
    assert "92/100" in decision.reason and "few_shot would be cheaper" in decision.reason


def test_the_cheapest_per_accepted_request_wins_counting_the_fallback() -> None:
    cheap = Measured("few_shot", 180, 200, 0.002)  # 90%, lower bound ≈ 85%
    reliable = Measured("finetuned", 198, 200, 0.010)  # 99%
    costs = expected_costs([cheap, reliable])
    fallback = 0.010 / 0.99
    assert costs["finetuned"] == pytest.approx(fallback)
    assert costs["few_shot"] == pytest.approx(0.002 + 0.10 * fallback)  # the call, plus the failures' fallback
    assert decide([cheap, reliable], 0.8).strategy == "few_shot"
    assert decide([cheap, reliable], 0.95).strategy == "finetuned"  # only it meets a 95% target


def test_ties_go_to_the_higher_pass_rate_and_no_data_uses_the_default() -> None:
    a = Measured("rag", 95, 100, 0.0)
    b = Measured("few_shot", 99, 100, 0.0)
    assert decide([a, b], 0.8).strategy == "few_shot"
    assert decide([Measured("rag", 1, 10, 0.0), Measured("few_shot", 2, 10, 0.0)], 0.8).reason.startswith(
        "no strategy is known to pass 80%")
    empty = decide([], 0.8, ["few_shot", "rag"])
    assert empty.strategy == "few_shot" and "no validation results yet" in empty.reason


@pytest.mark.parametrize(("path", "instruction", "kind"), [
    ("src/components/Tag/Tag.spec.tsx", "", "test"), ("src/hooks/useTimer.ts", "", "hook"),
    ("src/components/Tag/Tag.styles.ts", "", "styled"), ("service/app/routers/tags.py", "", "route"),
    ("src/components/Tag/Tag.tsx", "", "component"), ("src/utils/format.ts", "", "function"),
    ("", "write the tests for the cart", "test")])
def test_request_kinds(path: str, instruction: str, kind: str) -> None:
    assert request_kind(path, instruction) == kind


def test_the_cascade_escalates_on_broken_output_and_provider_failures(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IDIOM_ROUTER_PROVIDER", "openai")
    monkeypatch.setenv("IDIOM_ROUTER_MODEL", "gpt-4o-mini")
    monkeypatch.setenv("IDIOM_ROUTER_EXPLORATION", "0")  # the cascade's order must not be an exploration draw
    monkeypatch.setenv("IDIOM_INDEX_EMBEDDING_MODEL", "hash")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    runner = CliRunner()
    shown = json.loads(runner.invoke(idiom, ["route", "Create a Tag component", "--file", "src/components/Tag/Tag.tsx",
                                             "--repo", str(repo), "--json"]).output)
    assert shown["kind"] == "component" and shown["order"] == ["few_shot", "rag"]  # no model registered
    with fake_llm() as (url, script):
        monkeypatch.setenv("IDIOM_ROUTER_BASE_URL", url)
        script.texts = ["const = ;", GOOD_TSX]  # few_shot's answer does not parse; rag's does
        done = runner.invoke(idiom, ["generate", "Create a Tag component", "--file", "src/components/Tag/Tag.tsx",
                                     "--repo", str(repo), "--json"])
        routed = json.loads(done.output)
        assert routed["completion"]["strategy"] == "rag" and routed["completion"]["text"] == GOOD_TSX
        assert [(a["strategy"], a["passed"]) for a in routed["attempts"]] == [("few_shot", False), ("rag", True)]
        assert "syntax error" in routed["attempts"][0]["reason"]
        # A provider that times out falls back the same way; with nothing acceptable, nothing is returned.
        monkeypatch.setenv("IDIOM_ROUTER_TIMEOUT", "0.2")
        monkeypatch.setenv("IDIOM_ROUTER_MAX_RETRIES", "0")
        script.replies = [(200, 1.0)]
        script.texts = ["", "// only a comment\n"]  # the timed-out call still takes the first
        failed = json.loads(runner.invoke(idiom, ["generate", "Create a Tag component", "--file",
                                                  "src/components/Tag/Tag.tsx", "--repo", str(repo), "--json"]).output)
    assert failed["completion"] is None
    assert failed["attempts"][0]["reason"].startswith("failed: openai") and not failed["attempts"][1]["passed"]
    from harvest.store import idiom_home

    with sqlite3.connect(idiom_home(repo) / "idiom.db") as db:
        outcomes = [r[0] for r in db.execute("SELECT outcome FROM requests ORDER BY id")]
    assert outcomes == ["answered", "nothing passed"]


def test_validation_results_drive_the_route(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from router.database import database

    with database(repo) as db:
        db.exec_driver_sql("INSERT INTO runs VALUES ('r1', 'now', 's', 'x', 'few_shot,rag', 0, '')")
        rows = [("r1", "few_shot", f"c{n}", "component", "tsx", int(n < 5), "[]", "m", "", 10, 5, 0.001, 0.1, "")
                for n in range(20)]
        rows += [("r1", "rag", f"c{n}", "component", "tsx", int(n < 19), "[]", "m", "", 10, 5, 0.003, 0.1, "")
                 for n in range(20)]
        db.exec_driver_sql("INSERT INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    monkeypatch.setenv("IDIOM_ROUTER_MIN_PASS_RATE", "0.7")
    shown = json.loads(CliRunner().invoke(idiom, ["route", "Create a Tag component", "--file",
                                                  "src/components/Tag/Tag.tsx", "--repo", str(repo), "--json"]).output)
    assert shown["strategy"] == "rag" and "19/20" in shown["reason"]


def test_exploration_is_bounded_to_plausible_less_known_strategies() -> None:
    known = Measured("rag", 95, 100, 0.004)
    new = Measured("finetuned", 4, 5, 0.001)  # 80% of 5: could reach 80% (upper bound 96%), not proven
    hopeless = Measured("few_shot", 10, 100, 0.001)  # upper bound 17%: never explored
    assert decide([known, new, hopeless], 0.8, draw=0.5, exploration=0.05).strategy == "rag"
    explored = decide([known, new, hopeless], 0.8, draw=0.01, exploration=0.05)
    assert explored.strategy == "finetuned" and explored.reason.startswith("exploring (5% of requests)")
    assert explored.order[:2] == ("finetuned", "rag")
    assert decide([known, hopeless], 0.8, draw=0.01, exploration=0.05).strategy == "rag"


def test_feedback_moves_the_route_and_exports_candidates(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                                         tmp_path: Path) -> None:
    monkeypatch.setenv("IDIOM_ROUTER_PROVIDER", "openai")
    monkeypatch.setenv("IDIOM_ROUTER_MODEL", "gpt-4o-mini")
    monkeypatch.setenv("IDIOM_ROUTER_EXPLORATION", "0")
    monkeypatch.setenv("IDIOM_ROUTER_MIN_PASS_RATE", "0.5")
    monkeypatch.setenv("IDIOM_INDEX_EMBEDDING_MODEL", "hash")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setattr(router.statistics, "FRESH_S", 0.0)  # each command stands for its own process
    runner = CliRunner()
    ids = []
    with fake_llm() as (url, script):
        monkeypatch.setenv("IDIOM_ROUTER_BASE_URL", url)
        script.text = GOOD_TSX
        for _ in range(12):
            done = runner.invoke(idiom, ["generate", "Create a Tag component", "--file", "src/components/Tag/Tag.tsx",
                                         "--repo", str(repo), "--json"])
            ids.append(json.loads(done.output)["request_id"])
    secret = "ghp_" + "R8mT2vXq9LzK4wNc7PbJ5sYd3HfG6aQe1UoZ"
    kept = tmp_path / "kept.tsx"
    kept.write_text(f"// token {secret}\nexport const Tag = () => <b>tag</b>;\n")
    for request_id in ids[:10]:
        assert runner.invoke(idiom, ["feedback", "record", str(request_id), "rejected", "--final", str(kept),
                                     "--repo", str(repo)]).exit_code == 0
    shown = json.loads(runner.invoke(idiom, ["route", "Create a Tag component", "--file", "src/components/Tag/Tag.tsx",
                                             "--repo", str(repo), "--json"]).output)
    # few_shot answered every request and was rejected 10 times in 12: rag, never judged, goes first now.
    assert shown["strategy"] == "rag" and shown["order"] == ["rag", "few_shot"]
    exported = [json.loads(line) for line in runner.invoke(idiom, ["feedback", "export", str(repo)]).output.splitlines()]
    assert len(exported) == 10 and exported[0]["rejected"] == GOOD_TSX and "export const Tag" in exported[0]["completion"]
    assert secret not in json.dumps(exported)  # what the developer kept is scrubbed before it is stored
    bad = runner.invoke(idiom, ["feedback", "record", "99999", "accepted", "--repo", str(repo)])
    assert bad.exit_code == 1 and "no request 99999" in bad.output


def test_an_answer_for_the_cursor_is_judged_with_the_file_around_it() -> None:
    inside = CompletionRequest(prefix="const broken = ;\nconst sizes = [\n", suffix="\n];\n", path="src/a.ts",
                               language="typescript")
    assert fast_failures("1, 2,", inside, "function", {}) == []  # a fragment, fine in place; the old break is not its
    [failure] = fast_failures("1, (2", inside, "function", {})
    assert failure.startswith("parses:") and "that the file did not have" in failure
    alone = CompletionRequest(instruction="a list", path="src/a.ts", language="typescript")
    assert fast_failures("1, 2,", alone, "function", {})[0].startswith("parses:")


def test_only_warnings_reject_an_answer_information_does_not() -> None:
    request = CompletionRequest(instruction="a tag", path="src/Tag.ts", language="typescript")
    warning = Rule("no-any", "not-regex", r":\s*any\b", "Never any", support=40, followed=40, confidence=1.0,
                   severity="warning")
    habit = Rule("no-then", "not-regex", r"\.then\(", "Prefer await", support=40, followed=37, confidence=0.925,
                 severity="info")
    answer = "export const tag = (x: any) => load(x).then(show);\n"
    assert fast_failures(answer, request, "function", {"no-any": warning, "no-then": habit}) == [
        "convention: Never any: line 1 matches `: any`"]
    assert fast_failures(answer, request, "function", {"no-then": replace(habit, severity="warning")}) == [
        "convention: Prefer await: line 1 matches `.then(`"]


def test_plain_is_never_routed_and_finetuned_rag_needs_a_model_and_an_index(repo: Path) -> None:
    from harvest.store import Artifacts
    from router.database import database
    from router.strategies.finetuned.registry import promote
    from router.strategies.loaded import LoadedStrategies
    from router.strategies.registry import ROUTED

    def available(repo: Path) -> list[str]:
        return LoadedStrategies(repo).available()

    assert available(repo) == ["few_shot", "rag"] and "plain" not in ROUTED
    with database(repo) as db:  # the control passing everything still does not make it a choice
        db.exec_driver_sql("INSERT INTO runs VALUES ('r1', 'now', 's', 'x', 'plain,rag', 0, '')")
        db.exec_driver_sql("INSERT INTO results VALUES ('r1', ?, ?, 'component', 'tsx', ?, '[]', 'm', '', 10, 5, 0.0, "
                           "0.1, '')", [(name, f"c{n}", int(name == "plain" or n < 10)) for name in ("plain", "rag")
                                    for n in range(20)])
    shown = json.loads(CliRunner().invoke(idiom, ["route", "Create a Tag component", "--repo", str(repo),
                                                  "--json"]).output)
    assert shown["strategy"] != "plain" and "plain" not in shown["order"]
    model = Artifacts(repo).models / "acme-web"
    (model / "v1").mkdir(parents=True)
    promote(model, "v1")
    assert available(repo) == ["few_shot", "rag", "finetuned", "finetuned_rag"]
    (Artifacts(repo).index / "manifest.json").unlink()
    assert available(repo) == ["few_shot", "finetuned"]


def test_alternatives_come_from_the_next_strategies_within_the_budget(repo: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from router.config import load_index_config
    from router.database import database
    from router.generate import request_at
    from router.providers import load_router_config
    from router.routing import answer
    from router.storage.schema import requests
    from router.strategies.loaded import LoadedStrategies

    for key, value in {"IDIOM_ROUTER_PROVIDER": "openai", "IDIOM_ROUTER_EXPLORATION": "0", "OPENAI_API_KEY": "sk-test",
                       "IDIOM_INDEX_EMBEDDING_MODEL": "hash"}.items():
        monkeypatch.setenv(key, value)
    with fake_llm() as (url, script):
        monkeypatch.setenv("IDIOM_ROUTER_BASE_URL", url)
        script.text = GOOD_TSX
        request = request_at(repo, "Create a Tag component", "src/components/Tag/Tag.tsx", 0)
        strategies, config, index = LoadedStrategies(repo), load_router_config(repo), load_index_config(repo)
        single = answer(request, strategies, config, index, {})
        routed = answer(request, strategies, config, index, {}, alternatives=1)
        spent = answer(request, strategies, replace(config, latency_budget_s=0), index, {}, alternatives=1)
    assert single.alternatives == [] and [a.strategy for a in single.attempts] == ["few_shot"]
    assert routed.completion.strategy == "few_shot" and [c.strategy for c, _ in routed.alternatives] == ["rag"]
    [(_, alternative_id)] = routed.alternatives
    with database(repo) as db:
        row = db.execute(requests.select().where(requests.c.id == alternative_id)).mappings().one()
    assert (row["strategy"], row["reason"], row["outcome"]) == ("rag", f"alternative to request {routed.request_id}",
                                                                "answered")
    # No budget left after the first answer: the next strategy is not even asked.
    assert spent.completion.strategy == "few_shot" and spent.alternatives == []
    assert spent.attempts[-1].reason == "skipped: latency budget spent"
