"""One writer at a time per artifact home: `idiom harvest`, `idiom dataset build`, `idiom conventions
mine` and `idiom index` (the language server's re-index too) hold `<home>/.lock` while they write.

The lock is `flock`, exclusive and non-blocking: a second writer fails at once with one line naming
the holder, and the kernel drops the lock when its process ends however it ends, so a killed writer
never blocks the next one. The writer that takes the lock first clears what killed writers left
(harvest/atomic.py `remove_leftovers`); nobody else can be writing there then. Readers never take it:
they only ever see whole artifacts. Nested use in one thread (harvest, then its dataset build) is one
hold; another thread of the same process is refused like another process.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shlex
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

from harvest.atomic import remove_leftovers
from harvest.errors import BusyError
from harvest.store import complete_artifacts

LOCK_FILE = ".lock"
WRITTEN = ("harvest", "datasets")  # the folders of artifacts the locked commands write, besides the index

_held: dict[str, tuple[int, int]] = {}  # lock file → (thread holding it, nesting depth)
_held_guard = threading.Lock()


@contextlib.contextmanager
def writing(home: Path, what: str) -> Iterator[None]:
    """Hold `home`'s writer lock while `what` ("harvest", "index", …) writes there; BusyError if taken."""
    path = os.path.realpath(home / LOCK_FILE)
    me = threading.get_ident()
    with _held_guard:
        holder = _held.get(path)
        nested = bool(holder) and holder[0] == me
        if nested:
            _held[path] = (me, holder[1] + 1)
    if nested:
        try:
            yield
        finally:
            with _held_guard:
                _held[path] = (me, _held[path][1] - 1)
        return
    if holder:
        raise BusyError(_busy_message(home, _holder(path)))
    home.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BusyError(_busy_message(home, _holder(path))) from None
        with _held_guard:
            _held[path] = (me, 1)
        try:
            os.ftruncate(descriptor, 0)
            os.pwrite(descriptor, json.dumps({"pid": os.getpid(), "command": _command_line(), "writing": what})
                      .encode(), 0)
            _sweep(home)
            yield
        finally:
            with _held_guard:
                del _held[path]
            os.ftruncate(descriptor, 0)  # the next holder's line, never a stale one, names who holds it
    finally:
        os.close(descriptor)  # releases the flock


def _sweep(home: Path) -> None:
    """Clear killed writers' leftovers where the locked commands write (models/ has writers of its own)."""
    # Only the index's own in the home itself: others write there unlocked, and IDIOM_HOME may be any folder.
    remove_leftovers(home, temp_files=False, only="index")
    remove_leftovers(home / "index")
    for folder in WRITTEN:
        remove_leftovers(home / folder)
        for name in complete_artifacts(home / folder):
            remove_leftovers(home / folder / name)


def _holder(path: str) -> dict[str, object]:
    """What the holder wrote into the lock file ({} while it has not yet, or when unreadable)."""
    try:
        found = json.loads(Path(path).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _busy_message(home: Path, holder: dict[str, object]) -> str:
    who = (f"`{holder.get('command')}` (pid {holder.get('pid')}, writing the {holder.get('writing')})"
           if holder.get("pid") else "another process")
    return (f"{home} is being written by {who}; wait for it to finish and run this again "
            "(if that process is gone, its lock went with it: just run this again)")


def _command_line() -> str:
    """This process's command line, short: what the user will recognise in the message above."""
    return shlex.join([Path(sys.argv[0]).name, *sys.argv[1:]])[:200] if sys.argv and sys.argv[0] else "python"
