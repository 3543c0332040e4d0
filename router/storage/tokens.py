"""A team server's API tokens: who may use it, for which repositories, as a developer or a lead.

A token is shown once, when it is made; the database keeps only its sha256, so a copy of the database
grants nothing. A revoked token stays in the table (its name is not given again) so the request log's
pseudonymous developer ids keep meaning one token."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from time import monotonic
from typing import Any

from sqlalchemy import Row, bindparam, select, update
from sqlalchemy.engine import Connection, Engine

from harvest.errors import InputError
from router.storage.schema import ROLES, now, tokens

PREFIX = "idiom_"  # says what a token is when one turns up in a log or a scan


@dataclass(frozen=True)
class Token:
    name: str
    role: str
    repos: tuple[str, ...]  # () = every repository the server serves
    token_sha256: str
    created_at: str
    revoked_at: str | None

    @property
    def developer(self) -> str:
        """The pseudonymous id the request log records for this token's requests (not its name)."""
        return "dev-" + hashlib.sha256(self.token_sha256.encode()).hexdigest()[:12]

    def may_use(self, repository: str) -> bool:
        return not self.repos or repository in self.repos


def check_new_token(name: str, role: str) -> None:
    """What a token's name and role must be, before anything is stored (InputError saying what to change)."""
    if role not in ROLES:
        raise InputError(f"role {role!r}; valid: {', '.join(ROLES)}")
    if not name.strip():
        raise InputError("a token needs a name (who or what uses it)")


def create_token(db: Connection, name: str, role: str, repos: tuple[str, ...] = ()) -> str:
    """Store a new token for `name` and return it: the only time it can be read."""
    check_new_token(name, role)
    if db.execute(select(tokens.c.id).where(tokens.c.name == name)).first() is not None:
        raise InputError(f"a token named {name!r} exists (names are not reused, even once revoked); choose another")
    token = PREFIX + secrets.token_urlsafe(32)
    db.execute(tokens.insert(), {"name": name, "role": role, "repos": list(repos), "token_sha256": digest(token),
                                 "created_at": now()})
    return token


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


BY_DIGEST = select(tokens).where(tokens.c.token_sha256 == bindparam("digest"), tokens.c.revoked_at.is_(None))


def token_for(db: Connection, presented: str) -> Token | None:
    """The live token `presented` is, or None (unknown or revoked)."""
    row = db.execute(BY_DIGEST, {"digest": digest(presented)}).first()
    return _token(row) if row else None


class RecentTokens:
    """The live tokens a server has read in the last `keep_s` seconds, by their digest: a token asking many
    times a second is read once a second, not on each request (about four database round trips each), and a
    token revoked meanwhile is refused at most `keep_s` later. An unknown token is read every time, so one
    made a moment ago works at once and no guess is kept."""

    def __init__(self, keep_s: float = 1.0) -> None:
        self.keep_s = keep_s
        self._read: dict[str, tuple[float, Token]] = {}  # digest → (when read, the token)

    def find(self, engine: Engine, presented: str) -> Token | None:
        """The live token `presented` is, or None (unknown or revoked)."""
        key = digest(presented)
        read = self._read.get(key)
        if read is not None and monotonic() - read[0] < self.keep_s:
            return read[1]
        with engine.connect() as db:
            found = token_for(db, presented)
        if found is None:
            self._read.pop(key, None)
        else:
            self._read[key] = (monotonic(), found)
        return found


def revoke_token(db: Connection, name: str) -> None:
    """Revoke the token named `name`; its requests stay in the log under its pseudonym."""
    done = db.execute(update(tokens).where(tokens.c.name == name, tokens.c.revoked_at.is_(None))
                      .values(revoked_at=now()))
    if done.rowcount == 0:
        raise InputError(f"no live token named {name!r}")


def all_tokens(db: Connection) -> list[Token]:
    """Every token, live or revoked, oldest first."""
    return [_token(row) for row in db.execute(select(tokens).order_by(tokens.c.id))]


def _token(row: Row[Any]) -> Token:
    found = row._mapping
    return Token(found["name"], found["role"], tuple(found["repos"]), found["token_sha256"], found["created_at"],
                 found["revoked_at"])
