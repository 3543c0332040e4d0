"""The history read as a view over commits.jsonl gives the dataset build what the records held in memory gave."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harvest.commitlog import CommitLog, PullRequests, dates_of, index_by_sha
from harvest.config import HarvestConfig
from harvest.dataset.build import load_corpus, open_build_cache
from harvest.dataset.quality import Verdicts, filter_pairs
from harvest.errors import InputError
from harvest.pairs import build_pairs
from harvest.pairs.history import hub_files, read_history
from harvest.pairs.sources import Sources
from harvest.progress import progress_bar
from harvest.records import CommitRecord, PullRequest, read_records
from harvest.units.lastchange import last_changes


def test_the_view_reads_the_records_again_on_each_pass(acme_harvest) -> None:
    path = acme_harvest[1] / "commits.jsonl"
    held = tuple(read_records(path, CommitRecord))
    log = CommitLog(path)
    assert tuple(log) == held and tuple(log) == held  # re-iterable, in file order (newest first)
    assert len(log) == len(held)
    by_sha = index_by_sha(log)
    assert all(by_sha[c.sha] == c for c in held)
    assert "0" * 40 not in by_sha
    assert hub_files(log) == hub_files(held)
    prs = PullRequests(acme_harvest[1] / "prs.jsonl")
    assert tuple(prs) == tuple(prs) == tuple(read_records(acme_harvest[1] / "prs.jsonl", PullRequest)) != ()


def test_a_build_from_the_view_equals_one_from_records_in_memory(acme_harvest) -> None:
    config = HarvestConfig()
    with progress_bar(False) as bar:
        corpus, _, head = load_corpus(acme_harvest[1], config, bar)
    assert isinstance(corpus.commits, CommitLog)
    held = tuple(corpus.commits)
    spans = {u.path: [(u.id, u.start_line, u.end_line)] for u in corpus.units}
    assert last_changes(corpus.commits, head, spans) == last_changes(held, head, spans)

    def pairs(commits) -> list:
        dates = {c.sha: c.author_date for c in commits}
        return build_pairs(Sources({f.path: f for f in corpus.files}, corpus.units, commits, corpus.prs, head, dates,
                                   config))

    streamed = pairs(corpus.commits)
    assert any(p.kind == "commit" for p in streamed)
    assert streamed == pairs(held)

    # Through the build cache, empty then filled: the same pairs once filtered.
    cache = open_build_cache(acme_harvest[1], read=False)
    for _ in range(2):
        verdicts = Verdicts(config, cache)
        cached = build_pairs(Sources({f.path: f for f in corpus.files}, corpus.units, corpus.commits, corpus.prs,
                                     head, dates_of(corpus.commits), config, cache,
                                     read_history(corpus.commits), verdicts))
        assert filter_pairs(cached, config, verdicts) == filter_pairs(streamed, config)


def test_a_damaged_history_file_names_its_line(acme_harvest, tmp_path: Path) -> None:
    path = tmp_path / "commits.jsonl"
    shutil.copy(acme_harvest[1] / "commits.jsonl", path)
    with path.open("ab") as out:
        out.write(b'{"sha": "abc"\n')
    lines = path.read_bytes().count(b"\n")
    with pytest.raises(InputError, match=f"commits.jsonl:{lines}: not a valid CommitRecord"):
        CommitLog(path)
