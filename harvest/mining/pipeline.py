"""`idiom harvest`: mine a repository (files at HEAD, history, PRs, reviews), scrub it, write it.

Everything goes to a staging directory that replaces `.idiom/harvest/<name>/` only when the whole
run succeeded, so a failed or killed re-harvest leaves the previous result intact. The whole command
(mining, then the dataset build) holds the repository's writer lock (harvest/lock.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

import git
import orjson
from rich.progress import Progress, TaskID

from harvest import __version__
from harvest.atomic import atomic_write_json, staged_dir, write_jsonl
from harvest.classify import kind_of, language_of
from harvest.config import HarvestConfig, recorded_settings
from harvest.dataset.build import (
    DatasetSummary,
    build_dataset,
    facts_key,
    facts_parser,
    known_facts,
    known_or_parsed,
    mining_cache,
    open_build_cache,
    parse_ahead,
)
from harvest.dataset.cache import BuildCache
from harvest.graph import FileFacts
from harvest.lock import writing
from harvest.mining import scrubbing
from harvest.mining.diffparse import parse_patch
from harvest.mining.files import RawFile, walk_head
from harvest.mining.history import (
    LogStream,
    commit_order,
    count_commits,
    read_log,
    start_listed_log,
    start_log,
)
from harvest.mining.objects import MISSING_OBJECT, ObjectAccess, object_access
from harvest.mining.prs import (
    add_pull_refs,
    attach_export,
    load_export,
    prs_from_history,
    pull_refs,
)
from harvest.mining.redact import Redactor
from harvest.mining.repo import default_revisions, open_repo
from harvest.mining.reuse import Previous, allowlist_digest, previous_harvest
from harvest.mining.testmap import map_tests
from harvest.pool import Pool, batched, beside, job_count
from harvest.progress import progress_bar
from harvest.records import (
    CommitRecord,
    Exclusion,
    FileChange,
    FileRecord,
    PullRequest,
    SecretFinding,
    build_record,
)
from harvest.scrub import load_allowlist
from harvest.stages import StageClock
from harvest.store import Artifacts, ensure_home, safe_name
from harvest.testkind.discover import discover_profile
from harvest.testkind.profile import DiscoveryProfile

TOOL = f"idiomatic {__version__}"


@dataclass
class Summary:
    """What a harvest produced, printed as a table or as `--json`."""

    name: str
    output: str
    head: str
    revisions: list[str]
    shallow: bool
    counts: dict[str, int] = field(default_factory=dict)
    excluded: dict[str, int] = field(default_factory=dict)
    scrub: dict[str, Any] = field(default_factory=dict)
    reuse: dict[str, Any] = field(default_factory=dict)  # what an incremental run took from the last, or why not
    seconds: float = 0.0
    stages: list[dict[str, Any]] = field(default_factory=list)  # time and peak memory of each (harvest/stages.py)


def harvest(repo_path: Path, config: HarvestConfig, name: str = "", build: bool = True,
            progress: bool = True, full: bool = False) -> tuple[Summary, DatasetSummary | None]:
    """`idiom harvest`: mine `repo_path`, then (with `build`) build its dataset, as one writer throughout.
    The mining reuses the last harvest's records where it may (harvest/mining/reuse.py), and the build its
    cache (harvest/dataset/cache.py), unless `full`."""
    started = time.perf_counter()
    repo = open_repo(repo_path)
    root = Path(repo.working_tree_dir or repo.git_dir)
    with writing(ensure_home(root), "harvest"):
        name = safe_name(name or root.resolve().name)  # --name too: it becomes a folder name
        source = Artifacts(root).harvests / name
        if not build:
            cache = mining_cache(source, full)
            try:
                return _mine(repo, root, config, name, progress, started, full, cache, False), None
            finally:
                cache.discard()
        # Opened before mining: the code files are parsed into it as mining ends, and the build reads them.
        cache = open_build_cache(source, read=not full)
        try:
            summary = _mine(repo, root, config, name, progress, started, full, cache, True)
        except BaseException:
            cache.discard()
            raise
        return summary, build_dataset(Path(summary.output), config, progress, cache=cache)


def mine(repo_path: Path, config: HarvestConfig, name: str = "", progress: bool = True) -> Summary:
    """The first half: mine `repo_path` with `config` into `.idiom/harvest/<name>/`; return the summary."""
    return harvest(repo_path, config, name, build=False, progress=progress)[0]


@dataclass
class _Ledger:
    """What the walk notes on the way for later stages: the commits PRs need, each path's newest commit, and
    the file changes recorded without hunks, by reason."""

    wanted: set[str]  # merge commits an export names
    kept: dict[str, CommitRecord] = field(default_factory=dict)
    last_touch: dict[str, str] = field(default_factory=dict)
    skipped: Counter[str] = field(default_factory=Counter)

    def note(self, record: CommitRecord) -> None:
        self._note(record.sha, record.parents, record.message, ((c.path, c.skipped) for c in record.changes),
                   lambda: record)

    def note_line(self, line: bytes) -> None:
        """A reused commits.jsonl line, decoded into a record only when PRs need it."""
        row = orjson.loads(line)
        self._note(row["sha"], row["parents"], row["message"],
                   ((c["path"], c["skipped"]) for c in row["changes"]), lambda: build_record(CommitRecord, row))

    def _note(self, sha: str, parents: Sequence[str], message: str, changes: Iterator[tuple[str, str]],
              record: Callable[[], CommitRecord]) -> None:
        for path, skipped in changes:
            self.last_touch.setdefault(path, sha)
            if skipped:
                self.skipped[skipped] += 1
        # Only merges, squash-style subjects and commits an export names can become PR records.
        if len(parents) > 1 or sha in self.wanted or "(#" in message.partition("\n")[0]:
            self.kept[sha] = record()


def _mine(repo: git.Repo, root: Path, config: HarvestConfig, name: str, progress: bool, started: float,
          full: bool, cache: BuildCache, build: bool) -> Summary:
    clock = StageClock()
    export = load_export(Path(config.prs_file)) if config.prs_file else []
    revisions = default_revisions(repo, config)
    head = repo.head.commit
    allowlist = load_allowlist(root) if repo.working_tree_dir else None
    redactor = Redactor(allowlist)  # the findings of every text, in the order a one-job run scrubs them
    shallow = (Path(repo.git_dir) / "shallow").exists()
    out = Artifacts(root).harvests / name
    recorded = {"tool": TOOL, "config": recorded_settings(config), "shallow": shallow,
                "allowlist_sha256": allowlist_digest(root) if repo.working_tree_dir else ""}
    resolved = _resolved(repo, revisions)
    previous, why = (None, "--full given") if full else previous_harvest(out, repo, recorded, resolved)
    order = commit_order(repo, revisions, config) if previous else []
    new = [sha for sha in order if sha not in previous.offsets] if previous else []
    with (Pool(config.jobs, scrubbing.start, (allowlist, config)) as pool, staged_dir(out) as stage,
          progress_bar(progress) as bar, object_access(repo.git_dir, revisions) as objects,
          contextlib.ExitStack() as logs):
        # A full walk starts now, so git writes the history while the HEAD files are read on this core.
        log = logs.enter_context(start_log(repo, revisions, config, objects)) if previous is None else None
        files, excluded = _collect_files(repo, head, config, bar, objects)
        if previous and any(item.reason == MISSING_OBJECT for item in excluded):
            # A blob git cannot read (damaged, or not fetched): a full walk reads the old ones too, and says so.
            previous, why, order, new = None, "a blob at HEAD is missing or damaged", [], []
            log = logs.enter_context(start_log(repo, revisions, config, objects))
        elif previous and new:  # only the new commits; none, and git does not run at all
            log = logs.enter_context(start_listed_log(repo, new, config, objects))
        profile = discover_profile({f.path: f.text for f in files})
        files = [replace(f, kind=kind_of(f.path, profile)) for f in files]
        scrubbed_files = _scrub_files(files, pool, previous)  # while git writes the history in the background
        clock.lap("files at HEAD")
        texts = {f.path: text for f, text in zip(files, scrubbed_files[0], strict=True)}
        blobs = {f.path: f.blob for f in files}
        # The test map reads the files at HEAD alone, so a worker maps the tests while the history is mined. It
        # parses what the last build's cache lacks itself and hands those parses back: forked beside this
        # process, it must not touch the cache's files. With one job the tests are mapped here, through the cache.
        parsed: dict[str, FileFacts] = {}
        parse = facts_parser(cache, blobs) if job_count(config.jobs) == 1 else \
            partial(known_or_parsed, known_facts(cache, ((path, blobs[path], text) for path, text in texts.items())),
                    parsed, blobs)
        with beside(config.jobs, _test_map, texts, {f.path: f.kind for f in files}, parse, parsed) as mapped:
            ledger = _Ledger({item.get("merge_commit_sha") for item in export})
            task = bar.add_task("commits", total=len(order) if previous else count_commits(repo, revisions, config))
            parsed = _parsed(log, pool, bar, task, objects)
            commits = _merged(parsed, previous, order, set(new), redactor, ledger, bar, task) if previous else \
                _walked(parsed, redactor, ledger)
            commit_count = write_jsonl(stage / "commits.jsonl", commits)
            history_findings = len(redactor.findings)
            clock.lap("history")
            tests, parsed = mapped()
            if build:  # the workers are idle now that the history is scrubbed: they parse the code files for it
                for path, facts in parsed.items():  # but those the test map parsed
                    cache.facts.put(facts_key(cache, path, language_of(path), blobs[path], texts[path]), facts)
                parse_ahead(cache, ((f.path, f.blob, texts[f.path]) for f in files), pool)
        records = _file_records(files, scrubbed_files, redactor, ledger.last_touch, tests)
        clock.lap("test map")
        prs = _pull_requests(repo, ledger.kept, export, redactor, config, objects)
        clock.lap("pull requests")
        counts = {
            "files": write_jsonl(stage / "files.jsonl", records),
            "excluded": write_jsonl(stage / "excluded.jsonl", excluded),
            "tests": sum(1 for r in records if r.kind == "test"),
            "tests_mapped": sum(1 for r in records if r.tests),
            "commits": commit_count,
            "merges": sum(1 for c in ledger.kept.values() if c.is_merge),
            "prs": write_jsonl(stage / "prs.jsonl", sorted(prs.values(), key=lambda p: p.number)),
            "review_comments": sum(len(p.comments) for p in prs.values()),
            "missing_objects": len(objects.missing),  # blobs the repository lacks, never fetched
            "missing_diffs": ledger.skipped[MISSING_OBJECT],  # history diffs recorded without hunks for lack of them
        }
        report = redactor.report(history_findings)
        atomic_write_json(stage / "scrub-report.json", report)
        reuse = {"reused_commits": commit_count - len(new), "new_commits": len(new),
                 "rescrubbed_files": sum(1 for f in files if (f.path, f.blob) not in previous.files)} \
            if previous else {"full": why}
        summary = Summary(name, str(out), head.hexsha, revisions, shallow, counts, _count_reasons(excluded),
                          {k: v for k, v in report.items() if k != "findings"}, reuse)
        summary.seconds = round(time.perf_counter() - started, 2)
        atomic_write_json(stage / "manifest.json", _manifest(summary, recorded, resolved, config, profile))
    clock.lap("written")  # after the pool's workers and git have ended, so their peak is counted
    summary.stages = clock.figures
    return summary


def _resolved(repo: git.Repo, revisions: list[str]) -> dict[str, str]:
    """Each walked ref's commit now (every ref's for `--all`), recorded so a re-harvest can tell a rewrite."""
    resolved = {rev: repo.git.rev_parse(rev) for rev in revisions if not rev.startswith("-")}
    if "--all" in revisions:
        for line in repo.git.for_each_ref("--format=%(refname) %(objectname)").splitlines():
            ref, _, sha = line.partition(" ")
            resolved[ref] = sha
    return resolved


def _collect_files(repo: git.Repo, head: git.Commit, config: HarvestConfig, bar: Progress,
                   objects: ObjectAccess) -> tuple[list[RawFile], list[Exclusion]]:
    files: list[RawFile] = []
    excluded: list[Exclusion] = []
    task = bar.add_task("files at HEAD", total=None)
    for item in walk_head(repo, head, config, objects):
        (files if isinstance(item, RawFile) else excluded).append(item)
        bar.advance(task)
    return files, excluded


def _scrub_files(files: list[RawFile], pool: Pool, previous: Previous | None) -> tuple[list[str], list[SecretFinding]]:
    """The HEAD files' texts scrubbed by `pool` (or taken from the last harvest for an unchanged blob), in
    file order, and their findings."""
    known = previous.files if previous else {}
    batches = batched(((f.path, f.text) for f in files if (f.path, f.blob) not in known),
                      lambda item: len(item[1]), scrubbing.FILE_BATCH_BYTES, scrubbing.FILE_BATCH_MOST)
    fresh: list[str] = []
    found: dict[str, list[SecretFinding]] = {}
    for batch_texts, batch_findings in pool.ordered_map(scrubbing.scrub_files, batches):
        fresh += batch_texts
        for finding in batch_findings:
            found.setdefault(finding.path, []).append(finding)
    texts: list[str] = []
    findings: list[SecretFinding] = []
    scrubbed = iter(fresh)
    for f in files:
        text, own = known.get((f.path, f.blob)) or (next(scrubbed), found.get(f.path, []))
        texts.append(text)
        findings += own
    return texts, findings


def _test_map(texts: Mapping[str, str], kinds: Mapping[str, str], parse: Callable[[str, str], FileFacts],
              parsed: dict[str, FileFacts]) -> tuple[dict[str, tuple[str, ...]], dict[str, FileFacts]]:
    """The files each test tests (harvest/mining/testmap.py), and the graph facts `parse` parsed into `parsed` on
    the way: from a worker, both come back to the process that writes the build cache."""
    return map_tests(texts, kinds, parse), parsed


def _file_records(files: list[RawFile], scrubbed: tuple[list[str], list[SecretFinding]], redactor: Redactor,
                  last_touch: dict[str, str], tests: Mapping[str, tuple[str, ...]]) -> list[FileRecord]:
    """The files at HEAD as records: their scrubbed texts (the test map read those too, as everything downstream
    sees the files) and the files each test tests."""
    texts, findings = scrubbed
    redactor.findings.extend(findings)  # after the history's, as a one-job run finds them
    return [
        FileRecord(f.path, f.kind, f.language, f.size, f.blob, text, f.decode_errors, tests.get(f.path, ()),
                   last_touch.get(f.path, ""))
        for f, text in zip(files, texts, strict=True)
    ]


def _parsed(log: LogStream | None, pool: Pool, bar: Progress, task: TaskID,
            objects: ObjectAccess) -> Iterator[tuple[CommitRecord, list[SecretFinding]]]:
    """The commits `log` writes, parsed and scrubbed by `pool` in batches, each with its findings in order."""
    if log is None:
        return
    batches = batched(read_log(log, objects), scrubbing.entry_size, scrubbing.COMMIT_BATCH_BYTES,
                      scrubbing.COMMIT_BATCH_MOST)
    for records, findings in pool.ordered_map(scrubbing.scrub_commits, batches):
        by_commit: dict[str, list[SecretFinding]] = {}
        for finding in findings:  # every finding of a commit's texts carries its sha
            by_commit.setdefault(finding.commit, []).append(finding)
        for record in records:
            bar.advance(task)
            yield record, by_commit.get(record.sha, [])


def _walked(parsed: Iterator[tuple[CommitRecord, list[SecretFinding]]], redactor: Redactor,
            ledger: _Ledger) -> Iterator[CommitRecord]:
    """A full harvest's commits, newest first, as the walk gives them."""
    for record, findings in parsed:
        redactor.findings.extend(findings)
        ledger.note(record)
        yield record


def _merged(parsed: Iterator[tuple[CommitRecord, list[SecretFinding]]], previous: Previous, order: list[str],
            new: set[str], redactor: Redactor, ledger: _Ledger, bar: Progress,
            task: TaskID) -> Iterator[CommitRecord | bytes]:
    """A re-harvest's commits in the walk's `order`: the `new` ones as parsed, the others' lines as the last
    harvest wrote them, each commit's findings in place."""
    reused = previous.lines(sha for sha in order if sha not in new)
    for sha in order:
        if sha in new:
            record, findings = next(parsed)
            ledger.note(record)
            redactor.findings.extend(findings)
            yield record
        else:
            _, line = next(reused)
            ledger.note_line(line)
            redactor.findings.extend(previous.findings.get(sha, ()))
            bar.advance(task)
            yield line


def _pull_requests(repo: git.Repo, kept: dict[str, CommitRecord], export: list[dict[str, Any]],
                   redactor: Redactor, config: HarvestConfig, objects: ObjectAccess) -> dict[int, PullRequest]:
    prs = prs_from_history(kept.values())
    refs = repo.git.for_each_ref("--format=%(refname) %(objectname)", "refs/pull/").splitlines()
    heads = pull_refs(tuple(line.split(" ", 1)) for line in refs if " " in line)

    def diff_of(head_sha: str) -> tuple[str, tuple[FileChange, ...]]:
        base = repo.git.merge_base(head_sha, repo.head.commit.hexsha)
        patch = repo.git.execute(objects.command("diff", base, head_sha, "--no-color", "--no-ext-diff", "--no-textconv",
                                                 "-M", *(["--full-index"] if objects.missing else [])))
        raw = parse_patch(patch + "\n", lambda p, s: not scrubbing.history_skip(p, s, config), objects.missing)
        return base, tuple(scrubbing.file_change(c, head_sha, redactor, config) for c in raw)

    add_pull_refs(prs, heads, diff_of)

    def clean(text: str, path: str, commit: str) -> str:
        return redactor.clean(text, "review" if path else "pr", path, commit)

    attach_export(prs, export, kept, clean)
    return prs


def _manifest(summary: Summary, recorded: dict[str, Any], resolved: dict[str, str], config: HarvestConfig,
              profile: DiscoveryProfile) -> dict[str, Any]:
    """Inputs by content hash (commits, export, allowlist, config), tool version, counts, and the
    test-discovery profile every later stage classifies paths with."""
    export_hash = hashlib.sha256(Path(config.prs_file).read_bytes()).hexdigest() if config.prs_file else ""
    return {
        "tool": recorded["tool"],
        "inputs": {"head": summary.head, "revisions": resolved, "prs_export_sha256": export_hash,
                   "allowlist_sha256": recorded["allowlist_sha256"]},
        "config": recorded["config"],
        "shallow": summary.shallow,
        "counts": summary.counts,
        "excluded": summary.excluded,
        "tests": profile.to_json(),
        "seconds": summary.seconds,
    }


def _count_reasons(excluded: list[Exclusion]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in excluded:
        counts[item.reason] = counts.get(item.reason, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))

