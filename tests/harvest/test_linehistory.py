"""The blame carried forward (harvest/dataset/linehistory.py): a re-harvest's blame, which reads the last
HEAD's line histories from the build cache, credits every span as a walk of the whole history does, across
renames, a file deleted and added again, an old-dated branch merged late and a cut history."""

from __future__ import annotations

from pathlib import Path

import orjson

from harvest.commitlog import CommitLog, first_parent_chain
from harvest.config import HarvestConfig
from harvest.dataset.cache import Sketches, open_cache
from harvest.dataset.dedup import HASH_DTYPE, NUM_PERM, hash_values
from harvest.dataset.linehistory import CachedLineHistory
from harvest.mining.pipeline import mine
from harvest.units import lastchange
from harvest.units.lastchange import last_changes
from tests.conftest import GitRepo

BODY = "".join(f"def f{n}(x):\n    return x + {n}\n\n\n" for n in range(6))


def _blame(repo: GitRepo, folder: Path, config: HarvestConfig, cached: bool) -> tuple[dict[str, str], str]:
    """Every line's and every whole file's span credited, at the repository's HEAD, from a fresh mining;
    `cached`: through the build cache in `folder` (read, then written back)."""
    summary = mine(repo.path, config, progress=False)
    out = Path(summary.output)
    commits = CommitLog(out / "commits.jsonl")
    lines = {path: (repo.path / path).read_text().count("\n") for path in repo.git("ls-files").split()}
    spans = {path: [(f"{path}:{n}", n, n) for n in range(1, count + 1)] + [(path, 1, count)]
             for path, count in lines.items()}
    if not cached:
        return last_changes(commits, summary.head, spans), summary.head
    cache = open_cache(folder, "stamp", Sketches(hash_values, NUM_PERM, HASH_DTYPE))
    chain = first_parent_chain(commits, summary.head)
    history = CachedLineHistory(cache, summary.head, chain[-1], orjson.loads((out / "manifest.json").read_bytes()))
    found = last_changes(commits, summary.head, spans, history)
    cache.save()
    return found, summary.head


def _sha(repo: GitRepo, subject: str) -> str:
    return repo.git("log", "--format=%H", f"--grep={subject}")


def _merge_old_branch(repo: GitRepo, name: str, path: str, text: str) -> None:
    """A branch from the root, dated before the history, that writes `path`, merged now (--no-ff)."""
    root = repo.git("rev-list", "--max-parents=0", "HEAD")
    repo.git("checkout", "-q", "-b", name, root)
    repo.write(path, text)
    repo.git("add", "-A")
    old = "2024-06-01T12:00:00+00:00"
    repo.git("commit", "-q", "-m", f"feat: {name}", GIT_AUTHOR_DATE=old, GIT_COMMITTER_DATE=old)
    repo.git("checkout", "-q", "main")
    repo.tick += 1
    date = f"2025-01-{repo.tick:02d}T12:00:00+00:00"
    repo.git("merge", "--no-ff", "-q", name, "-m", f"Merge {name}", GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)


def _history(repo: GitRepo) -> None:
    repo.write("pkg/a.py", BODY)
    repo.write("pkg/b.py", BODY.replace("x +", "x *"))
    repo.commit("feat: a and b")
    repo.write("pkg/a.py", BODY.replace("x + 2", "x - 2"))
    repo.commit("fix: f2 subtracts")
    repo.git("mv", "pkg/a.py", "pkg/core.py")
    repo.commit("refactor: a is core")
    _merge_old_branch(repo, "topic", "pkg/topic.py", "def topic():\n    return 1\n")


def _more_history(repo: GitRepo) -> None:
    repo.write("pkg/core.py", "import os\n\n\n" + BODY.replace("x + 2", "x - 2").replace("x + 4", "x // 4"))
    repo.commit("feat: core imports os, f4 divides")
    repo.git("mv", "pkg/core.py", "pkg/engine.py")
    repo.commit("refactor: core is engine")
    repo.git("rm", "-q", "pkg/b.py")
    repo.commit("chore: drop b")
    repo.write("pkg/b.py", BODY.replace("x +", "x *").replace("* 5", "** 5"))
    repo.commit("feat: b is back")
    repo.write("pkg/topic.py", "def topic():\n    return 1\n\n\ndef other():\n    return 2\n")
    repo.commit("feat: other topic")
    _merge_old_branch(repo, "late", "pkg/late.py", "def late():\n    return 3\n")


def test_a_reharvest_reads_the_last_heads_lines_and_credits_as_a_whole_walk(make_repo, tmp_path: Path,
                                                                             monkeypatch) -> None:
    repo = make_repo()
    _history(repo)
    folder = tmp_path / "cache"
    first, _ = _blame(repo, folder, HarvestConfig(), cached=True)
    assert first == _blame(repo, folder, HarvestConfig(), cached=False)[0]
    _more_history(repo)
    walked: list[str] = []
    follow = lastchange._follow
    monkeypatch.setattr(lastchange, "_follow", lambda segments, change, sha, pieces: (
        walked.append(sha), follow(segments, change, sha, pieces))[1])

    again, head = _blame(repo, folder, HarvestConfig(), cached=True)

    new = set(repo.git("log", "--first-parent", "--format=%H", "-6").split())
    assert walked and set(walked) <= new, "only the new commits are walked; the rest is read from the cache"
    assert again == _blame(repo, folder, HarvestConfig(), cached=False)[0]
    assert again["pkg/engine.py:13"] == _sha(repo, "f2 subtracts")  # f2's `return`, across two renames
    assert again["pkg/engine.py:1"] == _sha(repo, "core imports os")
    assert again["pkg/engine.py:5"] == _sha(repo, "feat: a and b")  # f0's `return`, three lines down now
    assert again["pkg/b.py:2"] == repo.git("log", "--format=%H", "-1", "--", "pkg/b.py")  # added again
    assert again["pkg/late.py"] == head  # an old-dated branch's file, credited to its merge
    cache = open_cache(folder, "stamp", Sketches(hash_values, NUM_PERM, HASH_DTYPE), write=False)
    assert len(cache.lines.found) == 4 + 1, "the new HEAD's four files and their list, not the last HEAD's"
    cache.close()


def test_a_moved_history_cut_is_not_read_from_the_last_build(make_repo, tmp_path: Path) -> None:
    repo = make_repo()
    _history(repo)
    folder = tmp_path / "cache"
    cut = HarvestConfig(max_commits=4)
    _blame(repo, folder, cut, cached=True)
    _more_history(repo)  # the four newest commits are others now: the oldest ones fall out of the history

    again, _ = _blame(repo, folder, cut, cached=True)

    assert again == _blame(repo, folder, cut, cached=False)[0]
    assert "pkg/b.py:1" not in again or again["pkg/b.py:1"] in repo.git("log", "--format=%H", "-4").split()


def test_runs_crediting_a_commit_outside_the_history_are_walked_again(make_repo, tmp_path: Path) -> None:
    repo = make_repo()
    _history(repo)
    folder = tmp_path / "cache"
    _blame(repo, folder, HarvestConfig(), cached=True)
    cache = open_cache(folder, "stamp", Sketches(hash_values, NUM_PERM, HASH_DTYPE))
    for key in list(cache.lines.found):  # each file's runs (not the list of paths) credit a stranger
        value = cache.lines.peek(key, lambda found: found)
        runs = isinstance(value[0], list) and value[0][:1] == [1]
        cache.lines.put(key, [[1, "f" * 40]] if runs else value)
    cache.save()

    assert _blame(repo, folder, HarvestConfig(), cached=True)[0] == _blame(repo, folder, HarvestConfig(), cached=False)[0]


def test_other_mining_settings_do_not_read_the_last_builds_lines(make_repo, tmp_path: Path) -> None:
    repo = make_repo()
    _history(repo)
    folder = tmp_path / "cache"
    _blame(repo, folder, HarvestConfig(), cached=True)
    small_hunks = HarvestConfig(max_hunk_bytes=20)  # the same commits, their diffs recorded as skipped

    again, _ = _blame(repo, folder, small_hunks, cached=True)

    assert again == _blame(repo, folder, small_hunks, cached=False)[0]
    assert again != _blame(repo, folder, HarvestConfig(), cached=False)[0]
