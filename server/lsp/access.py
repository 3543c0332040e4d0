"""Who may reach `idiom serve --tcp`: the token a client must send, and whether an address is loopback.

Like a notebook server's: the token is read from a file the user owns (mode 0600), or generated and
written there, and printed on the server's stderr. protocol.py checks it in `initialize`.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import stat
import sys
from pathlib import Path

from harvest.errors import InputError

LOOPBACK_NAMES = ("localhost",)


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 (also as ::ffff:127.x.x.x) or localhost; any other name or address is not."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or bool(mapped and mapped.is_loopback)


def default_token_file(port: int) -> Path:
    """`serve-<port>.token` in the user's runtime folder (private, emptied at logout), or their state
    folder where there is none (platformdirs would fall back to a shared /tmp)."""
    from platformdirs import user_runtime_dir, user_state_dir

    unix = os.name == "posix" and sys.platform != "darwin"
    folder = user_runtime_dir("idiom") if os.environ.get("XDG_RUNTIME_DIR") or not unix else user_state_dir("idiom")
    return Path(folder) / f"serve-{port}.token"


def token_from(path: Path) -> str:
    """The token kept in `path`, or a new one written there (mode 0600) when it does not exist."""
    if os.path.lexists(path):
        return _read(path)
    token = secrets.token_urlsafe(32)
    try:
        if not path.parent.is_dir():
            path.parent.mkdir(parents=True, mode=0o700)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        if os.path.lexists(path):  # another server wrote it meanwhile: share its token
            return _read(path)
        raise InputError(f"cannot write the token file {path}: {exc.strerror}; pass --token-file FILE "
                         f"in a folder you own") from None
    with os.fdopen(descriptor, "w") as out:
        out.write(token + "\n")
    return token


def _read(path: Path) -> str:
    """The token in an existing file that only its owner, this user, can read."""
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):  # a folder, or a FIFO that would block the read
            raise InputError(f"the token file {path} is not a regular file; pass --token-file FILE")
        with path.open("rb") as kept:
            raw = kept.read(4096)
    except OSError as exc:
        raise InputError(f"cannot read the token file {path}: {exc.strerror}") from None
    if hasattr(os, "getuid") and status.st_uid != os.getuid():
        raise InputError(f"the token file {path} belongs to another user; pass --token-file FILE")
    if status.st_mode & 0o077:
        raise InputError(f"the token file {path} can be read by others (mode {stat.S_IMODE(status.st_mode):o}); "
                         f"run `chmod 600 {path}`")
    token = raw.decode("utf-8", "replace").strip()
    if not token or any(c.isspace() for c in token):
        raise InputError(f"the token file {path} must hold one token on one line; write one, or delete the file "
                         f"to have one generated")
    return token
