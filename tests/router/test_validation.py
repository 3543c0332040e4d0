"""Validation: every rule (pass, fail, inverted), suites and their errors, generated suites, stats, and
runs through the real strategies against the tiny model and the OpenAI fake, stored in idiom.db."""

from __future__ import annotations

import json
import random
import sqlite3
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

from harvest.conventions.checks import run_check
from harvest.conventions.rules import Rule, Subject
from harvest.dataset.dedup import normalize
from harvest.errors import ConfigError
from harvest.records import Pair, read_records
from harvest.units import count_parse_errors, extract_units
from harvest.units.languages import KEPT_SOURCE_BYTES
from router.validation.rules import RULES, Context, Output, check
from router.validation.stats import mcnemar, percentile, wilson
from router.validation.suite import load_suite
from router.validation.uplift import NOT_MEASURED, uplift, uplifts
from server.cli import idiom
from tests.harvest.gojava_repos import GO_SOURCE, JUNIT5_TEST
from tests.harvest.test_units import FASTAPI, NESTED_JUNIT
from tests.harvest.test_units import TSX as TSX_SOURCE
from tests.router.fake_llm import fake_llm

COMPONENT = """import styled from 'styled-components';
import type { FC } from 'react';

const Root = styled.div`
  padding: 4px;
`;

export const Modal: FC<{ title: string }> = ({ title }) => <Root>{title}</Root>;
"""
TSX = Output(COMPONENT, "tsx", "src/components/Modal/Modal.tsx", "component", reference=COMPONENT, tokens=40,
             cost_usd=0.0004, latency_s=0.8)
LOOP = Output("return x;\n" * 60, "python")
TEST_STYLE = Output("describe('x', () => {\n  it('works', () => { expect(1).toBe(1); });\n});\n", "typescript")
NO_ANY = Rule("no-explicit-any", "not-regex", r":\s*any\b", "Types are explicit, never `any`")

CASES = [  # rule, value, output, passes
    ("contains", "import styled", TSX, True), ("contains", "import './styles.css'", TSX, False),
    ("icontains", "IMPORT STYLED", TSX, True), ("icontains", "vue", TSX, False),
    ("contains-any", ["vue", "FC<"], TSX, True), ("contains-any", ["vue", "svelte"], TSX, False),
    ("contains-all", ["describe(", "it(", "expect("], TEST_STYLE, True), ("contains-all", ["describe(", "test("], TEST_STYLE, False),
    ("regex", r"export const \w+: FC<", TSX, True), ("regex", r"^class ", TSX, False),
    ("starts-with", "import", TSX, True), ("starts-with", "export", TSX, False),
    ("parses", None, TSX, True), ("parses", None, Output("const = ;", "typescript"), False),
    ("ts-query", "(type_identifier) @t (#eq? @t \"FC\")", TSX, True), ("ts-query", "(class_declaration) @c", TSX, False),
    ("no-secret", None, TSX, True), ("no-secret", None, Output('key = "AKIA' + 'Z7Q2R4T6Y3W3K5M7"\n', "python"), False),
    ("max-tokens", 100, TSX, True), ("max-tokens", 10, TSX, False),
    ("max-cost", 0.001, TSX, True), ("max-cost", 0.0001, TSX, False),
    ("max-latency", 1.0, TSX, True), ("max-latency", 0.5, TSX, False),
    ("similar", 0.9, TSX, True), ("similar", 0.9, Output("x", reference="something else entirely"), False),
    ("exact-match", None, Output(" ".join(COMPONENT.split()), reference=COMPONENT), True),
    ("exact-match", None, Output("x", reference="y"), False),
    ("edit-similarity", None, TSX, True), ("edit-similarity", 0.7, Output("x", reference="something else"), False),
    ("not-degenerate", None, TSX, True), ("not-degenerate", None, LOOP, False),
    ("not-degenerate", None, Output("// TODO\n// later\n", "typescript"), False),
    ("defines", "Modal", TSX, True), ("defines", "Dialog", TSX, False),
    ("convention", "no-explicit-any", TSX, True), ("convention", "no-explicit-any", Output("let a: any = 1;\n", "typescript",
                                                                                         "src/a.ts"), False),
]


@pytest.mark.parametrize(("rule", "value", "output", "passes"), CASES, ids=[f"{c[0]}-{c[3]}" for c in CASES])
def test_every_rule_passes_fails_and_inverts(rule: str, value: object, output: Output, passes: bool) -> None:
    context = Context({"no-explicit-any": NO_ANY})
    result = check(rule, value, output, context)
    assert result.passed is passes and not result.skipped, result.reason
    inverted = check(f"not-{rule}", value, output, context)
    assert inverted.passed is (not passes) and inverted.reason.startswith("not: ")


def test_a_convention_of_the_information_tier_never_fails_an_answer() -> None:
    habit = Rule("no-explicit-any", "not-regex", r":\s*any\b", "Types are explicit", support=20, followed=19,
                 confidence=0.95, severity="info")
    result = check("convention", "no-explicit-any", Output("let a: any = 1;\n", "typescript", "src/a.ts"),
                   Context({"no-explicit-any": habit}))
    assert result.passed and result.skipped and "information (95% follow it)" in result.reason


SNAKE_CASE = Rule("snake", "naming", r"^[a-z_][a-z0-9_]*$", "Functions are snake_case", unit_kind="function")
NO_PRINT = Rule("no-print", "not-regex", r"\bprint\(", "Log, do not print")
MODULE = "import os\n\n\ndef LoadAll():\n    print(os.sep)\n    return 1\n\n\ndef save(x):\n    return x\n"


@pytest.mark.parametrize(("cursor", "answer", "passes", "reason"), [
    (len(MODULE), "\n\ndef SaveAll():\n    return 2\n", False, "line 13 function `SaveAll`"),  # LoadAll is not its excuse
    (len(MODULE), "\n\ndef save_all():\n    return 2\n", True, "Functions are snake_case"),
    (MODULE.index("    return 1"), "count = 2\n", True, "the file broke it there before this answer"),
    (MODULE.index("    return x"), "print(x)\n", False, "line 10 matches `print(`"),  # one print( more than before
    (MODULE.index("    return x"), "x += 1\n", True, "Log, do not print"),
])
def test_an_answer_in_place_is_blamed_only_for_the_breaks_it_adds(cursor: int, answer: str, passes: bool,
                                                                   reason: str) -> None:
    out = Output(answer, "python", "app/store.py", around=(MODULE[:cursor], MODULE[cursor:]))
    rule = SNAKE_CASE if "def" in answer or "count" in answer else NO_PRINT
    result = check("convention", rule.id, out, Context({rule.id: rule}))
    assert result.passed is passes and reason in result.reason, result.reason


def test_an_answer_in_a_file_too_large_to_keep_its_trees_is_judged_on_all_its_units() -> None:
    large = MODULE + "".join(f"\n\ndef add_{n}(x):\n    return x + {n}\n" for n in range(2500))
    out = Output("\n\ndef SaveAll():\n    return 2\n", "python", "app/store.py", around=(large, ""))
    assert len(out.whole.encode()) > KEPT_SOURCE_BYTES and out.touched is None
    result = check("convention", SNAKE_CASE.id, out, Context({SNAKE_CASE.id: SNAKE_CASE}))
    assert not result.passed and "function `SaveAll`" in result.reason


def test_the_lines_an_answer_changes_judge_it_as_the_whole_file_would() -> None:
    """Unit rules look only at the units on the lines an answer changed; on answers cut from the files' own lines
    put anywhere, what that finds added is what comparing every unit of the two files finds added."""
    rules = {f"{check_type}-{kind}": Rule(f"{check_type}-{kind}", check_type, pattern, "m", unit_kind=kind)
             for kind in ("method", "function", "class", "test", "test-suite", "constant", "component", "hook")
             for check_type, pattern in (("naming", r"^[a-z]{1,6}$"), ("not-unit-regex", r"return"))}
    rng = random.Random(5)
    judged, refused = 0, 0
    for path, language, text in [("src/test/java/a/BookTest.java", "java", JUNIT5_TEST.format(pkg="a", Name="Book")),
                                 ("src/test/java/OuterTest.java", "java", NESTED_JUNIT),
                                 ("cart/cart.go", "go", GO_SOURCE.format(pkg="cart", Pkg="Cart")),
                                 ("src/Button.tsx", "tsx", TSX_SOURCE), ("app/items.py", "python", FASTAPI)]:
        lines = [line for line in text.splitlines(keepends=True) if line.strip()]
        for _ in range(100):
            cursor = rng.randint(0, len(text))
            cursor = cursor if rng.random() < 0.3 else text.rfind("\n", 0, cursor) + 1  # mostly at a line's start
            answer = "".join(rng.choice(lines) for _ in range(rng.randint(1, 3)))
            out = Output(answer, language, path, around=(text[:cursor], text[cursor:]))
            if count_parse_errors(language, out.whole) > count_parse_errors(language, text):
                continue  # `parses` refuses it whatever the conventions say
            for rule in rules.values():
                before, after = (Counter(hit.message for hit in run_check(rule, Subject(
                    path, code, tuple(extract_units(path, language, code))))) for code in (text, out.whole))
                added = after - before
                assert check("convention", rule.id, out, Context(rules)).passed is not added, (path, cursor, answer)
                judged, refused = judged + 1, refused + bool(added)
    assert judged > 2000 and refused > 50  # both verdicts are exercised


def test_every_registered_rule_is_covered_and_commands_need_permission(tmp_path: Path) -> None:
    assert {c[0] for c in CASES} | {"command"} == set(RULES)
    skipped = check("command", "false", TSX)
    assert skipped.skipped and "--allow-commands" in skipped.reason
    assert check("command", "true", TSX, Context(allow_commands=True)).passed
    assert not check("command", "false", TSX, Context(allow_commands=True)).passed
    assert "not installed" in check("command", "no-such-linter {file}", TSX, Context(allow_commands=True)).reason
    with pytest.raises(ConfigError, match="unknown rule 'magic'"):
        check("magic", None, TSX)


def test_suites_load_and_their_errors_name_the_line(tmp_path: Path) -> None:
    good = tmp_path / "suite.yaml"
    good.write_text("name: seeds\ncases:\n  - id: component\n    prompt: Create a Modal component\n"
                    "    path: src/components/Modal/Modal.tsx\n    kind: component\n    assert:\n"
                    "      - {type: contains, value: import styled}\n      - {type: not-contains, value: test(}\n")
    suite = load_suite(good)
    assert suite.name == "seeds" and suite.cases[0].language == "tsx"
    assert [a.type for a in suite.cases[0].asserts] == ["contains", "not-contains"]
    broken = {"cases:\n  - id: a\n    prompt: x\n    assert:\n      - {type: magic}\n": r"suite.yaml:5: unknown rule 'magic'",
              "cases:\n  - id: a\n    prompt: [unclosed\n": r"suite.yaml:\d+: not valid YAML",
              "cases:\n  - id: a\n    colour: red\n    prompt: x\n": r"suite.yaml:2: unknown key\(s\) colour",
              "cases:\n  - id: a\n    kind: test\n": r"suite.yaml:2: a case needs a `prompt`",
              "cases: nope\n": r"a mapping with a `cases:` list"}
    for text, message in broken.items():
        (tmp_path / "suite.yaml").write_text(text)
        with pytest.raises(ConfigError, match=message):
            load_suite(tmp_path / "suite.yaml")


def test_wilson_and_mcnemar_against_hand_computed_values() -> None:
    low, high = wilson(8, 10)
    assert (round(low, 3), round(high, 3)) == (0.49, 0.943)
    assert wilson(0, 0) == (0.0, 0.0) and round(wilson(3, 3)[0], 3) == 0.439  # three lucky cases are not 100%
    assert mcnemar([True] * 6, [False] * 6) == (6, 0, 0.03125)  # exact: 2 × 0.5^6
    assert mcnemar([True, False], [True, False]) == (0, 0, 1.0)
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.0 and percentile([], 0.95) == 0.0


def test_generate_then_validate_through_real_strategies(repo: Path, tiny: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from harvest.store import idiom_home

    runner = CliRunner()
    made = runner.invoke(idiom, ["suite", "generate", str(repo)])
    assert made.exit_code == 0, made.output
    suite = load_suite(idiom_home(repo) / "suites" / "default.yaml")
    dataset = idiom_home(repo) / "datasets" / "acme-web"
    trained = {normalize(p.completion) for p in read_records(dataset / "pairs.jsonl", Pair) if p.split == "train"}
    assert suite.cases and all(normalize(c.reference) not in trained for c in suite.cases)
    assert all({"parses", "not-degenerate", "no-secret"} <= {a.type for a in c.asserts} for c in suite.cases)
    # The tiny model answers few_shot and rag; its noise fails the rules, and the run is stored.
    monkeypatch.setenv("IDIOM_ROUTER_PROVIDER", "local")
    monkeypatch.setenv("IDIOM_ROUTER_MODEL", str(tiny))
    monkeypatch.setenv("IDIOM_INDEX_EMBEDDING_MODEL", "hash")
    junit = tmp_path / "junit.xml"
    ran = runner.invoke(idiom, ["validate", str(repo), "--strategies", "few_shot,rag", "--max-tokens", "8",
                                "--junit", str(junit), "--json"])
    assert ran.exit_code == 0, ran.output
    report = json.loads(ran.output)
    overall = [r for r in report["rows"] if r["kind"] == "all"]
    assert [r["strategy"] for r in overall] == ["few_shot", "rag"]
    assert all(r["cases"] == len(suite.cases) and r["wilson_low"] <= r["pass_rate"] <= r["wilson_high"] for r in overall)
    assert report["comparisons"][0]["first"] == "few_shot"
    failures = ElementTree.parse(junit).getroot().findall(".//failure")
    assert failures and "syntax errors" in failures[0].get("message") + "".join(f.get("message") for f in failures)
    with sqlite3.connect(idiom_home(repo) / "idiom.db") as db:
        assert db.execute("SELECT offline_model FROM runs").fetchone()[0] == 1
        rows = db.execute("SELECT strategy, passed, reasons FROM results").fetchall()
    assert len(rows) == 2 * len(suite.cases) and all(json.loads(r[2]) for r in rows)
    # The same suite through OpenAI's wire format: the fake answers with the reference's shape.
    monkeypatch.setenv("IDIOM_ROUTER_PROVIDER", "openai")
    monkeypatch.setenv("IDIOM_ROUTER_MODEL", "gpt-4o-mini")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    with fake_llm() as (url, script):
        monkeypatch.setenv("IDIOM_ROUTER_BASE_URL", url)
        script.text = suite.cases[0].reference
        ran = runner.invoke(idiom, ["validate", str(repo), "--strategies", "few_shot", "--json"])
        first = next(r for r in json.loads(ran.output)["results"] if r["case_id"] == suite.cases[0].id)
        assert first["passed"], first["reasons"]
        assert first["input_tokens"] == 120 and first["cost_usd"] is not None
        # And through Anthropic's wire format, with the same verdict.
        monkeypatch.setenv("IDIOM_ROUTER_PROVIDER", "anthropic")
        monkeypatch.setenv("IDIOM_ROUTER_MODEL", "claude-haiku-4-5")
        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
        ran = runner.invoke(idiom, ["validate", str(repo), "--strategies", "rag", "--json"])
    first = next(r for r in json.loads(ran.output)["results"] if r["case_id"] == suite.cases[0].id)
    assert first["passed"], first["reasons"]
    assert first["input_tokens"] == 200 and first["model"] == "claude-haiku-4-5"


def test_validate_says_what_is_missing(repo: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(idiom, ["validate", str(repo)])
    assert missing.exit_code == 1 and "idiom suite generate" in missing.output
    wrong = runner.invoke(idiom, ["validate", str(repo), "--strategies", "oracle"])
    assert wrong.exit_code == 1 and "unknown oracle" in wrong.output


def test_uplift_and_mcnemar_on_known_values() -> None:
    assert mcnemar([True] * 7 + [False], [False] * 7 + [True]) == (7, 1, 0.0703125)  # 2 × (1 + 8) / 2^8
    assert mcnemar([True] * 8, [False] * 8)[2] == 0.0078125  # 2 / 2^8
    assert mcnemar([False, True, True], [True, False, False]) == (2, 1, 1.0)  # capped at 1
    strategy = {f"c{n}": 1 <= n <= 16 for n in range(20)} | {"only-here": True}
    control = {f"c{n}": n < 10 for n in range(20)} | {"only-there": False}
    found = uplift("rag", strategy, control)
    assert {k: found[k] for k in ("cases", "pass_rate", "control_pass_rate", "uplift", "b", "c", "p_value",
                                  "significant")} == {"cases": 20, "pass_rate": 0.8, "control_pass_rate": 0.5,
                                                      "uplift": 0.3, "b": 7, "c": 1, "p_value": 0.0703,
                                                      "significant": False}
    assert found["verdict"] == ("rag: +30 points over plain on 20 paired cases (b = 7, c = 1, McNemar p = 0.0703): "
                                "not significant (p ≥ 0.05)")
    better = uplift("finetuned_rag", {f"c{n}": True for n in range(8)}, {f"c{n}": False for n in range(8)})
    assert better["significant"] and better["verdict"].endswith("McNemar p = 0.00781): significant")
    assert uplift("rag", {"a": True}, {"b": True})["cases"] == 0
    assert uplifts({"rag": strategy}) == ([], NOT_MEASURED)
    assert [u["strategy"] for u in uplifts({"plain": control, "rag": strategy, "few_shot": control})[0]] == [
        "rag", "few_shot"]


def test_validate_shows_each_strategys_uplift_over_plain(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from harvest.store import idiom_home

    runner = CliRunner()
    assert runner.invoke(idiom, ["suite", "generate", str(repo)]).exit_code == 0
    cases = load_suite(idiom_home(repo) / "suites" / "default.yaml").cases
    monkeypatch.setenv("IDIOM_INDEX_EMBEDDING_MODEL", "hash")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    with fake_llm() as (url, script):
        monkeypatch.setenv("IDIOM_ROUTER_BASE_URL", url)
        # plain answers the first two cases with their reference and the rest with nothing; rag answers all well.
        script.texts = [c.reference if n < 2 else "" for n, c in enumerate(cases)] + [c.reference for c in cases]
        ran = runner.invoke(idiom, ["validate", str(repo), "--strategies", "plain,rag", "--json"])
        assert ran.exit_code == 0, ran.output
        report = json.loads(ran.output)
        passed = {(r["strategy"], r["case_id"]): r["passed"] for r in report["results"]}
        b = sum(passed["rag", c.id] and not passed["plain", c.id] for c in cases)
        c_ = sum(passed["plain", c.id] and not passed["rag", c.id] for c in cases)
        assert b > 0 and c_ == 0 and report["uplift_note"] == ""  # not every reference passes every rule
        [rag] = report["uplift"]
        assert (rag["strategy"], rag["cases"], rag["b"], rag["c"]) == ("rag", len(cases), b, c_)
        assert rag["p_value"] == round(mcnemar([passed["rag", c.id] for c in cases],
                                               [passed["plain", c.id] for c in cases])[2], 4)
        script.texts = [c.reference for c in cases]
        table = runner.invoke(idiom, ["validate", str(repo), "--strategies", "plain"])
        assert table.exit_code == 0 and "uplift:" not in table.output  # the control alone: nothing to compare
        script.texts = [c.reference for c in cases]
        alone = runner.invoke(idiom, ["validate", str(repo), "--strategies", "rag"])
    assert alone.exit_code == 0 and "plain (the control) was not validated" in alone.output
    roi = json.loads(runner.invoke(idiom, ["roi", str(repo), "--json"]).output)
    # The report pairs the latest run of each strategy on the case ids they share.
    assert [(u["strategy"], u["cases"]) for u in roi["uplift"]] == [("rag", len(cases))]
