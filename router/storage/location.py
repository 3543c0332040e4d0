"""Where a repository's database is, found without SQLAlchemy: a team server's (`idiom api` serves each of
its repositories from its one database), else `[team] database_url`, else the repository's own
`.idiom/idiom.db`. router/database.py opens it; a command that finds none (a harvest of a fresh clone
asking whether accepted completions need matching) then never imports the database layer (0.15 s)."""

from __future__ import annotations

import functools
from pathlib import Path

from harvest.store import Artifacts
from router.config import load_team_config

# A team server's repositories (`idiom api`): resolved path → (the name its config gives it, its database URL).
_served: dict[Path, tuple[str, str]] = {}


def serve_repository(repo: Path, name: str, url: str) -> None:
    """Mark `repo`'s rows `name` in the database at `url` in this process, whatever its folder is called and
    whatever the user's [team] says: a team server names its repositories in its own config, and keeps them
    all in its one database."""
    _served[_resolved(repo)] = (name, url)


def served_url(repo: Path) -> str | None:
    """The database URL a team server serves `repo` from in this process, None when it does not."""
    served = _served.get(_resolved(repo))
    return served[1] if served else None


def repository_key(repo: Path) -> str:
    """How `repo`'s runs and requests are marked: the name a team server serves it under; "" in its own
    SQLite file (everything in it is its own); its folder's name in a team's database (which holds several
    repositories)."""
    resolved = _resolved(repo)
    served = _served.get(resolved)
    if served:
        return served[0]
    return resolved.name if load_team_config().database_url else ""


def exists(repo: Path) -> bool:
    """Whether `repo` has a database to read (reading must not make an empty one)."""
    return _resolved(repo) in _served or bool(load_team_config().database_url) or Artifacts(repo).db.is_file()


@functools.lru_cache(maxsize=256)
def _resolved(repo: Path) -> Path:
    return repo.resolve()
