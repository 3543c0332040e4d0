"""Harvests of repositories that lack objects: partial clones (`git clone --filter=blob:limit=1k`) and a
mirror missing a blob. What cannot be read is skipped with a reason; nothing is fetched; the rest is mined."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from harvest.config import HarvestConfig
from harvest.errors import RepoError
from harvest.mining.pipeline import harvest, mine

BIG = "".join(f"line {n} of a file past the clone's blob size limit\n" for n in range(60))  # ~3 KB


def _origin(make_repo):
    """Three commits: a big file written then rewritten, a small one edited along."""
    origin = make_repo("origin")
    origin.git("config", "uploadpack.allowFilter", "true")  # the server side of a filtered clone
    origin.write("big.txt", BIG)
    origin.write("app.py", "def one():\n    return 1\n")
    origin.commit("feat: big file")
    origin.write("big.txt", BIG + "one more line\n")
    origin.write("app.py", "def one():\n    return 1\n\n\ndef two():\n    return 2\n")
    origin.commit("feat: grow")
    origin.write("app.py", "def one():\n    return 1\n\n\ndef two():\n    return 2\n\n\ndef three():\n    return 3\n")
    origin.commit("feat: three")
    return origin


def _clone(origin, dest: Path, *flags: str) -> Path:
    subprocess.run(["git", "clone", "-q", "--filter=blob:limit=1k", *flags, f"file://{origin.path}", str(dest)],
                   check=True, capture_output=True)
    return dest


def _objects(path: Path) -> str:
    return subprocess.run(["git", "-C", str(path), "count-objects", "-v"], capture_output=True, text=True,
                          check=True).stdout


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_partial_clone_is_mined_without_fetching_what_it_lacks(make_repo, tmp_path: Path) -> None:
    origin = _origin(make_repo)
    clone = _clone(origin, tmp_path / "clone")
    shutil.rmtree(origin.path)  # a fetch would now fail the run: none may be attempted
    before = _objects(clone)
    summary = mine(clone, HarvestConfig(), progress=False)
    assert _objects(clone) == before  # nothing fetched into the user's repository
    # The checkout fetched HEAD's blobs; the first big.txt is the one the filter left out.
    assert summary.counts["files"] == 2 and summary.excluded == {}
    assert summary.counts["commits"] == 3 and summary.counts["missing_objects"] == 1
    assert summary.counts["missing_diffs"] == 2  # big.txt added, then rewritten
    commits = _jsonl(Path(summary.output) / "commits.jsonl")
    big = [c for commit in commits for c in commit["changes"] if c["path"] == "big.txt"]
    assert [(c["status"], c["skipped"], c["hunks"]) for c in big] == [("modified", "missing-object", []),
                                                                      ("added", "missing-object", [])]
    app = [c for commit in commits for c in commit["changes"] if c["path"] == "app.py"]
    assert len(app) == 3 and all(c["hunks"] and not c["skipped"] for c in app)


def test_nothing_is_fetched_even_while_the_remote_would_answer(make_repo, tmp_path: Path) -> None:
    # A file:// remote serves a lazy fetch silently: any fetch would show as new objects in the clone.
    origin = _origin(make_repo)
    clone = _clone(origin, tmp_path / "clone", "--no-checkout")
    before = _objects(clone), sorted(p.name for p in (clone / ".git" / "objects" / "pack").iterdir())
    summary, dataset = harvest(clone, HarvestConfig(), progress=False)  # mining and the dataset build
    assert (_objects(clone), sorted(p.name for p in (clone / ".git" / "objects" / "pack").iterdir())) == before
    assert summary.excluded == {"missing-object": 1} and dataset is not None and dataset.units


def test_blobs_missing_at_head_are_excluded_with_their_reason(make_repo, tmp_path: Path) -> None:
    origin = _origin(make_repo)
    clone = _clone(origin, tmp_path / "clone", "--no-checkout")  # nothing checked out: HEAD's big blob stays out
    summary = mine(clone, HarvestConfig(), progress=False)
    excluded = _jsonl(Path(summary.output) / "excluded.jsonl")
    assert [(e["path"], e["reason"]) for e in excluded] == [("big.txt", "missing-object")]
    assert "never fetched" in excluded[0]["detail"] and summary.excluded == {"missing-object": 1}
    files = _jsonl(Path(summary.output) / "files.jsonl")
    assert [f["path"] for f in files] == ["app.py"] and "def three" in files[0]["text"]
    assert summary.counts["missing_objects"] == 2 and summary.counts["missing_diffs"] == 2


def test_a_mirror_missing_a_blob_is_mined_past_it(make_repo) -> None:
    repo = _origin(make_repo)
    old_big = repo.git("rev-parse", "HEAD~2:big.txt")
    (repo.path / ".git" / "objects" / old_big[:2] / old_big[2:]).unlink()  # the mirror lost one blob
    summary = mine(repo.path, HarvestConfig(), progress=False)
    # git log stopped at the commit that needed it; the walk resumed there through a view.
    assert summary.counts["commits"] == 3 and summary.counts["missing_objects"] == 1
    commits = _jsonl(Path(summary.output) / "commits.jsonl")
    assert [c["message"] for c in commits] == ["feat: three", "feat: grow", "feat: big file"]
    changes = {(commit["message"], c["path"]): c for commit in commits for c in commit["changes"]}
    assert changes[("feat: grow", "big.txt")]["skipped"] == "missing-object"
    assert changes[("feat: big file", "big.txt")]["skipped"] == "missing-object"
    assert changes[("feat: big file", "app.py")]["hunks"]
    assert not list(repo.path.glob(".git/refs/replace/*"))  # the repository itself is never written


def test_a_missing_tree_is_still_one_clear_error(make_repo) -> None:
    repo = _origin(make_repo)
    repo.write("pkg/mod.py", "A = 1\n")
    repo.commit("feat: pkg")
    repo.write("pkg/mod.py", "A = 2\n")
    repo.commit("fix: pkg")
    tree = repo.git("rev-parse", "HEAD~1:pkg")
    (repo.path / ".git" / "objects" / tree[:2] / tree[2:]).unlink()
    # Only blobs have placeholders: the walk cannot go past a lost folder, and says which object it lacks.
    with pytest.raises(RepoError, match=rf"^git log failed: fatal: unable to read tree {tree}; .*git fsck"):
        mine(repo.path, HarvestConfig(), progress=False)
