"""Mine the files at HEAD: read each blob from git's object database, classify it, scrub it.

Contents come from the commit's tree, never the working directory, so a dirty checkout, a detached
HEAD or a symlink pointing outside the repository cannot change or leak what is mined.
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
from harvest.records import Exclusion

SYMLINK_MODE = 0o120000


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


def walk_head(repo: git.Repo, commit: git.Commit, config: HarvestConfig) -> Iterator[RawFile | Exclusion]:
    """Yield every file of `commit`'s tree as a RawFile to keep or an Exclusion with its reason."""
    entries = [item for item in commit.tree.traverse() if item.type != "tree"]
    ignored = _gitignored(repo, [item.path for item in entries if item.type == "blob"])
    for item in entries:
        if item.type == "submodule":
            yield Exclusion(item.path, "submodule", f"gitlink to {item.hexsha[:12]}; submodules are not mined")
        elif item.mode == SYMLINK_MODE:
            yield _symlink_exclusion(item)
        elif item.path in ignored:
            yield Exclusion(item.path, "gitignored", "tracked but matched by .gitignore")
        else:
            yield _read_blob(item, config)


def _read_blob(blob: git.Blob, config: HarvestConfig) -> RawFile | Exclusion:
    try:
        size = blob.size
        ruled_out = path_exclusion(blob.path, size, config)
        data = b"" if ruled_out else blob.data_stream.read()
    except (ValueError, git.exc.GitError):
        raise RepoError(
            f"cannot read {blob.path}: object {blob.hexsha[:12]} is missing or corrupt; run `git fsck` to see the damage"
        ) from None
    ruled_out = ruled_out or content_exclusion(data)
    if ruled_out:
        return Exclusion(blob.path, *ruled_out)
    try:
        text, decode_errors = data.decode("utf-8"), False
    except UnicodeDecodeError:
        text, decode_errors = data.decode("utf-8", "replace"), True
    return RawFile(blob.path, kind_of(blob.path), language_of(blob.path), size, blob.hexsha, text, decode_errors)


def _symlink_exclusion(blob: git.Blob) -> Exclusion:
    """Symlinks are never followed; the file they point at is mined under its own path if inside."""
    target = blob.data_stream.read().decode("utf-8", "replace")
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(blob.path), target))
    if target.startswith("/") or resolved == ".." or resolved.startswith("../"):
        return Exclusion(blob.path, "symlink", "points outside the repository; not followed")
    return Exclusion(blob.path, "symlink", f"alias of {resolved}; mined under that path")


def _gitignored(repo: git.Repo, paths: list[str]) -> set[str]:
    """Tracked paths that the repository's .gitignore rules would exclude."""
    if not paths or repo.bare:
        return set()
    result = subprocess.run(
        ["git", "-C", repo.working_tree_dir, "check-ignore", "--no-index", "-z", "--stdin"],
        input="\0".join(paths).encode(), capture_output=True, check=False,
    )
    return {p.decode("utf-8", "replace") for p in result.stdout.split(b"\0") if p}
