"""Incremental re-harvest: what the last harvest of a repository left that this one may reuse, and when.

A commit's record depends on the commit alone (its diff against the first parent), given the settings,
the allowlist and the tool; a HEAD file's scrubbed text on its path and blob. So a re-harvest parses and
scrubs only the commits the last harvest did not see and the files whose blob changed, and takes the rest
from the last harvest: each commit's line of `commits.jsonl` as it was written, its findings from the first
`history_findings` of `scrub-report.json`, each file's text and findings. The commits are written in the
order a full walk gives them (`git log --format=%H` over the same refs and limits), so an old-dated branch
merged today lands where a full harvest puts it, and every artifact is the one a full harvest writes.

Anything that could make an old record differ from a new one sends the run back to a full harvest, with
the reason: another tool version, other settings, another allowlist, a shallow clone deepened or made
shallow, blobs missing last time, or a history rewrite (a ref's old tip no longer its ancestor).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import git
import orjson

from harvest.commitlog import line_offsets
from harvest.records import SecretFinding, build_record
from harvest.scrub.allowlist import IGNORE_FILE
from harvest.store import MANIFEST

REPORT = "scrub-report.json"


@dataclass
class Previous:
    """The last harvest's reusable parts: commit lines by sha, findings by commit, files by (path, blob)."""

    folder: Path
    offsets: dict[str, int]  # sha -> byte offset of its line in commits.jsonl
    findings: dict[str, list[SecretFinding]]  # the history walk's findings, by commit
    files: dict[tuple[str, str], tuple[str, list[SecretFinding]]] = field(default_factory=dict)

    def lines(self, shas: Iterator[str]) -> Iterator[tuple[str, bytes]]:
        """(sha, its commits.jsonl line without the newline) for each of `shas` this harvest has."""
        with (self.folder / "commits.jsonl").open("rb") as old:
            for sha in shas:
                old.seek(self.offsets[sha])
                yield sha, old.readline().rstrip(b"\n")


def allowlist_digest(root: Path) -> str:
    """The sha256 of the repository's allowlist ("" without one): another allowlist scrubs differently."""
    try:
        return hashlib.sha256((root / IGNORE_FILE).read_bytes()).hexdigest()
    except (FileNotFoundError, NotADirectoryError):
        return ""


def previous_harvest(folder: Path, repo: git.Repo, expected: dict[str, Any],
                     revisions: dict[str, str]) -> tuple[Previous | None, str]:
    """The harvest in `folder` if this run may reuse it, else None and why not.

    `expected` holds what this run will record (tool, config, shallow, allowlist digest); `revisions` the
    refs it walks, resolved now.
    """
    try:
        manifest = orjson.loads((folder / MANIFEST).read_bytes())
        report = orjson.loads((folder / REPORT).read_bytes())
    except FileNotFoundError:
        return None, "no previous harvest"
    except (OSError, orjson.JSONDecodeError) as exc:
        return None, f"the previous harvest cannot be read ({exc})"
    if not isinstance(manifest, dict) or not isinstance(report, dict) or "history_findings" not in report:
        return None, "the previous harvest was made by an older idiomatic"
    for key, why in (("tool", "another idiomatic version"), ("config", "other settings"),
                     ("shallow", "a shallow clone deepened, or a full one made shallow")):
        if manifest.get(key) != orjson.loads(orjson.dumps(expected[key])):  # as JSON has it: tuples are lists
            return None, f"the previous harvest was made with {why}"
    inputs = manifest.get("inputs") or {}
    if inputs.get("allowlist_sha256") != expected["allowlist_sha256"]:
        return None, f"{IGNORE_FILE} changed since the previous harvest"
    counts = manifest.get("counts") or {}
    if counts.get("missing_objects") or counts.get("missing_diffs"):
        return None, "the previous harvest lacked some blobs"
    if rewritten := _rewritten(repo, inputs.get("revisions") or {}, revisions):
        return None, rewritten
    try:
        return _load(folder, report), ""
    except (OSError, orjson.JSONDecodeError, TypeError, KeyError, ValueError) as exc:
        return None, f"the previous harvest cannot be read ({exc})"


def _rewritten(repo: git.Repo, before: dict[str, str], now: dict[str, str]) -> str:
    """Why the history was rewritten since `before` ("" when every ref that is still there only moved
    forward; a deleted branch rewrites nothing, and the walk's order shows what is left of it)."""
    for ref, old in before.items():
        new = now.get(ref)
        if new is not None and new != old:
            try:
                repo.git.merge_base("--is-ancestor", old, new)
            except git.GitCommandError:
                return f"history rewritten: {ref} was {old[:12]}, which is not an ancestor of {new[:12]} " \
                       "(a force-push or rebase)"
    return ""


def _load(folder: Path, report: dict[str, Any]) -> Previous:
    findings: dict[str, list[SecretFinding]] = {}
    listed = report["findings"]
    for item in listed[:int(report["history_findings"])]:
        finding = build_record(SecretFinding, item)
        findings.setdefault(finding.commit, []).append(finding)
    head_findings: dict[str, list[SecretFinding]] = {}
    for item in listed:
        if item["location"] == "head-file":
            head_findings.setdefault(item["path"], []).append(build_record(SecretFinding, item))
    previous = Previous(folder, line_offsets(folder / "commits.jsonl"), findings)
    with (folder / "files.jsonl").open("rb") as lines:
        for line in lines:
            row = orjson.loads(line)
            previous.files[row["path"], row["blob"]] = row["text"], head_findings.get(row["path"], [])
    return previous
