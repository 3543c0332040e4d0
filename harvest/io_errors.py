"""A file the command had to read or write and could not, said in one line: which file, what stands in the
way, and what to do.

The command line's last word on an `OSError` that names a file (harvest/cli.py): such errors come from the
world outside the code (a path given on the command line, a file where a folder must go, permissions, a
full disk, an `IDIOM_HOME` that cannot be written), so a traceback would only hide the file's name.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from harvest.store import HOME_ENV

_WHY = {
    errno.ENOTDIR: "a file stands where a folder is needed on that path",
    errno.EEXIST: "a file stands where a folder is needed on that path",
    errno.EISDIR: "it is a folder, not a file",
    errno.ENOENT: "no such file or folder",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.ENAMETOOLONG: "the name is too long",
}


def describe(exc: OSError) -> str:
    """One line for an `OSError` that names a file (`exc.filename` is set)."""
    why = _WHY.get(exc.errno or 0, exc.strerror or type(exc).__name__)
    line = f"cannot use {exc.filename}: {why}"
    home = os.environ.get(HOME_ENV)
    if home and _inside(Path(str(exc.filename)), Path(home).expanduser()):
        return f"{line}; {HOME_ENV}={home} must be a folder you can write: point it at one, or unset it"
    return f"{line}; check the path and its permissions"


def _inside(path: Path, folder: Path) -> bool:
    # mkdir reports the first path component that failed, which may be an ancestor of IDIOM_HOME itself.
    return path == folder or folder in path.parents or path in folder.parents
