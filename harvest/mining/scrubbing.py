"""Mining's CPU-bound half, as `--jobs` workers run it (harvest/pool.py): a batch of commits as `git log -p`
wrote them becomes scrubbed CommitRecords, a batch of HEAD files becomes scrubbed texts.

Each worker builds its scrubber once (`start`); every batch returns, beside its records, the findings its
texts produced in the order the serial walk would have produced them, so the main process, appending the
batches' findings in batch order, writes the same scrub report whatever the job count.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from harvest.classify import path_exclusion
from harvest.config import HarvestConfig
from harvest.mining.diffparse import RawChange
from harvest.mining.history import LogEntry, parse_entry
from harvest.mining.objects import MISSING_OBJECT
from harvest.mining.redact import Redactor
from harvest.records import CommitRecord, FileChange, SecretFinding
from harvest.scrub import Allowlist
from harvest.scrub.detectors import scanner

# This process's scrubber and settings, set by `start` (in each worker, or in the main process for one job).
_redactor = Redactor()
_config = HarvestConfig()

COMMIT_BATCH_BYTES = 1 << 20  # about this much patch text per batch: large enough to amortise the trip
COMMIT_BATCH_MOST = 256
FILE_BATCH_BYTES = 1 << 20
FILE_BATCH_MOST = 256


def start(allowlist: Allowlist | None, config: HarvestConfig) -> None:
    """Set this process up to scrub with the repository's allowlist under `config`, the detectors compiled
    now: forked workers inherit them instead of each compiling its own (about a second of CPU apiece)."""
    global _redactor, _config
    _redactor, _config = Redactor(allowlist), config
    scanner()


def scrub_commits(batch: list[LogEntry]) -> tuple[list[CommitRecord], list[SecretFinding]]:
    """The batch's commits parsed and scrubbed, and the findings, in commit order."""
    records = []
    for entry in batch:
        raw = parse_entry(entry, lambda path, size: not history_skip(path, size, _config))
        changes = tuple(file_change(c, raw.sha, _redactor, _config) for c in raw.changes)
        records.append(CommitRecord(raw.sha, raw.parents, raw.author, raw.author_date,
                                    _redactor.clean(raw.message, "commit-message", commit=raw.sha), changes))
    return records, _take_findings()


def scrub_files(batch: list[tuple[str, str]]) -> tuple[list[str], list[SecretFinding]]:
    """The texts of a batch of (path, text) files at HEAD scrubbed, and the findings, in file order."""
    return [_redactor.clean(text, "head-file", path) for path, text in batch], _take_findings()


def _take_findings() -> list[SecretFinding]:
    findings, _redactor.findings = _redactor.findings, []
    return findings


def entry_size(entry: LogEntry) -> int:
    """How much text a commit brings to a batch (its patch, mostly)."""
    return sum(len(f) for f in entry.fields)


def history_skip(path: str, size: int, config: HarvestConfig) -> str:
    """Why a file's diff in some commit is not kept ("" when it is)."""
    return _path_skip(path, config) or ("too-large" if size > config.max_hunk_bytes else "")


@lru_cache(maxsize=1 << 16)
def _path_skip(path: str, config: HarvestConfig) -> str:
    """The path rules alone; cached because history revisits the same paths thousands of times."""
    ruled_out = path_exclusion(path, 0, config)
    return ruled_out[0] if ruled_out else ""


def file_change(change: RawChange, sha: str, redactor: Redactor, config: HarvestConfig) -> FileChange:
    """A parsed change with its hunk headers and texts scrubbed and the reason, if any, it has no hunks."""
    hunks = tuple(replace(h, header=redactor.clean_header(h.header, change.path, sha),
                          text=redactor.clean_hunk(h.text, h.old_start, h.new_start, change.path, sha))
                  for h in change.hunks)
    skipped = MISSING_OBJECT if change.missing_object else "binary" if change.binary else \
        history_skip(change.path, change.size, config)
    return FileChange(change.path, change.status, change.old_path, change.binary, skipped, hunks)
