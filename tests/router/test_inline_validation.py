"""Inline completions measured and routed on their own: the exact-match and edit-similarity rules, the suite's
span-completion cases from the held-out fim pairs, EM/ES per strategy and kind in `idiom validate`, and the
`inline` request kind the router decides by. End to end on the example with the wire stand-in answering the
held-out middle to rag's prompts (they carry retrieved snippets as `// path:line:` headers) and noise to
few_shot's."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

from harvest.errors import ConfigError
from harvest.records import FIM_KIND, Pair, read_records
from harvest.store import Artifacts
from router.contracts import CompletionRequest
from router.kinds import INLINE, kind_of_request
from router.validation.rules import Output, check
from router.validation.suite import Case, load_suite
from server.cli import idiom
from tests.router.fake_llm import fake_llm

RAG_HEADER = re.compile(r"^(//|#) \S+:\d+:$", re.MULTILINE)  # a retrieved snippet's header: `// src/a.ts:12:`
NOISE = "zq = unrelated(0)"


def test_exact_match_ignores_whitespace_and_nothing_else() -> None:
    out = Output("return  total\n", reference="return total")
    assert check("exact-match", None, out).passed
    assert not check("exact-match", None, Output("return totals", reference="return total")).passed
    assert not check("exact-match", None, Output("x")).passed  # no reference: nothing to match


def test_edit_similarity_is_one_minus_normalised_levenshtein_with_a_threshold() -> None:
    near = Output("formatCurrency(12345)", reference="formatCurrency(123456)")  # one edit in 22 characters
    result = check("edit-similarity", None, near)
    assert result.passed and result.score == pytest.approx(1 - 1 / 22)
    assert not check("edit-similarity", 0.99, near).passed  # the threshold is the rule's value
    far = check("edit-similarity", None, Output(NOISE, reference="formatCurrency(123456)"))
    assert not far.passed and far.score < 0.7 and "min 0.7" in far.reason


def test_a_suite_checks_the_threshold_before_any_model_is_asked(tmp_path: Path) -> None:
    suite = tmp_path / "suite.yaml"
    suite.write_text("cases:\n  - id: a\n    prefix: 'x = '\n    suffix: '\\n'\n    reference: '1'\n"
                     "    assert:\n      - {type: edit-similarity}\n      - {type: exact-match}\n")
    assert [a.type for a in load_suite(suite).cases[0].asserts] == ["edit-similarity", "exact-match"]
    suite.write_text("cases:\n  - id: a\n    prefix: 'x = '\n    assert:\n      - {type: edit-similarity, value: 7}\n")
    with pytest.raises(ConfigError, match=r"suite.yaml:5: edit-similarity takes a number between 0 and 1"):
        load_suite(suite)


def test_an_infill_request_is_inline_whatever_its_file() -> None:
    path = "src/components/Tag/Tag.tsx"
    assert kind_of_request(CompletionRequest(prefix="const a = ", suffix=";\n", path=path)) == INLINE
    assert kind_of_request(CompletionRequest("Create a Tag component", "x", "", path)) == "component"


def stand_in(cases: list[Case]) -> Callable[[str], str]:
    """The held-out middle for a prompt with retrieved snippets (rag's), noise for any other."""
    def answer(prompt: str) -> str:
        if RAG_HEADER.search(prompt):
            for case in cases:
                if f"{case.prefix[-60:]}<fim_suffix>{case.suffix[:30]}" in prompt:
                    return case.reference
        return NOISE

    return answer


@pytest.fixture
def starcoder(monkeypatch: pytest.MonkeyPatch) -> None:
    """A StarCoder-family model behind an OpenAI-compatible server: infill requests take its FIM layout."""
    for key, value in {"IDIOM_ROUTER_PROVIDER": "openai", "IDIOM_ROUTER_MODEL": "starcoder2:3b",
                       "IDIOM_ROUTER_EXPLORATION": "0", "IDIOM_ROUTER_MAX_RETRIES": "0",
                       "IDIOM_INDEX_EMBEDDING_MODEL": "hash", "OPENAI_API_KEY": "sk-test"}.items():
        monkeypatch.setenv(key, value)


def test_inline_cases_are_measured_by_em_and_es_and_route_inline_completions(repo: Path, starcoder: None,
                                                                             monkeypatch: pytest.MonkeyPatch,
                                                                             tmp_path: Path) -> None:
    runner = CliRunner()
    made = runner.invoke(idiom, ["suite", "generate", str(repo), "--max-cases", "1", "--max-inline-cases", "20"])
    assert made.exit_code == 0 and "inline 20" in made.output, made.output
    artifacts = Artifacts(repo)
    cases = [c for c in load_suite(artifacts.suite).cases if c.kind == INLINE]
    held = {(p.prefix, p.suffix, p.completion): p.path for p in read_records(
        artifacts.dataset() / "pairs.jsonl", Pair) if p.kind == FIM_KIND and p.split in ("eval", "test")}
    assert all((c.prefix, c.suffix, c.reference) in held for c in cases)  # the held-out spans, exactly
    assert {a.type for a in cases[0].asserts} >= {"not-degenerate", "no-secret", "parses", "edit-similarity"}

    junit = tmp_path / "junit.xml"
    with fake_llm() as (url, script):
        monkeypatch.setenv("IDIOM_ROUTER_BASE_URL", f"{url}/v1")
        script.answer = stand_in(cases)
        script.replies = [(200, 0.0)] * 22 + [(500, 0.0)]  # one request per case: rag's first inline case fails
        done = runner.invoke(idiom, ["validate", str(repo), "--strategies", "few_shot,rag", "--json",
                                     "--junit", str(junit)])
        assert done.exit_code == 0, done.output
        assert {r["path"] for r in script.requests if r["body"].get("prompt")} == {"/v1/completions"}
    rows = {(r["strategy"], r["kind"]): r for r in json.loads(done.output)["rows"]}
    rag, few_shot = rows[("rag", INLINE)], rows[("few_shot", INLINE)]
    # The case rag could not answer counts as no match, not as no case.
    assert (rag["cases"], rag["exact_match"], rag["edit_similarity"], rag["pass_rate"]) == (20, 0.95, 0.95, 0.95)
    assert few_shot["exact_match"] == 0.0 and few_shot["edit_similarity"] < 0.5 and few_shot["pass_rate"] == 0.0
    assert all(r["exact_match"] is None for (_, kind), r in rows.items() if kind not in (INLINE, "all"))
    properties = ElementTree.parse(junit).getroot().findall(".//testcase[@classname='rag.inline']/properties/property")
    assert {(p.get("name"), p.get("value")) for p in properties} == {("exact-match", "1.0"), ("edit-similarity", "1.0"),
                                                                     ("exact-match", "0.0"), ("edit-similarity", "0.0")}

    # The router decides inline completions by the inline cases, and instructions by their own kinds.
    target = held[(cases[0].prefix, cases[0].suffix, cases[0].reference)]
    shown = json.loads(runner.invoke(idiom, ["route", "", "--file", target, "--repo", str(repo), "--json"]).output)
    assert shown["kind"] == INLINE and shown["strategy"] == "rag" and "19/20" in shown["reason"]
    told = json.loads(runner.invoke(idiom, ["route", "Write the tests for the cart", "--file", target,
                                            "--repo", str(repo), "--json"]).output)
    assert told["kind"] == "test"
    with fake_llm() as (url, script):
        monkeypatch.setenv("IDIOM_ROUTER_BASE_URL", f"{url}/v1")
        script.answer = stand_in(cases)
        routed = json.loads(runner.invoke(idiom, ["generate", "", "--file", target, "--line", "2", "--repo",
                                                  str(repo), "--json"]).output)
    assert routed["kind"] == INLINE and routed["decision"]["strategy"] == "rag"
    assert routed["attempts"][0]["strategy"] == "rag"
