"""Writing artifacts atomically: a reader sees the old artifact or the new one, never half of either.

A file is written under a temporary name in the same directory and renamed over the old one; a whole
artifact directory is built in a dot-named staging folder beside the old one and swapped in with one
rename (Linux's renameat2 exchange, else two renames with a recoverable `.NAME.old` in between). What a
killed writer left is removed by the next writer (`remove_leftovers`, under harvest/lock.py's lock).
Where artifacts live is harvest/store.py's job; this module only knows how to write them.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

STAGING_SUFFIX = ".staging"
TEMP_SUFFIX = ".tmp"
OLD_SUFFIX = ".old"


def atomic_write_text(path: Path, text: str) -> None:
    """Write `text` to `path` so readers see the old file or the new one, never a mix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
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
    """Write dataclass records one JSON object per line (inside a staged directory, so no temp name); a
    record given as bytes is a line already serialised (a re-harvest's reused commit), written as is."""
    count = 0
    with path.open("wb") as out:
        for record in records:
            # orjson serialises dataclasses natively, several times faster than asdict + json.
            out.write(record if isinstance(record, bytes) else orjson.dumps(record))
            out.write(b"\n")
            count += 1
    return count


@contextlib.contextmanager
def staged_dir(final: Path) -> Iterator[Path]:
    """Yield an empty sibling directory; on success it replaces `final` in one step, on failure it vanishes."""
    stage = new_stage(final)
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    commit_stage(stage, final)


def new_stage(final: Path) -> Path:
    """An empty staging folder beside `final` (for a writer that cannot hold `staged_dir` open: it calls
    `commit_stage` when done, or removes the folder)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=STAGING_SUFFIX, dir=final.parent))


def commit_stage(stage: Path, final: Path) -> None:
    """Put the staging folder `stage` at `final` in one step, removing what was there."""
    _swap_in(stage, final)
    shutil.rmtree(stage, ignore_errors=True)  # now the previous result, if there was one


def remove_leftovers(folder: Path, temp_files: bool = True, only: str = "") -> None:
    """Clear what killed writers left in `folder`: staging folders (and, with `temp_files`, temporary
    files), and a previous result half-swapped by `_swap_in`'s fallback, which is put back. With `only`,
    just the leftovers of the artifact of that name.

    Only under the writer lock (harvest/lock.py): a live writer's staging looks just the same.
    """
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        owner = _leftover_of(entry.name)
        if not owner or (only and owner != only):
            continue
        if entry.name.endswith(STAGING_SUFFIX) and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.name.endswith(OLD_SUFFIX) and entry.is_dir():
            if (folder / owner).exists():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                os.replace(entry, folder / owner)
        elif temp_files and entry.name.endswith(TEMP_SUFFIX) and entry.is_file():
            with contextlib.suppress(FileNotFoundError):
                entry.unlink()


def _leftover_of(name: str) -> str:
    """The artifact or file a leftover's name belongs to: `.NAME.<random>.staging`, `.NAME.<random>.tmp`
    (tempfile's random part has no dot) or `.NAME.old`; "" for any other name."""
    if not name.startswith("."):
        return ""
    if name.endswith(OLD_SUFFIX):
        return name[1:-len(OLD_SUFFIX)]
    for suffix in (STAGING_SUFFIX, TEMP_SUFFIX):
        if name.endswith(suffix) and "." in name[1:-len(suffix)]:
            return name[1:-len(suffix)].rsplit(".", 1)[0]
    return ""


def _swap_in(stage: Path, final: Path) -> None:
    """Put `stage` at `final`; the previous `final`, if any, ends up at `stage`'s path."""
    if not final.exists():
        os.replace(stage, final)
        return
    if _exchange(stage, final):
        return
    # No atomic exchange here (not Linux, or a file system without it): two renames. A crash between
    # them leaves the previous result at `.NAME.old`, and the next writer puts it back.
    old = final.with_name(f".{final.name}{OLD_SUFFIX}")
    shutil.rmtree(old, ignore_errors=True)
    os.replace(final, old)
    os.replace(stage, final)
    os.replace(old, stage)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2  # linux/fs.h


def _exchange(first: Path, second: Path) -> bool:
    """Swap two directories in one step (Linux renameat2 RENAME_EXCHANGE); False when unsupported.

    Two plain renames would leave a moment, and after a kill -9 a state, with no artifact at all.
    """
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


@lru_cache(maxsize=1)
def _renameat2() -> Any:
    """The C library's renameat2 (glibc 2.28+), or None where it has none (macOS, for one)."""
    function = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if function is not None:
        function.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
        function.restype = ctypes.c_int
    return function
