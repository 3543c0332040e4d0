"""The harvester's second half: scrubbed records → units, pairs, conventions and datasets.

Reads `.idiom/harvest/<name>/`, writes `.idiom/datasets/<name>/` through a staging directory that
replaces the old dataset only when the whole build succeeded, holding the repository's writer lock
(harvest/lock.py). Every text it reads was scrubbed by the first half, so nothing here can reintroduce
a secret.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

import orjson
from rich.progress import Progress

from harvest import __version__
from harvest.atomic import atomic_write_json, atomic_write_text, staged_dir, write_jsonl
from harvest.classify import language_of
from harvest.commitlog import CommitLog, PullRequests, dates_of, first_parent_chain
from harvest.config import HarvestConfig, recorded_settings
from harvest.conventions.corpus import Corpus, parsed_imports
from harvest.conventions.mine import mine_conventions
from harvest.conventions.miners.imports import IMPORTS_READ
from harvest.conventions.rules import Rule
from harvest.conventions.store import write_conventions
from harvest.dataset.cache import (
    BuildCache,
    Sketches,
    ahead_batches,
    code_stamp,
    count,
    open_cache,
    work_ahead,
)
from harvest.dataset.card import DatasetFacts, render_card
from harvest.dataset.dedup import (
    HASH_DTYPE,
    NUM_PERM,
    Fingerprint,
    comparison,
    dedupe,
    fingerprint,
    hash_values,
)
from harvest.dataset.formats import split_rows
from harvest.dataset.formatting import FormatStats, format_pairs
from harvest.dataset.linehistory import CachedLineHistory
from harvest.dataset.quality import Verdicts, filter_pairs
from harvest.dataset.spill import SpilledTexts, spilled_texts, text_size
from harvest.dataset.split import (
    decontaminate,
    exclude_files,
    split_pairs,
    uncovered_kinds,
)
from harvest.dataset.validate import estimate_tokens
from harvest.errors import InputError
from harvest.globs import matches_glob
from harvest.graph import FileFacts, build_graph, file_facts
from harvest.graph.identifiers import IDENTIFIERS
from harvest.lock import writing
from harvest.pairs import each_pair
from harvest.pairs.commits import DIFF_FIELD
from harvest.pairs.fim import spans_ahead
from harvest.pairs.history import read_history
from harvest.pairs.sources import Sources
from harvest.pool import Pool, batched, beside
from harvest.progress import progress_bar
from harvest.records import (
    FIM_KIND,
    CommitRecord,
    Exclusion,
    FileRecord,
    Pair,
    Rejection,
    Unit,
    build_record,
    read_records,
)
from harvest.stages import StageClock
from harvest.store import MANIFEST, build_cache, complete_artifacts
from harvest.units import SUPPORTED, Import, extract_units
from harvest.units.deprecation import judge_pairs, mark_units
from harvest.units.lastchange import LineHistory, last_changes

SPLITS = ("train", "eval", "test")
CLEAN_BATCH_BYTES = 1 << 24  # pair text filtered and formatted at once before it is held on disk
CLEAN_BATCH_MOST = 8192
# Libraries whose version changes what a build produces.
VERSIONED = ("tree-sitter", "tree-sitter-python", "tree-sitter-javascript", "tree-sitter-typescript",
             "tree-sitter-go", "tree-sitter-java", "datasketch", "pyyaml")


@dataclass
class DatasetSummary:
    """What a dataset build produced, printed as a table or as `--json`."""

    name: str
    output: str
    head: str
    units: dict[str, int] = field(default_factory=dict)
    pairs: dict[str, dict[str, int]] = field(default_factory=dict)  # kind -> split -> count
    rejected: dict[str, dict[str, int]] = field(default_factory=dict)  # stage -> reason -> count
    conventions: list[dict[str, Any]] = field(default_factory=list)  # best first: id, message, support, confidence
    formatted: dict[str, int] = field(default_factory=dict)
    graph: dict[str, int] = field(default_factory=dict)  # files, definitions, imports resolved / outside the repo
    fim_spans: dict[str, dict[str, int]] = field(default_factory=dict)  # fim span type -> order -> count
    fim_languages: dict[str, dict[str, int]] = field(default_factory=dict)  # fim language -> split -> count
    seconds: float = 0.0
    stages: list[dict[str, Any]] = field(default_factory=list)  # time and peak memory of each (harvest/stages.py)


def load_corpus(source: Path, config: HarvestConfig, bar: Progress,
                cache: BuildCache | None = None) -> tuple[Corpus, list[Exclusion], str]:
    """The harvest in `source` with its units found (those of files `cache` holds read back), held-out files
    left out; plus exclusions and HEAD."""
    manifest = _harvest_manifest(source)
    head = manifest["inputs"]["head"]
    files = tuple(f for f in read_records(source / "files.jsonl", FileRecord) if not _held_out(f.path, config))
    commits = CommitLog(source / "commits.jsonl", cache)  # read again on each pass, never held whole
    prs = PullRequests(source / "prs.jsonl")
    chain = first_parent_chain(commits, head)
    history = CachedLineHistory(cache, head, chain[-1] if chain else "", manifest) if cache else None
    units = tuple(find_units(files, commits, head, bar, config.jobs, cache, history))
    imports_of = partial(cached_imports, cache) if cache else parsed_imports
    return (Corpus(files, units, commits, prs, imports_of), list(read_records(source / "excluded.jsonl", Exclusion)),
            head)


def build_dataset(source: Path, config: HarvestConfig, progress: bool = True, no_cache: bool = False,
                  cache: BuildCache | None = None) -> DatasetSummary:
    """Build `<idiom home>/datasets/<name>/` from the harvest in `source` (`<idiom home>/harvest/<name>/`),
    reusing the last build's per-content work (harvest/dataset/cache.py) unless `no_cache`, which recomputes
    everything (and leaves a fresh cache). `cache`, when given, is that cache already open (`idiom harvest`
    opens it before mining, whose test map parses files through it); this build saves or discards it."""
    with writing(source.parents[1], "dataset"):
        cache = cache or open_build_cache(source, read=not no_cache)
        try:
            summary = _build_dataset(source, config, progress, cache)
        except BaseException:
            cache.discard()  # a failed build keeps the previous cache
            raise
        cache.save()  # after the dataset, in one step
        return summary


def open_build_cache(source: Path, read: bool = True, write: bool = True) -> BuildCache:
    """The build cache of the dataset built from the harvest in `source` (empty when not `read`; staging
    this build's entries, for its `save`, when `write`)."""
    return open_cache(build_cache(source.parents[1], source.name), code_stamp(VERSIONED),
                      Sketches(hash_values, NUM_PERM, HASH_DTYPE), read=read, write=write)


def _build_dataset(source: Path, config: HarvestConfig, progress: bool, cache: BuildCache) -> DatasetSummary:
    started = time.perf_counter()
    clock = StageClock()
    name = source.name
    out = source.parents[1] / "datasets" / name
    with progress_bar(progress) as bar, spilled_texts(source.parents[1]) as texts:
        corpus, excluded, head = load_corpus(source, config, bar, cache)
        _work_ahead(cache, corpus, config)
        clock.lap("corpus")
        for kind in (cache.units, cache.lines, cache.changed):
            kind.forget_unused()
        files, units = list(corpus.files), list(corpus.units)
        history = read_history(corpus.commits)
        verdicts = Verdicts(config, cache)
        sources = Sources({f.path: f for f in files}, corpus.units, corpus.commits, corpus.prs, head,
                          dates_of(corpus.commits), config, cache, history, verdicts)
        task = bar.add_task("pairs", total=None)
        pairs, rejected, format_stats = _kept_pairs(each_pair(sources), units, files, excluded, history.renamed,
                                                    verdicts, config, texts, cache, lambda: bar.advance(task))
        for kind in (cache.spans, cache.history, cache.verdicts):
            kind.forget_unused()
        clock.lap("pairs")
        # The conventions are mined in a worker beside dedup and split, which this process alone works through;
        # the worker reads the corpus and never the build cache, whose files this process writes.
        with beside(config.jobs, mine_conventions, _without_cache(corpus), config) as conventions:
            fingerprints = partial(_fingerprint, cache, texts)
            pairs, duplicates = dedupe(pairs, config.near_duplicate_jaccard, fingerprints)
            pairs, leaks_across = split_pairs(pairs, config)
            pairs, leaks = decontaminate(pairs, config.near_duplicate_jaccard, fingerprints)
            cache.sketches.forget_unused()
            rejected += duplicates + leaks_across + leaks
            clock.lap("dedup and split")
            rules = conventions()
        clock.lap("conventions")
        bar.update(task, completed=1, total=1)
        graph_task = bar.add_task("code graph", total=len(files))
        graph = build_graph(files, lambda f: graph_facts(cache, f.path, f.language, f.blob, f.text),
                            lambda: bar.advance(graph_task))
        clock.lap("code graph")
        summary = DatasetSummary(name, str(out), head, dict(Counter(u.kind for u in units).most_common()),
                                 _by_kind_split(pairs), _by_stage_reason(rejected), [_brief(r) for r in rules],
                                 asdict(format_stats), graph.counts(), *fim_counts(pairs))
        with staged_dir(out) as stage:
            write_jsonl(stage / "units.jsonl", units)
            graph.save(stage / "graph")
            formats, tokens = _write_pairs(stage, pairs, texts, config.system_prompt.replace("{team}", name), cache,
                                           config.jobs)
            write_jsonl(stage / "rejected.jsonl", rejected)
            write_conventions(stage / "conventions.yaml", rules, name, head)
            facts = DatasetFacts(name, head, time.strftime("%Y-%m-%d"), f"idiomatic {__version__}", summary.pairs,
                                 summary.rejected, summary.units,
                                 [(r.id, r.message, r.support, r.confidence) for r in rules if r.status == "proposed"],
                                 config.split, formats, [texts.whole(p) for p in _examples(pairs)], tokens,
                                 uncovered_kinds(pairs, config), summary.fim_spans, summary.fim_languages)
            atomic_write_text(stage / "DATASET.md", render_card(facts))
            summary.seconds = round(time.perf_counter() - started, 2)
            atomic_write_json(stage / MANIFEST, _manifest(source, summary, config, formats, tokens))
    clock.lap("written")
    summary.stages = clock.figures
    return summary


def mine_only(source: Path, config: HarvestConfig, progress: bool = True) -> Path:
    """Mine conventions alone from the harvest in `source`; write and return the conventions.yaml path.

    Into the dataset when there is one; else a dataset folder holding only the conventions and a
    manifest that says so, so it counts like any finished artifact.
    """
    with writing(source.parents[1], "conventions"):
        with progress_bar(progress) as bar:
            corpus, _, head = load_corpus(source, config, bar)
        rules = mine_conventions(corpus, config)
        dataset = source.parents[1] / "datasets" / source.name
        if source.name in complete_artifacts(dataset.parent):
            write_conventions(dataset / "conventions.yaml", rules, source.name, head)
            return dataset / "conventions.yaml"
        with staged_dir(dataset) as stage:
            write_conventions(stage / "conventions.yaml", rules, source.name, head)
            atomic_write_json(stage / MANIFEST, {
                "tool": f"idiomatic {__version__}", "conventions_only": True,
                "inputs": {"harvest": str(source), "harvest_manifest_sha256": _sha256(source / MANIFEST),
                           "head": head},
                "counts": {"conventions": len(rules)}})
        return dataset / "conventions.yaml"


def find_units(files: Sequence[FileRecord], commits: Iterable[CommitRecord], head: str, bar: Progress,
               jobs: int = 1, cache: BuildCache | None = None, history: LineHistory | None = None) -> list[Unit]:
    """Every unit at HEAD, with the commit that last touched its lines (the blame reading and keeping the
    line histories `history` holds) and its deprecation mark; the files `cache` does not hold are parsed by
    `jobs` processes (harvest/pool.py), their units kept in file order."""
    task = bar.add_task("units", total=len(files))
    parsed = [(f.path, f.language, f.text) for f in files if f.language in SUPPORTED]
    bar.advance(task, len(files) - len(parsed))
    keys = [cache.key("units", *item) for item in parsed] if cache else []
    of_file = [cache.units.get(key, _decode_units) for key in keys] if cache else [None] * len(parsed)
    bar.advance(task, sum(found is not None for found in of_file))
    missing = [i for i, found in enumerate(of_file) if found is None]
    with Pool(jobs) as pool:
        done = pool.ordered_map(_units_of, ahead_batches([parsed[i] for i in missing], lambda item: len(item[2])))
        for i, found in zip(missing, (found for batch in done for found in batch), strict=True):
            of_file[i] = found
            if cache:
                cache.units.put(keys[i], found)
            bar.advance(task)
    units = [unit for found in of_file for unit in found or ()]
    spans: dict[str, list[tuple[str, int, int]]] = {}
    for unit in units:
        spans.setdefault(unit.path, []).append((unit.id, unit.start_line, unit.end_line))
    touched = last_changes(commits, head, spans, history)
    last_of_file = {f.path: f.last_commit for f in files}
    dated = [replace(u, commit=touched.get(u.id) or last_of_file.get(u.path, "")) for u in units]
    return mark_units(dated)


def graph_facts(cache: BuildCache, path: str, language: str, blob: str, text: str) -> FileFacts:
    """A file's code graph facts before binding (harvest/graph), read from `cache` when it holds its text."""
    return cache.facts.fetch(facts_key(cache, path, language, blob, text),
                             partial(file_facts, path, language, text, blob), partial(build_record, FileFacts))


def facts_key(cache: BuildCache, path: str, language: str, blob: str, text: str) -> bytes:
    """The key of a file's graph facts in `cache`."""
    return cache.key("facts", path, language, blob, text)


def _work_ahead(cache: BuildCache, corpus: Corpus, config: HarvestConfig) -> None:
    """Fill the kinds of `cache` that later stages ask for one file at a time (a file's graph facts, its fim
    spans, its import statements) in `config.jobs` processes, now that no other stage needs them."""
    with Pool(config.jobs) as pool:
        parse_ahead(cache, ((f.path, f.blob, f.text) for f in corpus.files), pool)
        if config.fim:
            spans_ahead(cache, {f.path: f for f in corpus.files}, corpus.units, pool)
        work_ahead(cache.imports, ((_imports_key(cache, f), f) for f in corpus.files if f.language in IMPORTS_READ),
                   _imports_of, lambda record: len(record.text), pool)


def parse_ahead(cache: BuildCache, files: Iterable[tuple[str, str, str]], pool: Pool) -> None:
    """Parse into `cache`, in `pool`'s workers, the graph facts it lacks of the code files among `files` (path,
    blob, scrubbed text at HEAD): mining's test map and the build's code graph then read them back."""
    wanted = ((facts_key(cache, path, language, blob, text), (path, language, text, blob))
              for path, blob, text in files if (language := language_of(path)) in IDENTIFIERS)
    work_ahead(cache.facts, wanted, _facts_of, lambda item: len(item[2]), pool)


def _facts_of(batch: list[tuple[str, str, str, str]]) -> list[FileFacts]:
    """Each (path, language, text, blob) file's graph facts before binding, for a pool worker."""
    return [file_facts(*item) for item in batch]


def _without_cache(corpus: Corpus) -> Corpus:
    """`corpus` with the import statements of the files the miners read them of looked up now, so that mining
    it reads nothing from the build cache (a worker forked beside this process must not touch its files)."""
    held = {f.path: list(corpus.imports_of(f)) for f in corpus.files if f.language in IMPORTS_READ}
    return replace(corpus, imports_of=partial(_held_imports, held))


def _held_imports(held: Mapping[str, list[Import]], record: FileRecord) -> list[Import]:
    found = held.get(record.path)
    return parsed_imports(record) if found is None else found


def cached_imports(cache: BuildCache, record: FileRecord) -> list[Import]:
    """A file's import statements, read from `cache` when it holds its text."""
    return cache.imports.fetch(_imports_key(cache, record), partial(parsed_imports, record), _decode_imports)


def _imports_key(cache: BuildCache, record: FileRecord) -> bytes:
    return cache.key("imports", record.path, record.language, record.text)


def _imports_of(batch: list[FileRecord]) -> list[list[Import]]:
    """Each file's import statements, for a pool worker."""
    return [parsed_imports(record) for record in batch]


def mining_cache(source: Path, full: bool) -> BuildCache:
    """The build cache mining alone (`idiom harvest --no-dataset`) reads the test map's graph facts from: the last
    build's (not with `full`), so a re-mine parses only the files that changed; what this run adds (the test map's
    parses with one job) is staged only, to be discarded (no build follows)."""
    cache = open_build_cache(source, read=False)
    if not full:
        cache.facts.load(cache.folder / f"{cache.facts.name}.jsonl")
    return cache


def known_facts(cache: BuildCache, files: Iterable[tuple[str, str, str]]) -> dict[str, FileFacts]:
    """The graph facts `cache` holds (the last build's) of the code files among `files` (path, blob, scrubbed text
    at HEAD), by path, read now and not carried over (`parse_ahead` does that): what a worker forked beside this
    process parses from, since it must not touch the cache's files."""
    found = {}
    for path, blob, text in files:
        if (language := language_of(path)) in IDENTIFIERS:
            facts = cache.facts.peek(facts_key(cache, path, language, blob, text), partial(build_record, FileFacts))
            if facts is not None:
                found[path] = facts
    return found


def known_or_parsed(known: Mapping[str, FileFacts], parsed: dict[str, FileFacts], blobs: Mapping[str, str],
                    path: str, text: str) -> FileFacts:
    """A file's graph facts before binding from `known` (`known_facts`), else parsed now and kept in `parsed`
    (for the cache, by the process that may write it), never through a cache."""
    found = known.get(path) or parsed.get(path)
    if found is None:
        found = parsed[path] = file_facts(path, language_of(path), text, blobs[path])
    return found


def facts_parser(cache: BuildCache, blobs: Mapping[str, str]) -> Callable[[str, str], FileFacts]:
    """A parser of (path, scrubbed text at HEAD) into graph facts before binding that answers from `cache` where a
    build parsed the same text (path → blob in `blobs`), and parses otherwise. Mining's test map
    (harvest/mining/testmap.py) uses it; on a cache this build writes, what it parses the build then reads."""
    return lambda path, text: graph_facts(cache, path, language_of(path), blobs[path], text)


def _write_pairs(stage: Path, pairs: Sequence[Pair], texts: SpilledTexts, system_prompt: str, cache: BuildCache,
                 jobs: int) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """Write `pairs.jsonl` and every format × split of `pairs`, in one pass that reads each pair's text back from
    `texts`; return the formats' row counts and the estimated tokens of each split.

    The tokens are read from `cache` where it holds the same text; the rest are counted by `jobs` processes
    while this one writes the next batches (counting is a regex pass over all the text, the writer's
    costliest step on a long history)."""
    tokens = dict.fromkeys(SPLITS, 0)
    counting: deque[list[tuple[str, bytes, int | None]]] = deque()  # per batch: (split, key, count if known) a part

    def uncounted() -> Iterator[list[str]]:
        for batch in batched(map(texts.whole, pairs), text_size, CLEAN_BATCH_BYTES, CLEAN_BATCH_MOST):
            rows_of_batch, missing = [], []
            for pair in batch:
                listed.write(orjson.dumps(pair) + b"\n")
                rows.write(pair)
                for text in _token_parts(pair):
                    key = cache.key("tokens", text)
                    known = cache.tokens.get(key, count)
                    rows_of_batch.append((pair.split, key, known))
                    if known is None:
                        missing.append(text)
            counting.append(rows_of_batch)
            yield missing

    with (stage / "pairs.jsonl").open("wb") as listed, \
            split_rows(stage, system_prompt, any(p.kind == FIM_KIND for p in pairs)) as rows, Pool(jobs) as pool:
        for counted in pool.ordered_map(_token_counts, uncounted()):
            fresh = iter(counted)
            for split, key, known in counting.popleft():
                if known is None:
                    known = next(fresh)
                    cache.tokens.put(key, known)
                tokens[split] += known
    return rows.counts, tokens


def _token_parts(pair: Pair) -> tuple[str, ...]:
    """All of a pair's text, whose estimated tokens the card and the manifest count, in the parts counted apart:
    the whole, but for a commit pair its diff apart from the rest. Both pairs of a commit hold its diff (one as
    the completion, the other as the context), so its count is cached once under the diff and read for the
    other: the diffs are most of a long history's text, and counting them was the writers' costliest step."""
    diff_field = DIFF_FIELD.get(pair.kind)
    fields = {"prompt": pair.prompt, "context": pair.context, "prefix": pair.prefix, "completion": pair.completion,
              "suffix": pair.suffix}
    if diff_field is None:
        return ("".join(fields.values()),)
    diff = fields.pop(diff_field)
    return "".join(fields.values()), diff


def _token_counts(texts: list[str]) -> list[int]:
    """The estimated tokens of each text, for a pool worker."""
    return [estimate_tokens(text) for text in texts]


def _units_of(batch: list[tuple[str, str, str]]) -> list[list[Unit]]:
    """Each (path, language, text) file's units, for a pool worker."""
    return [extract_units(path, language, text) for path, language, text in batch]


def _decode_units(value: Any) -> list[Unit]:
    """A file's units as the build cache holds them (a list of Unit objects); raises TypeError on another value."""
    if not isinstance(value, list):
        raise TypeError("not a list of units")
    return [build_record(Unit, item) for item in value]


def _decode_imports(value: Any) -> list[Import]:
    """A file's imports as the build cache holds them; raises TypeError on another value."""
    if not isinstance(value, list):
        raise TypeError("not a list of imports")
    return [build_record(Import, item) for item in value]


def _harvest_manifest(source: Path) -> dict[str, Any]:
    """The manifest of the harvest in `source`, checked to name the HEAD commit it was mined at."""
    rebuild = f"run `idiom harvest` again to rebuild {source.name}"
    try:
        manifest = orjson.loads((source / MANIFEST).read_bytes())
        head = manifest["inputs"]["head"]
    except FileNotFoundError:
        raise InputError(f"{source}: not a finished harvest (no {MANIFEST}); {rebuild}") from None
    except (orjson.JSONDecodeError, TypeError, KeyError):
        raise InputError(f"{source / MANIFEST} is damaged (not a harvest manifest); {rebuild}") from None
    if not isinstance(head, str) or not head:
        raise InputError(f"{source / MANIFEST} is damaged (no HEAD commit in it); {rebuild}")
    return manifest


def _kept_pairs(pairs: Iterable[Pair], units: list[Unit], files: list[FileRecord], excluded: list[Exclusion],
                renamed: Mapping[str, str], verdicts: Verdicts, config: HarvestConfig, texts: SpilledTexts,
                cache: BuildCache, advance: Callable[[], None]) -> tuple[list[Pair], list[Rejection], FormatStats]:
    """The pairs that pass deprecation, held-out files and the quality filters, formatted, each held in `texts`
    (on disk past its first 64 MiB), with the MinHash values dedup compares them by kept in `cache`; the drops,
    stage by stage as if all pairs had gone through each stage at once; and how the formatting went.

    A batch of pairs at a time, so the text of a long history's pairs is never all in memory; the values `cache`
    lacks are computed by `config.jobs` processes while this one builds and filters the next batches."""
    kept: list[Pair] = []
    dropped: tuple[list[Rejection], list[Rejection], list[Rejection]] = ([], [], [])
    formatted = FormatStats()
    head_paths = {f.path for f in files}
    sketching: deque[list[bytes]] = deque()  # the digests of each batch's texts sent to the pool, in order

    def unsketched() -> Iterator[list[str]]:
        nonlocal formatted
        for batch in batched(pairs, text_size, CLEAN_BATCH_BYTES, CLEAN_BATCH_MOST):
            batch, stale = judge_pairs(batch, units, head_paths, excluded, renamed)
            batch, held_out = exclude_files(batch, config.exclude_files)
            batch, poor = filter_pairs(batch, config, verdicts)
            batch, stats = format_pairs(batch, config.format_command, advance)
            for stage, found in zip(dropped, (stale, held_out, poor), strict=True):
                stage.extend(found)
            formatted += stats
            compared_texts = [comparison(pair) for pair in batch]
            kept.extend(texts.hold(pair, digest) for pair, (_, digest) in zip(batch, compared_texts, strict=True))
            missing = [(text, digest) for text, digest in compared_texts if not cache.has_sketch(digest)]
            sketching.append([digest for _, digest in missing])
            yield [text for text, _ in missing]

    with Pool(config.jobs) as pool:
        for values in pool.ordered_map(_sketches, unsketched()):
            for digest, row in zip(sketching.popleft(), values, strict=True):
                cache.keep_sketch(digest, row)
    return kept, [rejection for stage in dropped for rejection in stage], formatted


def _sketches(texts: list[str]) -> list[Any]:
    """The MinHash values of each text, for a pool worker."""
    return [hash_values(text) for text in texts]


def _fingerprint(cache: BuildCache, texts: SpilledTexts, pair: Pair) -> Fingerprint:
    """The fingerprint of `pair`: of one whose digest `texts` kept (every pair it held), that digest and the
    MinHash values `cache` kept under it; of another, taken from its text (the values through `cache`)."""
    digest = texts.fingerprint(pair)
    return fingerprint(pair, cache.sketch) if digest is None else (digest, cache.kept_sketch(digest))


def _held_out(path: str, config: HarvestConfig) -> bool:
    return any(path == pattern or matches_glob(path, pattern) for pattern in config.exclude_files)


def _by_kind_split(pairs: Sequence[Pair]) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {}
    for pair in pairs:
        row = table.setdefault(pair.kind, dict.fromkeys(SPLITS, 0))
        row[pair.split] = row.get(pair.split, 0) + 1
    return dict(sorted(table.items()))


def fim_counts(pairs: Sequence[Pair]) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    """The fim pairs by span type and order, and by language and split."""
    spans: dict[str, dict[str, int]] = {}
    languages: dict[str, dict[str, int]] = {}
    for pair in pairs:
        if pair.kind == FIM_KIND:
            row = spans.setdefault(pair.span, {"psm": 0, "spm": 0})
            row[pair.order] = row.get(pair.order, 0) + 1
            languages.setdefault(pair.language, dict.fromkeys(SPLITS, 0))[pair.split] += 1
    return dict(sorted(spans.items())), dict(sorted(languages.items()))


def _by_stage_reason(rejected: Sequence[Rejection]) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {}
    for item in rejected:
        stage = table.setdefault(item.stage, {})
        stage[item.reason] = stage.get(item.reason, 0) + 1
    return table


def _brief(rule: Rule) -> dict[str, Any]:
    return {"id": rule.id, "message": rule.message, "support": rule.support, "followed": rule.followed,
            "confidence": rule.confidence, "source": rule.source, "status": rule.status}


def _examples(pairs: Sequence[Pair]) -> list[Pair]:
    """One training example per kind (the first), for the dataset card."""
    seen: dict[str, Pair] = {}
    for pair in pairs:
        if pair.split == "train":
            seen.setdefault(pair.kind, pair)
    return [seen[k] for k in sorted(seen)]


def _manifest(source: Path, summary: DatasetSummary, config: HarvestConfig, formats: dict[str, Any],
              tokens: dict[str, int]) -> dict[str, Any]:
    """Inputs by content hash (the harvest manifest, which hashes the repo inputs), config, versions, counts."""
    return {
        "tool": f"idiomatic {__version__}",
        "inputs": {"harvest": str(source), "harvest_manifest_sha256": _sha256(source / MANIFEST),
                   "head": summary.head},
        "config": recorded_settings(config),
        "versions": {pkg: importlib.metadata.version(pkg) for pkg in VERSIONED},
        "counts": {"units": summary.units, "pairs": summary.pairs, "rejected": summary.rejected,
                   "fim": {"spans": summary.fim_spans, "languages": summary.fim_languages},
                   "conventions": len(summary.conventions), "formats": formats, "formatted": summary.formatted},
        "estimated_tokens": tokens,
        "seconds": summary.seconds,
    }


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
