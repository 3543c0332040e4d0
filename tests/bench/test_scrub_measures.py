"""The scrubber benchmark's measures: the written set (deterministic, cited, split by a seeded hash), the
held-back split read only with --final, and the leave-one-source-out figures."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from bench.secrets import corpus
from bench.secrets.corpus import DEV, HELD_BACK, WRITTEN, load_written, split_path
from bench.secrets.tokens import SHAPES
from bench.secrets.write import HELD_BACK_SHARE, build_cases, split_of, write
from harvest.errors import InputError
from harvest.scrub.evaluate import Case, SourceScore


def test_the_committed_files_are_what_the_writer_produces(tmp_path: Path) -> None:
    write(tmp_path)
    for name in (DEV, HELD_BACK):
        assert (tmp_path / f"{name}.jsonl").read_text() == (WRITTEN / f"{name}.jsonl").read_text()


def test_cases_are_deterministic_labelled_and_cited() -> None:
    cases = build_cases()
    assert cases == build_cases()
    assert len({c["id"] for c in cases}) == len(cases)
    labels = Counter(c["label"] for c in cases)
    assert labels["positive"] > 100 and labels["negative"] > 100
    for case in cases:
        assert case["path"] and case["text"].endswith("\n")
        if case["label"] == "positive":
            assert case["secret"] and case["secret"] in case["text"]
        if case["id"].startswith("written:provider:"):
            assert case["doc"].startswith("https://")


def test_every_documented_shape_makes_tokens_of_one_length() -> None:
    import random

    for shape in SHAPES:
        lengths = {len(shape.make(random.Random(seed))) for seed in range(5)}
        # Mailchimp's data-centre suffix and Telegram's bot id vary in width; everything else is fixed.
        assert max(lengths) - min(lengths) <= 3, shape.name


def test_split_is_a_seeded_hash_of_the_id() -> None:
    ids = [c["id"] for c in build_cases()]
    splits = [split_of(i) for i in ids]
    assert splits == [split_of(i) for i in ids]
    assert splits != [split_of(i, seed=99) for i in ids]
    share = splits.count(HELD_BACK) / len(ids) * 100
    assert abs(share - HELD_BACK_SHARE) < 6
    dev = {json.loads(line)["id"] for line in (WRITTEN / "dev.jsonl").read_text().splitlines()}
    held = {json.loads(line)["id"] for line in (WRITTEN / "held-back.jsonl").read_text().splitlines()}
    assert dev and held and not dev & held and dev | held == set(ids)


def test_held_back_is_not_read_without_final(tmp_path: Path) -> None:
    write(tmp_path)
    (tmp_path / "held-back.jsonl").write_text("not json\n")  # reading it would raise
    assert list(load_written(final=False, root=tmp_path)) == [DEV]
    with pytest.raises(InputError, match="held-back.jsonl:1"):
        load_written(final=True, root=tmp_path)


def test_the_bench_reads_held_back_only_with_final(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bench import scrub_bench

    read: list[str] = []
    real = corpus.load_cases

    def spy(path: Path) -> list[Case]:
        read.append(Path(path).name)
        cases = real(path)
        return cases[:3] + cases[-3:]  # a few cases of each label keep detect-secrets quick; which files are opened is the point

    monkeypatch.setattr(corpus, "load_cases", spy)
    scores = scrub_bench.written_scores(tmp_path, final=False)
    assert list(scores) == [DEV] and read == ["dev.jsonl"]
    read.clear()
    scores = scrub_bench.written_scores(tmp_path, final=True)
    assert list(scores) == [DEV, HELD_BACK] and read == ["dev.jsonl", "held-back.jsonl"]
    section = "\n".join(scrub_bench._written_section(scrub_bench.written_scores(tmp_path, False), False))
    assert "Held-back split: **not read**" in section and "recall by kind: provider" in section


def test_unknown_split_is_one_clear_error() -> None:
    with pytest.raises(InputError, match="unknown split 'test'"):
        split_path("test")


def test_leave_one_source_out_weighs_each_source_once() -> None:
    from bench.scrub_bench import leave_one_source_out

    scores = {"a": SourceScore(positives=10, caught=9, negatives=10, false_positives=1),
              "b": SourceScore(positives=100, caught=50, negatives=100, false_positives=0),
              "c": SourceScore(positives=4, caught=4, negatives=5, false_positives=1)}
    rows = leave_one_source_out(scores)
    assert [r[0] for r in rows] == ["a", "b", "c", "mean"]
    assert rows[0][1:] == (0.9, 0.1)
    assert rows[-1][1] == pytest.approx((0.9 + 0.5 + 1.0) / 3)
    assert rows[-1][2] == pytest.approx((0.1 + 0.0 + 0.2) / 3)


def test_written_cases_are_scored_with_their_file_path() -> None:
    from harvest.scrub.evaluate import is_flagged as flagged_in_file

    # An unquoted value is a literal in a config file and an expression in code: the path decides.
    text = "password = Xk29fLq7zPw\n"
    positive = Case("p", "s", "positive", text, secret="Xk29fLq7zPw", path="conf/app.ini")
    assert flagged_in_file(positive)
    assert not flagged_in_file(Case("n", "s", "negative", "password = request.form\n", path="app/views.py"))
