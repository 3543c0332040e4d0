"""Mine the files at HEAD: read each blob from git's object database, classify it, keep its text.

Contents come from the commit's tree, never the working directory, so a dirty checkout, a detached
HEAD or a symlink pointing outside the repository cannot change or leak what is mined. One
`ls-tree` lists the tree with sizes and one `cat-file --batch` reads every kept blob, instead of
two object-database round trips per file. A blob the repository lacks (a partial clone, a damaged
mirror; harvest/mining/objects.py) is excluded as `missing-object`, never fetched.
"""

from __future__ import annotations

import posixpath
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import git

from harvest.classify import content_exclusion, kind_of, language_of, path_exclusion
from harvest.config import HarvestConfig
from harvest.errors import RepoError
from harvest.mining.objects import MISSING_OBJECT, ObjectAccess
from harvest.records import Exclusion

SYMLINK_MODE = "120000"
SUBMODULE_MODE = "160000"
BLOBS_PER_READ = 500  # bounds memory: at most this many files (each <= max_file_bytes) held at once


@dataclass(frozen=True)
class RawFile:
    """A file at HEAD that passed the filters, before scrubbing."""

    path: str
    kind: str
    language: str
    size: int
    blob: str
    text: str
    decode_errors: bool


@dataclass(frozen=True)
class _Entry:
    mode: str
    sha: str
    size: int | None  # None: the blob is not in the repository
    path: str


def walk_head(repo: git.Repo, commit: git.Commit, config: HarvestConfig,
              objects: ObjectAccess) -> Iterator[RawFile | Exclusion]:
    """Yield every file of `commit`'s tree as a RawFile to keep or an Exclusion with its reason; blobs are
    read through `objects`."""
    entries = _list_tree(objects, commit.hexsha)
    ignored = _gitignored(repo, [e.path for e in entries if e.mode not in (SYMLINK_MODE, SUBMODULE_MODE)])
    to_read: list[_Entry] = []
    for entry in entries:
        if entry.size is None:
            yield _missing(entry)
        elif entry.mode == SUBMODULE_MODE:
            yield Exclusion(entry.path, "submodule", f"gitlink to {entry.sha[:12]}; submodules are not mined")
        elif entry.path in ignored:
            yield Exclusion(entry.path, "gitignored", "tracked but matched by .gitignore")
        elif entry.mode != SYMLINK_MODE and (ruled_out := path_exclusion(entry.path, entry.size, config)):
            yield Exclusion(entry.path, *ruled_out)
        else:
            to_read.append(entry)
    for start in range(0, len(to_read), BLOBS_PER_READ):
        group = to_read[start:start + BLOBS_PER_READ]
        for entry, data in zip(group, _read_blobs(objects, group), strict=True):
            if data is None:
                yield _missing(entry)
            else:
                yield _symlink_exclusion(entry, data) if entry.mode == SYMLINK_MODE else _classify(entry, data)


def _missing(entry: _Entry) -> Exclusion:
    return Exclusion(entry.path, MISSING_OBJECT, f"blob {entry.sha[:12]} is not in the repository (a partial clone "
                                                 "or a damaged mirror); it is never fetched")


def _classify(entry: _Entry, data: bytes) -> RawFile | Exclusion:
    ruled_out = content_exclusion(data)
    if ruled_out:
        return Exclusion(entry.path, *ruled_out)
    try:
        text, decode_errors = data.decode("utf-8"), False
    except UnicodeDecodeError:
        text, decode_errors = data.decode("utf-8", "replace"), True
    return RawFile(entry.path, kind_of(entry.path), language_of(entry.path), entry.size, entry.sha, text, decode_errors)


def _symlink_exclusion(entry: _Entry, data: bytes) -> Exclusion:
    """Symlinks are never followed; the file they point at is mined under its own path if inside."""
    target = data.decode("utf-8", "replace")
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(entry.path), target))
    if target.startswith("/") or resolved == ".." or resolved.startswith("../"):
        return Exclusion(entry.path, "symlink", "points outside the repository; not followed")
    return Exclusion(entry.path, "symlink", f"alias of {resolved}; mined under that path")


def _list_tree(objects: ObjectAccess, sha: str) -> list[_Entry]:
    """Every non-tree entry of the commit's tree, with blob sizes (None for a blob the repository lacks),
    from one `git ls-tree`."""
    out = _git(objects, ["ls-tree", "-r", "-l", "-z", "--full-tree", sha])
    entries = []
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, path = record.partition(b"\t")
        mode, _kind, object_sha, size = (part.decode() for part in meta.split())
        # ls-tree prints `-` for a gitlink and BAD for a blob it cannot find
        entries.append(_Entry(mode, object_sha, int(size) if size.isdigit() else 0 if size == "-" else None,
                              path.decode("utf-8", "replace")))
    return entries


def _read_blobs(objects: ObjectAccess, entries: list[_Entry]) -> Iterator[bytes | None]:
    """Contents of `entries`' blobs, in order (None for one the repository lacks), from one `git cat-file --batch`."""
    out = _git(objects, ["cat-file", "--batch"], "".join(f"{e.sha}\n" for e in entries).encode())
    pos = 0
    for entry in entries:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        if header[-1:] == [b"missing"]:
            yield None
            pos = end + 1
            continue
        if len(header) != 3 or header[1] != b"blob":
            raise _corrupt(entry)
        size = int(header[2])
        yield out[end + 1:end + 1 + size]
        pos = end + 1 + size + 1


def _corrupt(entry: _Entry) -> RepoError:
    return RepoError(f"cannot read {entry.path}: object {entry.sha[:12]} is corrupt; run `git fsck` to see the damage")


def _git(objects: ObjectAccess, args: list[str], stdin: bytes = b"") -> bytes:
    """git's output; a missing blob must read as missing, not as a view's placeholder."""
    result = subprocess.run(objects.command(*args, placeholders=False), input=stdin, capture_output=True, check=False)
    if result.returncode != 0:
        first = result.stderr.decode("utf-8", "replace").strip().splitlines()[:1]
        raise RepoError(f"git {args[0]} failed: {first[0] if first else result.returncode}; "
                        "the repository may be corrupt, run `git fsck`")
    return result.stdout


def _gitignored(repo: git.Repo, paths: list[str]) -> set[str]:
    """Tracked paths that the repository's .gitignore rules would exclude."""
    if not paths or repo.bare:
        return set()
    result = subprocess.run(
        ["git", "-C", repo.working_tree_dir, "check-ignore", "--no-index", "-z", "--stdin"],
        input="\0".join(paths).encode(), capture_output=True, check=False,
    )
    return {p.decode("utf-8", "replace") for p in result.stdout.split(b"\0") if p}
