"""Fill-in-the-middle pairs from harvest to export: spans at syntactic boundaries in Python, TypeScript, Go and
Java files of a real repository, determinism, the token budget, the by-file split stratified by language,
scrubbing, dedup and decontamination of spans, and the `fim/` rows."""

from __future__ import annotations

import dataclasses
import json
import os
from collections import Counter
from pathlib import Path

import orjson
import pytest

from harvest.config import HarvestConfig
from harvest.dataset.build import build_dataset, load_corpus
from harvest.dataset.dedup import dedupe
from harvest.dataset.split import decontaminate
from harvest.dataset.validate import estimate_tokens, validate_path
from harvest.mining.pipeline import mine
from harvest.pairs import build_pairs
from harvest.pairs.sources import Sources
from harvest.progress import progress_bar
from harvest.records import FIM_KIND, Pair, Rejection, read_records
from tests.conftest import AWS_SECRET, GitRepo

NOUNS = ("apple", "berry", "cedar", "delta", "ember", "fjord", "grove", "harbor", "iris", "juniper", "kelp",
         "lumen", "maple", "nectar")
LANGUAGES = ("python", "typescript", "go", "java")


def _python(i: int, noun: str) -> str:
    return f'''"""Pricing for the {noun} shop."""
import logging

log = logging.getLogger("{noun}")


def price_{noun}({noun}_items, {noun}_rate={i}):
    {noun}_total = sum({noun}.cost * {noun}_rate for {noun} in {noun}_items)
    if {noun}_total > {i * 10}:
        {noun}_total -= discount_{noun}({noun}_total, "{noun}-{i}")
        log.info("discounted {noun} %s", {noun}_total)
    return round({noun}_total, {i % 3})


class {noun.title()}Store:
    def __init__(self, {noun}_name):
        self.{noun}_name = {noun}_name
        self.{noun}_items = load_{noun}_items({noun}_name, limit={i})

    def add_{noun}(self, {noun}_item):
        self.{noun}_items.append({noun}_item)
        notify_{noun}(self.{noun}_name, {noun}_item, level={i})
'''


def _typescript(i: int, noun: str) -> str:
    return f'''import {{ log }} from './log';

export function price{noun.title()}({noun}Items: Item[], {noun}Rate = {i}): number {{
  const {noun}Total = {noun}Items.reduce((sum, {noun}) => sum + {noun}.cost * {noun}Rate, 0);
  if ({noun}Total > {i * 10}) {{
    log.info('discounted {noun}', {noun}Total);
    return discount{noun.title()}({noun}Total, '{noun}-{i}');
  }}
  return Math.round({noun}Total * {i});
}}

export function label{noun.title()}({noun}Name: string): string {{
  const {noun}Upper = {noun}Name.toUpperCase();
  return format{noun.title()}({noun}Upper, {{ width: {i}, pad: '{noun}' }});
}}
'''


def _go(i: int, noun: str) -> str:
    return f'''package {noun}

import "log"

// Price{noun.title()} totals the {noun} items.
func Price{noun.title()}({noun}Items []Item, {noun}Rate int) int {{
	{noun}Total := 0
	for _, {noun} := range {noun}Items {{
		{noun}Total += {noun}.Cost * {noun}Rate
	}}
	if {noun}Total > {i * 10} {{
		log.Printf("discounted {noun} %d", {noun}Total)
		return discount{noun.title()}({noun}Total, "{noun}-{i}")
	}}
	return {noun}Total * {i}
}}
'''


def _java(i: int, noun: str) -> str:
    return f'''package shop;

public class {noun.title()}Store {{
    public int price{noun.title()}(List<Item> {noun}Items, int {noun}Rate) {{
        int {noun}Total = 0;
        for (Item {noun} : {noun}Items) {{
            {noun}Total += {noun}.cost() * {noun}Rate;
        }}
        if ({noun}Total > {i * 10}) {{
            LOG.info("discounted {noun} {{}}", {noun}Total);
            return discount{noun.title()}({noun}Total, "{noun}-{i}");
        }}
        return {noun}Total * {i};
    }}
}}
'''


WRITERS = {"python": _python, "typescript": _typescript, "go": _go, "java": _java}


PATHS = {"python": "py/{noun}.py", "typescript": "ts/{noun}.ts", "go": "go/{noun}/{noun}.go",
         "java": "java/src/main/java/shop/{title}Store.java"}


def _files() -> dict[str, str]:
    return {PATHS[language].format(noun=noun, title=noun.title()): write(i, noun)
            for language, write in WRITERS.items() for i, noun in enumerate(NOUNS)}


@pytest.fixture(scope="module")
def polyglot(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A repository of 14 files in each of Python, TypeScript, Go and Java, mined once: (repo, harvest dir)."""
    base = tmp_path_factory.mktemp("fim")
    repo = GitRepo(base / "shop")
    for path, text in _files().items():
        repo.write(path, text)
    repo.write("py/settings.py", f'def connect():\n    return Client(region="eu", secret_key="{AWS_SECRET}")\n')
    repo.commit("feat: the shops")
    previous = os.environ.get("IDIOM_HOME")
    os.environ["IDIOM_HOME"] = str(base / "home")
    try:
        summary = mine(repo.path, HarvestConfig(), progress=False)
    finally:
        if previous is None:
            os.environ.pop("IDIOM_HOME", None)
        else:
            os.environ["IDIOM_HOME"] = previous
    return repo.path, Path(summary.output)


def _sources(harvest: Path, config: HarvestConfig) -> Sources:
    with progress_bar(False) as bar:
        corpus, _, head = load_corpus(harvest, config, bar)
    return Sources({f.path: f for f in corpus.files}, corpus.units, corpus.commits, corpus.prs, head,
                   {c.sha: c.author_date for c in corpus.commits}, config)


def _fim(harvest: Path, config: HarvestConfig | None = None) -> list[Pair]:
    return build_pairs(_sources(harvest, config or HarvestConfig()), ["fim"])


def _build(harvest: Path, tmp_path: Path, config: HarvestConfig | None = None) -> Path:
    """The dataset of a copy of the harvest under `tmp_path`, so each build stands alone."""
    import shutil

    target = tmp_path / "home" / "harvest" / harvest.name
    shutil.copytree(harvest, target)
    return Path(build_dataset(target, config or HarvestConfig(), progress=False).output)


def test_every_language_gets_spans_of_every_type_cut_at_syntactic_boundaries(polyglot) -> None:
    _, harvest = polyglot
    pairs = _fim(harvest)
    texts = {path: record.text for path, record in _sources(harvest, HarvestConfig()).files.items()}
    assert {p.language for p in pairs} == set(LANGUAGES)
    assert {p.span for p in pairs} == {"line", "rest-of-line", "block", "arguments"}
    for language in LANGUAGES:
        assert {p.span for p in pairs if p.language == language} >= {"line", "rest-of-line", "block"}
    for pair in pairs:
        assert pair.kind == FIM_KIND and pair.files == (pair.path,) and pair.order in ("psm", "spm")
        assert pair.prefix + pair.completion + pair.suffix in texts[pair.path]
        head, tail = pair.prefix.rsplit("\n", 1)[-1], pair.suffix.split("\n", 1)[0]
        if pair.span == "line":
            assert not head.strip() and not tail.strip() and "\n" not in pair.completion
        elif pair.span == "rest-of-line":
            assert head.strip() and not tail.strip() and "\n" not in pair.completion
        elif pair.span == "block":
            assert not head.strip() and "\n" in pair.completion and tail.strip() in ("", "}")
        else:
            assert pair.prefix.rstrip().endswith("(") and pair.suffix.lstrip().startswith(")")
    java_line = next(p for p in pairs if p.language == "java" and p.span == "line")
    assert java_line.completion.endswith(";")


def test_spans_are_the_same_each_build_and_seeded_by_path(polyglot, tmp_path: Path) -> None:
    repo, harvest = polyglot
    first, second = _fim(harvest), _fim(harvest)
    assert first == second
    assert Counter(p.path for p in first).most_common(1)[0][1] == HarvestConfig().fim_spans_per_file
    # Another order draw changes the orders only, never which spans are taken.
    all_spm = _fim(harvest, HarvestConfig(fim_spm_rate=1.0))
    assert [p.id for p in all_spm] == [p.id for p in first] and {p.order for p in all_spm} == {"spm"}
    assert {p.order for p in _fim(harvest, HarvestConfig(fim_spm_rate=0.0))} == {"psm"}
    assert {p.order for p in first} == {"psm", "spm"}
    assert not _fim(harvest, HarvestConfig(fim=False))


def test_prefix_and_suffix_keep_to_the_token_budget_at_whole_lines(polyglot) -> None:
    _, harvest = polyglot
    budget = 40
    for pair in _fim(harvest, HarvestConfig(fim_context_tokens=budget)):
        # Beyond the rest of the middle's own lines, only whole lines, and only as many as the budget holds.
        above = pair.prefix[:pair.prefix.rfind("\n") + 1]
        below = pair.suffix[pair.suffix.find("\n") + 1:] if "\n" in pair.suffix else ""
        assert estimate_tokens(above) + estimate_tokens(below) <= budget
        assert (pair.prefix + pair.completion + pair.suffix).endswith(below)
    wide = {p.id: p for p in _fim(harvest)}
    narrow = {p.id: p for p in _fim(harvest, HarvestConfig(fim_context_tokens=budget))}
    assert narrow.keys() == wide.keys()
    assert any(len(narrow[k].prefix) < len(wide[k].prefix) for k in wide)


def test_a_held_out_files_spans_never_train_and_every_language_is_held_out(polyglot, tmp_path: Path) -> None:
    _, harvest = polyglot
    out = _build(harvest, tmp_path)
    pairs = list(read_records(out / "pairs.jsonl", Pair))
    fim = [p for p in pairs if p.kind == FIM_KIND]
    split_of: dict[str, set[str]] = {}
    for pair in pairs:
        for path in pair.files:
            split_of.setdefault(path, set()).add(pair.split)
    assert all(len(splits) == 1 for splits in split_of.values())
    held_paths = {p.path for p in fim if p.split != "train"}
    assert held_paths and not any(p.path in held_paths for p in fim if p.split == "train")
    for language in LANGUAGES:
        mine = [p for p in fim if p.language == language]
        held = [p for p in mine if p.split in ("eval", "test")]
        assert len(held) >= 0.08 * len(mine) and any(p.split == "test" for p in mine), language
    manifest = orjson.loads((out / "manifest.json").read_bytes())
    assert sum(manifest["counts"]["fim"]["languages"]["go"].values()) == sum(1 for p in fim if p.language == "go")


def test_fim_rows_are_exported_apart_and_validate(polyglot, tmp_path: Path) -> None:
    _, harvest = polyglot
    out = _build(harvest, tmp_path)
    pairs = list(read_records(out / "pairs.jsonl", Pair))
    for split in ("train", "eval", "test"):
        rows = [json.loads(line) for line in (out / "fim" / f"{split}.jsonl").read_text().splitlines()]
        expected = [p for p in pairs if p.kind == FIM_KIND and p.split == split]
        assert [(r["prefix"], r["middle"], r["suffix"], r["span"], r["order"], r["path"]) for r in rows] == \
            [(p.prefix, p.completion, p.suffix, p.span, p.order, p.path) for p in expected]
        trl = (out / "trl" / f"{split}.jsonl").read_text().splitlines()
        assert len(trl) == sum(1 for p in pairs if p.kind != FIM_KIND and p.split == split)
    report = validate_path(out, "gpt-4o-mini-2024-07-18")
    assert not [e for r in report.files for e in r.errors]
    assert {r.format for r in report.files} >= {"fim", "trl"}
    card = (out / "DATASET.md").read_text()
    assert "## Fill-in-the-middle pairs" in card and "| rest-of-line |" in card and "| java |" in card
    without = _build(harvest, tmp_path / "off", HarvestConfig(fim=False))
    assert not (without / "fim").exists()
    assert FIM_KIND not in {p.kind for p in read_records(without / "pairs.jsonl", Pair)}


def test_a_secret_inside_a_middle_is_scrubbed(polyglot, tmp_path: Path) -> None:
    _, harvest = polyglot
    out = _build(harvest, tmp_path, HarvestConfig(fim_spans_per_file=1000))
    fim = [p for p in read_records(out / "pairs.jsonl", Pair) if p.kind == FIM_KIND and p.path == "py/settings.py"]
    assert any("secret_key=" in p.completion and "<" in p.completion for p in fim)
    written = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file())
    assert AWS_SECRET not in written


def _span(path: str, middle: str, before: str, after: str, id: str, split: str = "") -> Pair:
    return Pair(id=id, kind=FIM_KIND, language="python", path=path, prompt="Fill in the missing line.",
                completion=middle, files=(path,), prefix=before, suffix=after, span="line", order="psm", split=split)


BEFORE = "def total(items):\n    subtotal = 0\n    for item in items:\n        "
AFTER = "\n    return round(subtotal, 2)\n"


def test_identical_spans_are_deduplicated_and_neighbours_are_not() -> None:
    copy = _span("b.py", "subtotal += item.price", BEFORE, AFTER, "fim-b")
    original = _span("a.py", "subtotal += item.price", BEFORE, AFTER, "fim-a")
    neighbour = _span("a.py", "subtotal = 0", BEFORE[:BEFORE.index("subtotal")],
                      "\n    for item in items:\n        subtotal += item.price" + AFTER, "fim-n")
    elsewhere = _span("c.py", "subtotal -= item.refund", BEFORE, AFTER, "fim-c")
    unit = dataclasses.replace(original, id="function-a", kind="function", completion=BEFORE + "x" + AFTER)
    kept, rejected = dedupe([original, copy, neighbour, elsewhere, unit], 0.7)
    assert [p.id for p in kept] == ["fim-a", "fim-n", "fim-c", "function-a"]
    assert rejected == [Rejection("fim-b", FIM_KIND, "dedup", "duplicate", "fim-a")]


def test_a_train_span_repeating_a_held_out_one_is_decontaminated() -> None:
    held = _span("a.py", "subtotal += item.price", BEFORE, AFTER, "fim-a", split="test")
    leak = _span("b.py", "subtotal += item.price", BEFORE, AFTER, "fim-b", split="train")
    other = _span("b.py", "subtotal -= item.refund", BEFORE, AFTER, "fim-c", split="train")
    kept, rejected = decontaminate([held, leak, other], 0.7)
    assert [p.id for p in kept] == ["fim-a", "fim-c"]
    assert rejected == [Rejection("fim-b", FIM_KIND, "decontaminate", "contaminates-eval", "fim-a")]


def test_pairs_written_before_fim_read_back(tmp_path: Path) -> None:
    old = {"id": "function-1", "kind": "function", "language": "python", "path": "a.py", "prompt": "Write f",
           "completion": "def f():\n    return 1\n", "split": "train"}
    (tmp_path / "pairs.jsonl").write_text(json.dumps(old) + "\n")
    (pair,) = read_records(tmp_path / "pairs.jsonl", Pair)
    assert (pair.prefix, pair.suffix, pair.span, pair.order) == ("", "", "", "")


def test_spans_a_recent_commit_wrote_come_first_and_carry_it(make_repo) -> None:
    repo = make_repo("recent")
    repo.write("py/apple.py", _python(1, "apple"))
    repo.write("py/berry.py", _python(2, "berry"))
    first = repo.commit("feat: two shops")
    changed = _python(1, "apple").replace(
        "    return round(apple_total, 1)\n",
        "    apple_total = apply_apple_tax(apple_total, region=\"eu\")\n    return round(apple_total, 1)\n")
    repo.write("py/apple.py", changed)
    second = repo.commit("feat(apple): tax")
    harvest = Path(mine(repo.path, HarvestConfig(), progress=False).output)
    config = HarvestConfig(fim_spans_per_file=1, fim_recent_commits=1)
    (apple,) = [p for p in _fim(harvest, config) if p.path == "py/apple.py"]
    (berry,) = [p for p in _fim(harvest, config) if p.path == "py/berry.py"]
    # Every span type has a candidate on the new line (the body holding it is one), and those go first.
    assert "apply_apple_tax" in apple.completion or "region=" in apple.completion
    assert apple.commit == second and apple.date.startswith("2025-01-02")
    assert berry.commit == first  # nothing recent in it: its unit's commit
