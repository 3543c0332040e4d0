"""Where artifacts live and how they are written: `<repo>/.idiom/` (or `IDIOM_HOME`), atomically.

A reader never sees half an artifact: files are written under a temporary name in the same
directory and renamed; whole artifact directories are built beside the old one and swapped in, so
a failed re-harvest leaves the previous result intact. Finding the folder creates nothing (a read-only
command leaves no trace); only writers call `ensure_home`. A `.idiom` that is a symlink, or that is
committed to the repository and not trusted by the user (harvest/trust.py), is refused.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import orjson

from harvest.errors import TrustError

HOME_ENV = "IDIOM_HOME"


_checked_homes: set[Path] = set()  # `.idiom` folders found safe: one stat per request once checked


def idiom_home(repo: Path) -> Path:
    """The artifact root for `repo`: `$IDIOM_HOME` when set, else `<repo>/.idiom` once it is found safe."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser()
    home = repo / ".idiom"
    if home not in _checked_homes:
        if home.is_symlink():
            raise TrustError(f"{home} is a symbolic link: artifacts are never written through one (it could send "
                             "them anywhere); remove the link, or set IDIOM_HOME to keep artifacts elsewhere")
        if home.exists():
            if not home.is_dir():
                raise TrustError(f"{home} is a file, not Idiomatic's artifact folder; move it away")
            from harvest.trust import check_artifacts

            check_artifacts(repo)
            _checked_homes.add(home)
    return home


def ensure_home(repo: Path) -> Path:
    """`idiom_home(repo)`, created on first use with a `.gitignore` that hides it from the team's `git status`."""
    home = idiom_home(repo)
    ignore = home / ".gitignore"
    if not ignore.exists():
        home.mkdir(parents=True, exist_ok=True)
        atomic_write_text(ignore, "*\n")
    return home


def safe_name(name: str) -> str:
    """`name` as a single folder name (harvests, datasets, models): no separators, no leading dots."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "repo"


def choose(names: Sequence[str], name: str) -> str:
    """`name` when it is one of `names`, the only name when `name` is empty, else "" (the caller says why)."""
    if not name and len(names) == 1:
        return names[0]
    return name if name in names else ""


def atomic_write_text(path: Path, text: str) -> None:
    """Write `text` to `path` so readers see the old file or the new one, never a mix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_json(path: Path, data: Any) -> None:
    """Write `data` as indented JSON, atomically."""
    atomic_write_text(path, json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n")


def write_jsonl(path: Path, records: Iterable[Any]) -> int:
    """Write dataclass records one JSON object per line (inside a staged directory, so no temp name)."""
    count = 0
    with path.open("wb") as out:
        for record in records:
            # orjson serialises dataclasses natively, several times faster than asdict + json.
            out.write(orjson.dumps(record))
            out.write(b"\n")
            count += 1
    return count


@contextlib.contextmanager
def staged_dir(final: Path) -> Iterator[Path]:
    """Yield an empty sibling directory; on success it replaces `final`, on failure it vanishes."""
    final.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".staging", dir=final.parent))
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    old = final.with_name(f".{final.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        os.replace(final, old)
    os.replace(stage, final)
    shutil.rmtree(old, ignore_errors=True)
