"""Line-range blame from mined diffs, checked against `git blame` on a real repository."""

from __future__ import annotations

from pathlib import Path

from harvest.config import HarvestConfig
from harvest.mining.pipeline import mine
from harvest.records import CommitRecord, read_records
from harvest.units.lastchange import last_changes

FIRST = "def first(x):\n    return x + 1\n"
SECOND = "def second(y):\n    return y * 2\n"


def _commits(repo) -> tuple[list[CommitRecord], str]:
    summary = mine(repo.path, HarvestConfig(), progress=False)
    return list(read_records(Path(summary.output) / "commits.jsonl", CommitRecord)), summary.head


def test_each_span_gets_the_commit_that_last_changed_its_lines(make_repo) -> None:
    repo = make_repo()
    repo.write("mod.py", FIRST + "\n\n" + SECOND)
    added = repo.commit("feat: add first and second")
    repo.write("mod.py", FIRST + "\n\n" + SECOND.replace("y * 2", "y * 3"))
    changed_second = repo.commit("fix: second triples")
    # Lines inserted above both functions shift them without touching them.
    repo.write("mod.py", "import os\n\n\n" + FIRST + "\n\n" + SECOND.replace("y * 2", "y * 3"))
    repo.commit("chore: import os")
    repo.git("mv", "mod.py", "module.py")
    repo.commit("refactor: rename mod to module")
    commits, head = _commits(repo)

    found = last_changes(commits, head, {"module.py": [("first", 4, 5), ("second", 8, 9)]})

    assert found == {"first": added, "second": changed_second}
    blame = repo.git("blame", "--porcelain", "-L", "4,5", "module.py")
    assert {line.split()[0] for line in blame.splitlines() if len(line.split()[0]) == 40} == {added}


def test_a_removed_line_inside_a_span_touches_it(make_repo) -> None:
    repo = make_repo()
    repo.write("a.py", "def f():\n    a = 1\n    b = 2\n    return a\n")
    repo.commit("feat: f")
    repo.write("a.py", "def f():\n    a = 1\n    return a\n")
    removed = repo.commit("refactor: drop b")
    commits, head = _commits(repo)

    assert last_changes(commits, head, {"a.py": [("f", 1, 3)]}) == {"f": removed}


def test_spans_older_than_the_mined_history_are_left_to_the_caller(make_repo) -> None:
    repo = make_repo()
    repo.write("a.py", FIRST)
    repo.commit("feat: first")
    repo.write("b.py", SECOND)
    repo.commit("feat: second")
    summary = mine(repo.path, HarvestConfig(max_commits=1), progress=False)
    commits = list(read_records(Path(summary.output) / "commits.jsonl", CommitRecord))

    assert last_changes(commits, summary.head, {"a.py": [("first", 1, 2)]}) == {}
