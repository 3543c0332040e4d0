"""`idiom harvest`: mine a repository (files at HEAD, history, PRs, reviews), scrub it, write it.

Everything goes to a staging directory that replaces `.idiom/harvest/<name>/` only when the whole
run succeeded, so a failed or killed re-harvest leaves the previous result intact. The whole command
(mining, then the dataset build) holds the repository's writer lock (harvest/lock.py).
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import git
from rich.progress import Progress

from harvest import __version__
from harvest.atomic import atomic_write_json, staged_dir, write_jsonl
from harvest.classify import kind_of
from harvest.config import HarvestConfig, recorded_settings
from harvest.dataset.build import DatasetSummary, build_dataset
from harvest.lock import writing
from harvest.mining import scrubbing
from harvest.mining.diffparse import parse_patch
from harvest.mining.files import RawFile, walk_head
from harvest.mining.history import LogStream, count_commits, read_log, start_log
from harvest.mining.objects import MISSING_OBJECT, ObjectAccess, object_access
from harvest.mining.prs import add_pull_refs, attach_export, load_export, prs_from_history, pull_refs
from harvest.mining.redact import Redactor
from harvest.mining.repo import default_revisions, open_repo
from harvest.mining.testmap import map_tests
from harvest.pool import Pool, batched
from harvest.progress import progress_bar
from harvest.records import CommitRecord, Exclusion, FileChange, FileRecord, PullRequest, SecretFinding
from harvest.scrub import load_allowlist
from harvest.store import Artifacts, ensure_home, safe_name
from harvest.testkind.discover import discover_profile
from harvest.testkind.profile import DiscoveryProfile


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
    seconds: float = 0.0


def harvest(repo_path: Path, config: HarvestConfig, name: str = "", build: bool = True,
            progress: bool = True) -> tuple[Summary, DatasetSummary | None]:
    """`idiom harvest`: mine `repo_path`, then (with `build`) build its dataset, as one writer throughout."""
    started = time.perf_counter()
    repo = open_repo(repo_path)
    root = Path(repo.working_tree_dir or repo.git_dir)
    with writing(ensure_home(root), "harvest"):
        summary = _mine(repo, root, config, name, progress, started)
        return summary, build_dataset(Path(summary.output), config, progress) if build else None


def mine(repo_path: Path, config: HarvestConfig, name: str = "", progress: bool = True) -> Summary:
    """The first half: mine `repo_path` with `config` into `.idiom/harvest/<name>/`; return the summary."""
    return harvest(repo_path, config, name, build=False, progress=progress)[0]


def _mine(repo: git.Repo, root: Path, config: HarvestConfig, name: str, progress: bool, started: float) -> Summary:
    name = safe_name(name or root.resolve().name)  # --name too: it becomes a folder name
    export = load_export(Path(config.prs_file)) if config.prs_file else []
    revisions = default_revisions(repo, config)
    head = repo.head.commit
    allowlist = load_allowlist(root) if repo.working_tree_dir else None
    redactor = Redactor(allowlist)  # the findings of every text, in the order a one-job run scrubs them
    shallow = (Path(repo.git_dir) / "shallow").exists()
    out = Artifacts(root).harvests / name
    with (Pool(config.jobs, scrubbing.start, (allowlist, config)) as pool, staged_dir(out) as stage,
          progress_bar(progress) as bar, object_access(repo.git_dir, revisions) as objects,
          start_log(repo, revisions, config, objects) as log):
        files, excluded = _collect_files(repo, head, config, bar, objects)
        profile = discover_profile({f.path: f.text for f in files})
        files = [replace(f, kind=kind_of(f.path, profile)) for f in files]
        scrubbed_files = _scrub_files(files, pool)  # while git writes the history in the background
        wanted = {item.get("merge_commit_sha") for item in export}
        kept: dict[str, CommitRecord] = {}
        last_touch: dict[str, str] = {}
        skipped: Counter[str] = Counter()
        commits = _commits(repo, log, revisions, config, pool, redactor, bar, wanted, kept, last_touch, objects,
                           skipped)
        commit_count = write_jsonl(stage / "commits.jsonl", commits)
        records = _file_records(files, scrubbed_files, redactor, last_touch)
        prs = _pull_requests(repo, kept, export, redactor, config, objects)
        counts = {
            "files": write_jsonl(stage / "files.jsonl", records),
            "excluded": write_jsonl(stage / "excluded.jsonl", excluded),
            "tests": sum(1 for r in records if r.kind == "test"),
            "tests_mapped": sum(1 for r in records if r.tests),
            "commits": commit_count,
            "merges": sum(1 for c in kept.values() if c.is_merge),
            "prs": write_jsonl(stage / "prs.jsonl", sorted(prs.values(), key=lambda p: p.number)),
            "review_comments": sum(len(p.comments) for p in prs.values()),
            "missing_objects": len(objects.missing),  # blobs the repository lacks, never fetched
            "missing_diffs": skipped[MISSING_OBJECT],  # history diffs recorded without hunks for lack of them
        }
        report = redactor.report()
        atomic_write_json(stage / "scrub-report.json", report)
        summary = Summary(name, str(out), head.hexsha, revisions, shallow, counts,
                          _count_reasons(excluded), {k: v for k, v in report.items() if k != "findings"})
        summary.seconds = round(time.perf_counter() - started, 2)
        atomic_write_json(stage / "manifest.json", _manifest(repo, summary, config, profile))
    return summary


def _collect_files(repo: git.Repo, head: git.Commit, config: HarvestConfig, bar: Progress,
                   objects: ObjectAccess) -> tuple[list[RawFile], list[Exclusion]]:
    files: list[RawFile] = []
    excluded: list[Exclusion] = []
    task = bar.add_task("files at HEAD", total=None)
    for item in walk_head(repo, head, config, objects):
        (files if isinstance(item, RawFile) else excluded).append(item)
        bar.advance(task)
    return files, excluded


def _scrub_files(files: list[RawFile], pool: Pool) -> tuple[list[str], list[SecretFinding]]:
    """The HEAD files' texts scrubbed by `pool`, in file order, and their findings."""
    batches = batched(((f.path, f.text) for f in files), lambda item: len(item[1]), scrubbing.FILE_BATCH_BYTES,
                      scrubbing.FILE_BATCH_MOST)
    texts: list[str] = []
    findings: list[SecretFinding] = []
    for batch_texts, batch_findings in pool.ordered_map(scrubbing.scrub_files, batches):
        texts += batch_texts
        findings += batch_findings
    return texts, findings


def _file_records(files: list[RawFile], scrubbed: tuple[list[str], list[SecretFinding]], redactor: Redactor,
                  last_touch: dict[str, str]) -> list[FileRecord]:
    texts, findings = scrubbed
    redactor.findings.extend(findings)  # after the history's, as a one-job run finds them
    tests = map_tests({f.path: f.text for f in files}, {f.path: f.kind for f in files})
    return [
        FileRecord(f.path, f.kind, f.language, f.size, f.blob, text, f.decode_errors, tests.get(f.path, ()),
                   last_touch.get(f.path, ""))
        for f, text in zip(files, texts, strict=True)
    ]


def _commits(repo: git.Repo, log: LogStream, revisions: list[str], config: HarvestConfig, pool: Pool,
             redactor: Redactor, bar: Progress, wanted: set[str], kept: dict[str, CommitRecord],
             last_touch: dict[str, str], objects: ObjectAccess, skipped: Counter[str]) -> Iterator[CommitRecord]:
    """Scrubbed commits, newest first, parsed and scrubbed by `pool` in batches; fills `kept` (commits PRs
    need), `last_touch` and `skipped` (file changes recorded without hunks, by reason) on the way."""
    task = bar.add_task("commits", total=count_commits(repo, revisions, config))
    batches = batched(read_log(log, objects), scrubbing.entry_size, scrubbing.COMMIT_BATCH_BYTES,
                      scrubbing.COMMIT_BATCH_MOST)
    for records, findings in pool.ordered_map(scrubbing.scrub_commits, batches):
        redactor.findings.extend(findings)
        for record in records:
            for change in record.changes:
                last_touch.setdefault(change.path, record.sha)
                if change.skipped:
                    skipped[change.skipped] += 1
            # Only merges, squash-style subjects and commits an export names can become PR records.
            if record.is_merge or record.sha in wanted or "(#" in record.message.partition("\n")[0]:
                kept[record.sha] = record
            bar.advance(task)
            yield record


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


def _manifest(repo: git.Repo, summary: Summary, config: HarvestConfig, profile: DiscoveryProfile) -> dict[str, Any]:
    """Inputs by content hash (commits, export, config), tool version, counts, and the test-discovery
    profile every later stage classifies paths with."""
    export_hash = hashlib.sha256(Path(config.prs_file).read_bytes()).hexdigest() if config.prs_file else ""
    resolved = {rev: repo.git.rev_parse(rev) for rev in summary.revisions if not rev.startswith("-")}
    return {
        "tool": f"idiomatic {__version__}",
        "inputs": {"head": summary.head, "revisions": resolved, "prs_export_sha256": export_hash},
        "config": recorded_settings(config),
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

