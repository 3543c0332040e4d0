"""`idiom lint` on a real repository: silent on conforming files, exact on injected breaks."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from harvest.cli import cli
from harvest.conventions.lint import lint_commit_message, lint_files
from harvest.conventions.rules import Rule
from harvest.conventions.store import write_conventions
from harvest.errors import InputError
from harvest.store import Artifacts

RULES = [
    Rule("specs-use-it", "not-regex", r"^\s*test\(", "Use it(", ("src/**/*.spec.ts",), support=9, followed=9,
         confidence=1.0),
    Rule("no-hex", "not-regex", r"#[0-9a-f]{6}\b", "No hex colours", ("src/**/*.styles.ts",), support=9, followed=9,
         confidence=1.0),
    Rule("layout", "path-layout", "{dir}.ts,{dir}.spec.ts", "Each component has a spec", ("src/components/*/",),
         support=9, followed=9, confidence=1.0),
    Rule("hooks-named-use", "naming", r"^use[A-Z]", "Hooks start with use", ("src/hooks/*.ts",), unit_kind="hook",
         support=9, followed=9, confidence=1.0),
    Rule("conventional", "commit-format", r"^(feat|fix)(\(\w+\))?: \S", "Conventional subjects", support=9,
         followed=9, confidence=1.0),
    Rule("only-a-candidate", "not-contains", "TODO", "No TODOs", status="candidate"),
]


@pytest.fixture
def repo(make_repo):
    repo = make_repo("lintme")
    repo.write("src/components/Card/Card.ts", "export const Card = () => 1;\n")
    repo.write("src/components/Card/Card.spec.ts", "it('works', () => {});\n")
    repo.write("src/components/Card/Card.styles.ts", "export const color = theme.colors.text; // TODO\n")
    repo.write("src/hooks/useThing.ts", "export const useThing = () => 1;\n")
    repo.commit("feat: card")
    return repo


def test_conforming_files_are_silent(repo) -> None:
    assert lint_files(repo.path, ["src/components/Card/Card.ts", "src/components/Card/Card.spec.ts",
                                  "src/components/Card/Card.styles.ts", "src/hooks/useThing.ts"], RULES) == []


def test_injected_breaks_are_reported_where_they_are(repo) -> None:
    repo.write("src/components/Card/Card.spec.ts", "it('works', () => {});\ntest('breaks', () => {});\n")
    repo.write("src/components/Card/Card.styles.ts", "export const color = '#ff0000';\n")
    repo.write("src/components/Modal/Modal.ts", "export const Modal = 1;\nexport const other = 2;\n")
    repo.write("src/hooks/thing.ts", "export function fetchThing() { return 1; }\n")
    paths = ["src/components/Card/Card.spec.ts", "src/components/Card/Card.styles.ts",
             "src/components/Modal/Modal.ts", "src/hooks/thing.ts"]
    found = [(v.path, v.line, v.rule) for v in lint_files(repo.path, paths, RULES)]
    assert found == [("src/components/Card/Card.spec.ts", 2, "specs-use-it"),
                     ("src/components/Card/Card.styles.ts", 1, "no-hex"),
                     ("src/components/Modal/Modal.ts", 1, "layout")]
    repo.write("src/hooks/useOther.ts", "export function badHook() {}\nexport const useOk = () => 1;\n")
    assert lint_files(repo.path, ["src/hooks/useOther.ts"], RULES) == []  # badHook is a function, not a hook


def test_a_missing_file_in_a_folder_is_reported_once(repo) -> None:
    repo.write("src/components/Modal/Modal.ts", "x\n")
    repo.write("src/components/Modal/Modal.styles.ts", "y\n")
    found = lint_files(repo.path, ["src/components/Modal/Modal.ts", "src/components/Modal/Modal.styles.ts"], RULES)
    assert [v.rule for v in found] == ["layout"] and "Modal.spec.ts" in found[0].message


def test_commit_messages() -> None:
    assert lint_commit_message("feat(card): add it\n\nbody", RULES) == []
    (violation,) = lint_commit_message("fixed stuff", RULES)
    assert (violation.rule, violation.evidence) == ("conventional", "9/9 follow it (100%)")


def test_the_conventions_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="run `idiom harvest"):
        Artifacts(tmp_path).conventions()
    for name in ("a", "b", ".c.x1y2.staging"):  # a killed writer's staging folder never counts
        write_conventions(Path(os.environ["IDIOM_HOME"]) / "datasets" / name / "conventions.yaml",
                          RULES, name, "h")
        (Path(os.environ["IDIOM_HOME"]) / "datasets" / name / "manifest.json").write_text("{}")
    with pytest.raises(InputError, match=r"several datasets .* \(a, b\); pass --name"):
        Artifacts(tmp_path).conventions()
    assert Artifacts(tmp_path).conventions("b").parent.name == "b"


def test_the_command(repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    conventions = tmp_path / "conventions.yaml"
    write_conventions(conventions, RULES, "lintme", "h")
    monkeypatch.chdir(repo.path)
    runner = CliRunner()
    clean = runner.invoke(cli, ["lint", "src", "--conventions", str(conventions)])
    assert clean.exit_code == 0, clean.output
    repo.write("src/components/Card/Card.spec.ts", "test('x', () => {});\n")
    dirty = runner.invoke(cli, ["lint", "src", "--conventions", str(conventions), "--json"])
    assert dirty.exit_code == 1
    assert [v["rule"] for v in json.loads(dirty.stdout)] == ["specs-use-it"]
    message = tmp_path / "MSG"
    message.write_text("wip\n")
    hook = runner.invoke(cli, ["lint", "--commit-message", str(message), "--conventions", str(conventions)])
    assert hook.exit_code == 1 and "conventional" in hook.output
    assert runner.invoke(cli, ["lint"]).exit_code == 1


def test_recorded_exceptions_are_skipped_unless_strict(repo) -> None:
    repo.write("src/components/Card/Card.spec.ts", "test('old', () => {});\n")
    known = [replace(RULES[0], exceptions=("src/components/Card/Card.spec.ts:1",))]
    assert lint_files(repo.path, ["src/components/Card/Card.spec.ts"], known) == []
    assert len(lint_files(repo.path, ["src/components/Card/Card.spec.ts"], known, strict=True)) == 1


def test_stories_mocks_and_fixtures_are_not_held_to_conventions(repo) -> None:
    rule = Rule("no-log", "not-contains", "console.log", "No logs", support=9, followed=9, confidence=1.0)
    repo.write("src/Card.story.tsx", "console.log('demo')\n")
    repo.write("src/__mocks__/api.ts", "console.log('mock')\n")
    repo.write("src/Card.ts", "console.log('real')\n")
    found = lint_files(repo.path, ["src/Card.story.tsx", "src/__mocks__/api.ts", "src/Card.ts"], [rule])
    assert [v.path for v in found] == ["src/Card.ts"]


def test_information_is_shown_but_fails_only_with_strict(repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    habit = replace(RULES[1], id="hex-habit", followed=9, support=10, confidence=0.9, severity="info")
    conventions = tmp_path / "conventions.yaml"
    write_conventions(conventions, [RULES[0], habit], "lintme", "h")
    repo.write("src/components/Card/Card.styles.ts", "export const color = '#ff0000';\n")
    monkeypatch.chdir(repo.path)
    runner = CliRunner()
    shown = runner.invoke(cli, ["lint", "src", "--conventions", str(conventions)])
    assert shown.exit_code == 0, shown.output
    assert "src/components/Card/Card.styles.ts:1: info: hex-habit No hex colours" in shown.stdout
    assert "no violations; 1 info" in shown.stderr
    assert runner.invoke(cli, ["lint", "src", "--conventions", str(conventions), "--strict"]).exit_code == 1
    as_json = runner.invoke(cli, ["lint", "src", "--conventions", str(conventions), "--json"])
    assert [(v["rule"], v["severity"]) for v in json.loads(as_json.stdout)] == [("hex-habit", "info")]
    repo.write("src/components/Card/Card.spec.ts", "test('x', () => {});\n")
    failed = runner.invoke(cli, ["lint", "src", "--conventions", str(conventions)])
    assert failed.exit_code == 1 and "1 violation(s) in 1 file(s); 1 info" in failed.stderr


def test_rules_leave_out_excluded_paths_and_hold_for_their_kinds(repo) -> None:
    rule = Rule("no-log", "not-contains", "console.log", "No logs", ("*.ts",), exclude=("scripts/",),
                kinds=("source", "example"), support=9, followed=9, confidence=1.0)
    for path in ("scripts/release.ts", "src/Card.stories.ts", "src/Card.spec.ts", "src/Card.ts"):
        repo.write(path, "console.log('x')\n")
    found = lint_files(repo.path, ["scripts/release.ts", "src/Card.stories.ts", "src/Card.spec.ts", "src/Card.ts"], [rule])
    assert [v.path for v in found] == ["src/Card.stories.ts", "src/Card.ts"]  # demos held to it, tests not
