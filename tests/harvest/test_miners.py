"""Conventions mined from the example repository, with the support and confidence counted by hand,
and from small real repositories where a pattern is too weak to be a rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvest.config import HarvestConfig
from harvest.conventions.checks import applies, run_check
from harvest.conventions.mine import mine_conventions
from harvest.conventions.miners import MINERS
from harvest.dataset.build import load_corpus
from harvest.mining.pipeline import mine
from harvest.progress import progress_bar


def _mine(harvest_dir, config: HarvestConfig | None = None):
    config = config or HarvestConfig()
    with progress_bar(False) as bar:
        corpus, _, _ = load_corpus(harvest_dir, config, bar)
    return corpus, {r.id: r for r in mine_conventions(corpus, config)}


@pytest.fixture(scope="module")
def acme(acme_harvest):
    return _mine(acme_harvest[1])


def test_test_style_and_review_agree_on_it_over_test(acme) -> None:
    _, rules = acme
    rule = rules["specs-use-it-not-test"]
    # 7 component specs, 3 hook specs, the API client and the formatters: 12 Jest files, all with it(.
    assert (rule.support, rule.followed, rule.confidence, rule.status) == (12, 12, 1.0, "proposed")
    assert rule.evidence[0].startswith('PR #3 review by @') and "`it(` rather than `test(`" in rule.evidence[0]


def test_hex_colours_come_from_the_review_and_the_catalogue_as_one_rule(acme) -> None:
    _, rules = acme
    hex_rules = [r for r in rules.values() if "#(?:" in r.value]
    assert len(hex_rules) == 1
    (rule,) = hex_rules
    assert rule.id == "no-hex-colours-in-styles" and rule.confidence == 1.0 and rule.support >= 10
    assert rule.evidence[0].startswith('PR #3 review by @') and "No inline colours" in rule.evidence[0]
    # The positive counterpart: lines that take their colour from the theme.
    assert rule.evidence[1] == "src/components/Avatar/Avatar.styles.ts:14"
    assert not any(p.startswith("src/theme") for p in rule.paths)  # the theme is where hex values belong


def test_layout_naming_imports_and_commits(acme) -> None:
    _, rules = acme
    assert rules["layout-src-components"].value == "{dir}.spec.tsx,{dir}.tsx"
    assert rules["layout-src-components"].support == 7
    assert rules["import-styled-components-as-styled"].confidence == 1.0
    # 9 components (7 in src/components, App, renderWithTheme) and 6 pydantic/enum classes: units, not files.
    component = rules["js-component-names-pascalcase"]
    assert (component.type, component.unit_kind, component.support, component.followed) == ("naming", "component", 9, 9)
    assert rules["python-class-names-pascalcase"].support == 6
    # Avatar.tsx … Tooltip.tsx, their 7 specs, App.tsx…: the language's file names, wherever they are.
    files = rules["file-names-tsx-mixedcaps"]
    assert (files.type, files.paths, files.support, files.severity) == ("filename", ("*.tsx",), 17, "warning")
    # `Avatar.styles.ts` is PascalCase among camelCase `.ts` files: the role is left out, not held against them.
    ts_files = rules["file-names-ts-camelcase"]
    assert ts_files.exclude == ("*.styles.ts",) and ts_files.confidence == 1.0
    commit = rules["commit-subject-conventional"]
    assert commit.value == r"^(?:chore|ci|docs|feat|fix|refactor|test)(?:\([^)\n]+\))?!?: \S"
    assert commit.type == "commit-format" and commit.confidence == 1.0


def test_three_hooks_are_too_few_for_a_hook_naming_rule(acme) -> None:
    corpus, rules = acme
    assert sorted(u.name for u in corpus.units if u.kind == "hook") == ["useDebounce", "useDisclosure", "useMediaQuery"]
    assert not [r for r in rules if "hook-names" in r]


def test_review_request_not_borne_out_is_a_candidate(acme) -> None:
    _, rules = acme
    rule = rules["review-no-testclient"]
    # Scoped to Python test files like the commented one; conftest.py builds the TestClient fixture.
    assert (rule.status, rule.paths, rule.support, rule.followed) == ("candidate", ("service/tests/*.py",), 4, 3)
    assert rule.exceptions[0] == "service/tests/conftest.py:1"


def test_routes_missing_response_model_once_are_below_threshold(acme) -> None:
    corpus, rules = acme
    routes = [u for u in corpus.units if u.kind == "route" and u.language == "python"]
    assert len(routes) == 7  # /health has no response_model: 6/7 < 0.9, so no rule
    assert "routes-declare-response-model" not in rules


def test_mined_rules_flag_at_most_two_percent_of_the_files(acme) -> None:
    corpus, rules = acme
    flagged = {f.path for f in corpus.files for r in rules.values()
               if r.status == "proposed" and applies(r, f.path, f.language) and run_check(r, corpus.subject(f))}
    assert len(flagged) <= 0.02 * len(corpus.files), flagged


def _repo_with_specs(make_repo, with_test: int, total: int):
    repo = make_repo("specs")
    for n in range(total):
        call = "test" if n < with_test else "it"
        repo.write(f"src/c{n}/C{n}.spec.ts", f"describe('C{n}', () => {{\n  {call}('works', () => {{}});\n}});\n")
    repo.commit("feat: specs")
    return repo


@pytest.mark.parametrize(("with_test", "total", "expected"), [(0, 10, True), (2, 10, False), (0, 4, False)])
def test_thresholds_decide(make_repo, with_test: int, total: int, expected: bool) -> None:
    repo = _repo_with_specs(make_repo, with_test, total)
    summary = mine(repo.path, HarvestConfig(), progress=False)
    _, rules = _mine(Path(summary.output))
    assert ("specs-use-it-not-test" in rules) is expected


def test_every_miner_is_documented_and_proposes_on_the_example(acme) -> None:
    corpus, _ = acme
    for name, miner in MINERS.items():
        assert miner.__doc__, name
        assert {r.source for r in miner(corpus, HarvestConfig())} == {name}, name
