"""Conventions exported as rules files: one per path scope where the format scopes files, with the front matter
each tool documents; `--check` reports drift; writing never follows a symbolic link out of the folder."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from harvest.conventions.export import EXPORTS, MARKER, Provenance, exported
from harvest.conventions.grouping import group_rules, tool_glob
from harvest.conventions.rules import Rule
from harvest.conventions.store import write_conventions
from server.cli import idiom

RULES = [
    Rule("specs-use-it", "not-regex", r"^\s*test\(", "Write test cases with `it(`, never `test(`", ("*.spec.tsx",),
         support=219, followed=212, confidence=0.968, source="test-style", severity="info"),
    Rule("no-hex", "not-regex", "#", "Take colours from theme tokens", support=340, followed=340, confidence=1.0,
         source="forbidden"),
    Rule("no-default-export", "not-regex", r"^export\s+default\b", "Use named exports", ("*.tsx",),
         exclude=("pages/",), support=40, followed=40, confidence=1.0, source="forbidden", severity="warning"),
    Rule("pages-default", "regex", r"^export\s+default\b", "Every page has `export default`", ("pages/",),
         support=9, followed=9, confidence=1.0, source="forbidden", severity="warning"),
    Rule("snake", "naming", "snake_case", "Functions are snake_case", language="python", support=30, followed=30,
         confidence=1.0, source="naming", severity="warning"),
    Rule("maybe", "not-contains", "x", "A reviewer's wish", ("*.tsx",), status="candidate", source="review"),
]
ORIGIN = Provenance("acme-web", "acme-web")
FORMATS = tuple(EXPORTS)


def _front(text: str) -> dict:
    assert text.startswith("---\n"), text[:80]
    return yaml.safe_load(text.split("---\n")[1])


def test_globs_are_rewritten_the_way_the_tools_match_them() -> None:
    assert tool_glob("*.tsx") == "**/*.tsx"
    assert tool_glob("pages/") == "**/pages/**"
    assert tool_glob("/src/hooks/") == "src/hooks/**"
    assert tool_glob("src/hooks/*.ts") == "src/hooks/*.ts"
    groups = group_rules(RULES)
    assert [g.globs for g in groups] == [(), ("**/*.py", "**/*.pyi"), ("**/*.spec.tsx",), ("**/*.tsx",),
                                         ("**/pages/**",)]
    assert [r.id for r in groups[0].rules] == ["no-hex"]  # the candidate is nowhere
    assert len({g.slug for g in groups}) == len(groups)


def test_every_file_states_its_rules_with_evidence_and_where_it_comes_from() -> None:
    files = exported(RULES, ORIGIN, FORMATS)
    for path, text in files.items():
        assert MARKER in text and "`idiom conventions export`" in text and "dataset `acme-web`" in text, path
        assert "A reviewer's wish" not in text, path
    for single in ("AGENTS.md", "CLAUDE.md", ".continue/rules/idiom.md"):
        text = files[single]
        # The tier is stated: a rule below 97% is a habit; a rule without a severity (hand-written) is a rule.
        assert "Write test cases with `it(`, never `test(` (habit, not enforced: 212 of 219 follow it)" in text
        assert "Take colours from theme tokens (rule: 340 of 340 follow it)" in text
        assert "## In files matching `**/pages/**`" in text
        assert "Use named exports (rule: 40 of 40 follow it; not in `pages/`)" in text
    assert all(f.__doc__ for f in EXPORTS.values())


def test_copilot_path_specific_files_carry_apply_to_globs() -> None:
    files = EXPORTS["copilot"](group_rules(RULES), ORIGIN)
    assert "Take colours from theme tokens" in files[".github/copilot-instructions.md"]
    assert "Use named exports" not in files[".github/copilot-instructions.md"]  # scoped: in its own file
    scoped = {p: t for p, t in files.items() if p.startswith(".github/instructions/")}
    assert len(scoped) == 4 and all(p.endswith(".instructions.md") for p in scoped)
    globs = {_front(t)["applyTo"]: t for t in scoped.values()}
    assert set(globs) == {"**/*.py,**/*.pyi", "**/*.spec.tsx", "**/*.tsx", "**/pages/**"}
    assert "Every page has `export default`" in globs["**/pages/**"]


def test_cursor_rules_have_description_globs_and_always_apply() -> None:
    files = EXPORTS["cursor"](group_rules(RULES), ORIGIN)
    assert all(p.startswith(".cursor/rules/") and p.endswith(".mdc") for p in files)
    fronts = {p: _front(t) for p, t in files.items()}
    for front in fronts.values():
        assert set(front) == {"description", "globs", "alwaysApply"}
        assert isinstance(front["description"], str) and front["description"]
        assert isinstance(front["alwaysApply"], bool) and isinstance(front["globs"], str)
        assert front["alwaysApply"] == (front["globs"] == "")
    assert fronts[".cursor/rules/idiom.mdc"]["alwaysApply"] is True
    assert {f["globs"] for f in fronts.values()} >= {"**/pages/**", "**/*.tsx"}


def test_windsurf_rules_have_a_trigger_and_globs() -> None:
    files = EXPORTS["windsurf"](group_rules(RULES), ORIGIN)
    fronts = {p: _front(t) for p, t in files.items()}
    assert fronts[".windsurf/rules/idiom.md"] == {"trigger": "always_on"}
    scoped = [f for p, f in fronts.items() if p != ".windsurf/rules/idiom.md"]
    assert scoped and all(f["trigger"] == "glob" and f["globs"] for f in scoped)
    assert all(len(t) < 12_000 for t in files.values())  # Windsurf's limit per rules file


def test_continue_rule_keeps_its_front_matter_and_claude_md_none() -> None:
    files = exported(RULES, ORIGIN, ("continue", "claude"))
    front = _front(files[".continue/rules/idiom.md"])
    assert front["alwaysApply"] is True and "acme-web" in front["name"]
    assert files["CLAUDE.md"].startswith("# Coding conventions of acme-web")


def test_no_rules_still_says_something() -> None:
    assert "No conventions" in exported([], ORIGIN, ("agents",))["AGENTS.md"]


def _mined(tmp_path: Path, rules: list[Rule]) -> Path:
    """A repository whose dataset holds `rules` (IDIOM_HOME is this test's, tests/conftest.py)."""
    repo = tmp_path / "acme-web"
    repo.mkdir(exist_ok=True)
    dataset = Path(os.environ["IDIOM_HOME"]) / "datasets" / "acme-web"
    dataset.mkdir(parents=True, exist_ok=True)
    write_conventions(dataset / "conventions.yaml", rules, "acme-web", "abc123")
    (dataset / "manifest.json").write_text("{}")
    return repo


def test_export_then_check_passes_and_drift_fails_with_one_line_per_file(tmp_path: Path) -> None:
    repo = _mined(tmp_path, RULES)
    runner = CliRunner()
    written = runner.invoke(idiom, ["conventions", "export", str(repo), "--out", str(repo), "--json"])
    assert written.exit_code == 0, written.output
    paths = json.loads(written.output)["written"]
    assert str(repo / ".github/instructions/idiom-pages.instructions.md") in paths and str(repo / "CLAUDE.md") in paths
    check = runner.invoke(idiom, ["conventions", "export", str(repo), "--out", str(repo), "--check"])
    assert check.exit_code == 0, check.output

    (repo / "CLAUDE.md").write_text("edited by hand\n")
    (repo / ".cursor/rules/idiom.mdc").unlink()
    check = runner.invoke(idiom, ["conventions", "export", str(repo), "--out", str(repo), "--check"])
    assert check.exit_code == 1
    assert check.stdout.splitlines() == [f"{repo / '.cursor/rules/idiom.mdc'}: missing", f"{repo / 'CLAUDE.md'}: differs"]
    assert "2 of" in check.stderr and "drifted" in check.stderr

    _mined(tmp_path, [r for r in RULES if r.id != "pages-default"])  # the pages scope is gone
    check = runner.invoke(idiom, ["conventions", "export", str(repo), "--out", str(repo), "--check"])
    assert check.exit_code == 1
    assert {f"{repo / p}: stale" for p in (".cursor/rules/idiom-pages.mdc", ".windsurf/rules/idiom-pages.md",
                                          ".github/instructions/idiom-pages.instructions.md")} <= set(check.stdout.splitlines())
    as_json = json.loads(runner.invoke(idiom, ["conventions", "export", str(repo), "--out", str(repo), "--check",
                                               "--json"]).stdout)
    assert {"path": "CLAUDE.md", "state": "differs"} in as_json["drifted"]

    again = runner.invoke(idiom, ["conventions", "export", str(repo), "--out", str(repo)])
    assert again.exit_code == 0 and "removed" in again.output
    assert not (repo / ".cursor/rules/idiom-pages.mdc").exists()
    assert runner.invoke(idiom, ["conventions", "export", str(repo), "--out", str(repo), "--check"]).exit_code == 0


def test_a_folder_linked_out_of_the_repository_is_never_written_through(tmp_path: Path) -> None:
    repo = _mined(tmp_path, RULES)
    outside = tmp_path / "outside"
    outside.mkdir()
    (repo / ".cursor").symlink_to(outside, target_is_directory=True)
    done = CliRunner().invoke(idiom, ["conventions", "export", str(repo), "--out", str(repo)])
    assert done.exit_code == 1
    assert "is a symbolic link" in done.output and "Traceback" not in done.output
    assert not list(outside.iterdir())
    assert not (repo / "AGENTS.md").exists()  # checked before anything is written


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_format_alone(tmp_path: Path, fmt: str) -> None:
    repo = _mined(tmp_path, RULES)
    done = CliRunner().invoke(idiom, ["conventions", "export", str(repo), "--format", fmt, "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["written"]
