"""Pairs that teach the team's test style: "write tests for X (path)" → the team's test file for it.

The test→source map from mining says which source a test file covers; the source goes in as context,
so the model learns to test the code it is shown. Long test files are taught case by case.
"""

from __future__ import annotations

from collections.abc import Iterator

from harvest.pairs.phrasing import suite_phrase
from harvest.pairs.sources import Sources, make_pair
from harvest.records import FileRecord, Pair

MAX_CONTEXT_CHARS = 6_000  # source shown to the model; longer sources are cut at a line boundary
LONG_TEST_FILE_LINES = 200


def team_test_pairs(sources: Sources) -> Iterator[Pair]:
    """Test files (or their cases, when long) → prompted with the source they test."""
    cases: dict[str, list] = {}
    for unit in sources.units:
        if unit.kind == "test":
            cases.setdefault(unit.path, []).append(unit)
    for record in sources.files.values():
        if record.kind != "test" or not record.tests:
            continue
        subject = sources.files.get(record.tests[0])
        context = _context(subject) if subject else ""
        files = (record.path, record.tests[0])  # what the pair shows: the test, and the source as context
        target = _subject_name(record.tests[0])
        if record.text.count("\n") <= LONG_TEST_FILE_LINES or not cases.get(record.path):
            prompt = f"Write the tests for `{target}` ({record.tests[0]}) in `{record.path}`."
            yield make_pair(sources, "test", record.language, record.path, prompt, record.text,
                            context=context, commit=record.last_commit, files=files)
            continue
        for case in cases[record.path]:
            where = f" in {suite_phrase(case.language, case.parent)}" if case.parent else ""
            prompt = f"Write the test \"{case.name}\"{where} of `{record.path}` for `{target}`."
            yield make_pair(sources, "test", case.language, record.path, prompt, case.text,
                            context=context, commit=case.commit or record.last_commit, files=files, key=case.id, unit=case.id)


def _subject_name(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return name.split(".", 1)[0]


def _context(record: FileRecord) -> str:
    text = record.text
    if len(text) > MAX_CONTEXT_CHARS:
        text = text[: text.rfind("\n", 0, MAX_CONTEXT_CHARS) + 1] + "…\n"
    return f"{record.path}:\n{text}"
