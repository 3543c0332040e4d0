"""Putting the exported rules files on disk, and telling whether the files on disk still match
(`idiom conventions export [--check]`). The texts come from harvest/conventions/export.py.

Writing is confined to the output folder (the repository with `--out .`): a path whose folder, or the file
itself, is a symbolic link is refused, since a repository could point `.github` or `.cursor` anywhere
(docs/trust.md). Each file is written atomically. A scoped file we wrote earlier for a scope that is gone
(its name starts with `idiom`, its text carries the generated marker) is stale: the export removes it and
`--check` reports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harvest.atomic import atomic_write_text
from harvest.conventions.export import MARKER, PREFIX
from harvest.errors import InputError


@dataclass(frozen=True)
class Drift:
    """A file on disk that differs from what the conventions would write."""

    path: str  # relative to the output folder
    state: str  # "missing", "differs" or "stale" (written for a scope the conventions no longer have)


def safe_path(root: Path, relative: str) -> Path:
    """`root / relative`, refused when any part of it below `root` is a symbolic link (or `..`)."""
    parts = Path(relative).parts
    if Path(relative).is_absolute() or ".." in parts:
        raise InputError(f"{relative} is not a path inside {root}; this is a bug in the export's writers")
    current = root
    for part in parts:
        current = current / part
        if current.is_symlink():
            raise InputError(f"cannot write {root / relative}: {current} is a symbolic link, which could lead "
                             "outside the repository; remove the link, or export elsewhere with --out DIR")
    return current


def stale_files(root: Path, files: dict[str, str]) -> list[str]:
    """Scoped files we wrote before (beside the expected ones, named `idiom…`, with our marker) that the
    conventions no longer produce."""
    folders = {Path(p).parent for p in files if Path(p).name.startswith(PREFIX)}
    stale = []
    for folder in sorted(folders):
        where = root / folder
        if where.is_symlink() or not where.is_dir():
            continue
        for file in sorted(where.iterdir()):
            relative = (folder / file.name).as_posix()
            if (file.name.startswith(PREFIX) and relative not in files and file.is_file() and not file.is_symlink()
                    and MARKER in file.read_text(encoding="utf-8", errors="replace")):
                stale.append(relative)
    return stale


def drift(root: Path, files: dict[str, str]) -> list[Drift]:
    """Files under `root` that differ from `files` (relative path → text), and stale ones."""
    found = []
    for relative, text in files.items():
        path = safe_path(root, relative)
        if not path.is_file():
            found.append(Drift(relative, "missing"))
        elif path.read_text(encoding="utf-8", errors="replace") != text:
            found.append(Drift(relative, "differs"))
    return found + [Drift(p, "stale") for p in stale_files(root, files)]


def write_files(root: Path, files: dict[str, str]) -> tuple[list[Path], list[Path]]:
    """Write `files` under `root` atomically and remove stale ones; (written, removed). Every path is checked
    before anything is written, so a refused one leaves the folder as it was."""
    targets = {relative: safe_path(root, relative) for relative in files}
    removed = [safe_path(root, p) for p in stale_files(root, files)]
    for relative, path in targets.items():
        atomic_write_text(path, files[relative])
    for path in removed:
        path.unlink()
    return list(targets.values()), removed
