"""`idiom harvest` on a real repository: files, tests map, history, PRs, and nothing secret left."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harvest.config import HarvestConfig
from harvest.mining.diffparse import parse_patch
from harvest.mining.pipeline import mine
from harvest.records import CommitRecord, Exclusion, FileRecord, PullRequest, read_records
from tests.conftest import AWS_KEY_ID, AWS_SECRET, DB_PASSWORD, GitRepo

EXPORT = Path(__file__).resolve().parents[1] / "data" / "prs-export.json"


@pytest.fixture
def harvested(team_repo: GitRepo) -> Path:
    summary = mine(team_repo.path, HarvestConfig(), progress=False)
    return Path(summary.output)


def _files(out: Path) -> dict[str, FileRecord]:
    return {r.path: r for r in read_records(out / "files.jsonl", FileRecord)}


def _excluded(out: Path) -> dict[str, Exclusion]:
    return {r.path: r for r in read_records(out / "excluded.jsonl", Exclusion)}


def test_files_at_head_are_classified(harvested: Path) -> None:
    files = _files(harvested)
    button = files["src/components/Button/Button.tsx"]
    assert (button.kind, button.language) == ("source", "tsx")
    assert "size?: 'sm' | 'lg'" in button.text
    assert files["service/tests/test_users.py"].kind == "test"
    assert files["package.json"].kind == "config"
    assert files["README.md"].kind == "docs"
    assert button.last_commit  # newest commit that touched it


def test_every_exclusion_has_a_reason(harvested: Path) -> None:
    reasons = {path: e.reason for path, e in _excluded(harvested).items()}
    assert reasons == {
        "vendor/chart/chart.js": "vendored",
        "package-lock.json": "generated",
        "src/generated/api.ts": "generated",
        "assets/logo.png": "binary",
        "src/components/Old/Old.old.tsx": "deprecated",
        "src/legacy.ts": "deprecated",
        "escape": "symlink",
        "debug.log": "gitignored",
        "libs/shared": "submodule",
    }
    assert "outside the repository" in _excluded(harvested)["escape"].detail


def test_bad_encoding_is_replaced_and_recorded(harvested: Path) -> None:
    latin = _files(harvested)["docs/latin1.txt"]
    assert latin.decode_errors and "\ufffd" in latin.text


def test_tests_are_mapped_to_their_sources(harvested: Path) -> None:
    files = _files(harvested)
    assert files["src/components/Button/Button.spec.tsx"].tests == ("src/components/Button/Button.tsx",)
    assert files["service/tests/test_users.py"].tests == ("service/app/users.py",)


def test_history_has_every_commit_with_hunks_and_merges(harvested: Path, team_repo: GitRepo) -> None:
    commits = list(read_records(harvested / "commits.jsonl", CommitRecord))
    assert len(commits) == int(team_repo.git("rev-list", "--count", "HEAD"))
    merge = next(c for c in commits if c.is_merge)
    assert len(merge.parents) == 2
    assert [ch.path for ch in merge.changes] == ["src/components/Card/Card.tsx"]
    deleted = next(c for c in commits if c.message.startswith("fix: read credentials"))
    (change,) = deleted.changes
    assert change.status == "deleted" and change.hunks[0].text.startswith("-AWS_ACCESS_KEY_ID")
    lock = next(ch for c in commits for ch in c.changes if ch.path == "package-lock.json")
    assert lock.skipped == "generated" and lock.hunks == ()


def test_prs_come_from_merges_and_squash_subjects(harvested: Path) -> None:
    prs = {p.number: p for p in read_records(harvested / "prs.jsonl", PullRequest)}
    assert prs[7].sources == ("merge",) and prs[7].title == "Add the Card component"
    assert prs[7].head_ref == "team/feature/card"
    assert prs[12].sources == ("squash",) and prs[12].title == "feat(button): size variants"
    assert prs[12].changes[0].path == "src/components/Button/Button.tsx"


def test_no_secret_leaves_the_harvester(harvested: Path) -> None:
    written = "".join(p.read_text(encoding="utf-8") for p in harvested.rglob("*") if p.is_file())
    for value in (AWS_KEY_ID, AWS_SECRET, DB_PASSWORD):
        assert value not in written
    report = json.loads((harvested / "scrub-report.json").read_text())
    assert report["by_location"]["history-diff"] >= 3
    assert report["secrets_only_in_history"] >= 1
    finding = next(f for f in report["findings"] if f["rule"] == "aws-access-key")
    assert finding["path"] == "service/app/settings.py" and finding["line"] == 1


def test_pull_refs_and_export_enrich_prs(team_repo: GitRepo) -> None:
    team_repo.git("update-ref", "refs/pull/7/head", "feature/card")
    team_repo.git("checkout", "-q", "-b", "feature/open", "main~1")
    team_repo.write("src/components/Tag.tsx", "export const Tag = () => null\n")
    team_repo.commit("feat: tag (still open)")
    team_repo.git("checkout", "-q", "main")
    team_repo.git("update-ref", "refs/pull/31/head", "feature/open")
    summary = mine(team_repo.path, HarvestConfig(prs_file=str(EXPORT)), progress=False)
    prs = {p.number: p for p in read_records(Path(summary.output) / "prs.jsonl", PullRequest)}
    assert prs[7].sources == ("merge", "ref")
    assert prs[31].sources == ("ref",) and [c.path for c in prs[31].changes] == ["src/components/Tag.tsx"]
    exported = [p for p in prs.values() if "export" in p.sources]
    assert exported and any(p.comments for p in exported)
    written = (Path(summary.output) / "prs.jsonl").read_text()
    assert "xoxb-" not in written


def test_bounds_and_refs_limit_the_walk(team_repo: GitRepo) -> None:
    summary = mine(team_repo.path, HarvestConfig(max_commits=2), progress=False)
    assert summary.counts["commits"] == 2
    summary = mine(team_repo.path, HarvestConfig(refs=("feature/card",)), name="card", progress=False)
    assert summary.counts["merges"] == 0 and summary.revisions == ["feature/card"]
    everything = mine(team_repo.path, HarvestConfig(all_refs=True), name="all", progress=False)
    assert everything.counts["commits"] >= summary.counts["commits"]


def test_too_large_files_are_skipped_without_reading(team_repo: GitRepo) -> None:
    summary = mine(team_repo.path, HarvestConfig(max_file_bytes=100), progress=False)
    reasons = {e.path: e.reason for e in read_records(Path(summary.output) / "excluded.jsonl", Exclusion)}
    assert reasons["src/components/Button/Button.tsx"] == "too-large"


def test_config_paths_mark_deprecated_code(team_repo: GitRepo) -> None:
    team_repo.write("idiom.toml", '[harvest]\ndeprecated_paths = ["service/**"]\n')
    from harvest.config import load_harvest_config

    summary = mine(team_repo.path, load_harvest_config(team_repo.path), progress=False)
    reasons = {e.path: e.detail for e in read_records(Path(summary.output) / "excluded.jsonl", Exclusion)}
    assert "deprecated_paths" in reasons["service/app/users.py"]


def test_empty_commits_and_patches_without_files_are_mined(make_repo) -> None:
    repo = make_repo("empty")
    repo.write("a.py", "x = 1\n")
    repo.commit("feat: a")
    repo.commit("chore: an empty commit, as release tooling makes")
    summary = mine(repo.path, HarvestConfig(), progress=False)
    assert summary.counts["commits"] == 2
    assert list(parse_patch("")) == [] and list(parse_patch("\n")) == []
