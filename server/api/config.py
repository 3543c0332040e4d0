"""`[api]`: the team server's settings, read from the user's own config.toml and IDIOM_API_* only (never a
repository's idiom.toml: the server chooses which repositories it serves, not the repositories).

`[api] repos` is a table, name → path: the names clients send and the request log records."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harvest.config import Settings, load_section, setting
from harvest.errors import ConfigError, InputError

NAME_FORM = r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}"


@dataclass(frozen=True)
class ApiConfig:
    """`[api]`: limits of the team server (your own config.toml or the environment only)."""

    rate_per_minute: float = setting("Requests one token may make per minute, on average (a token bucket).", 600.0,
                                     low=1)
    burst: int = setting("Requests one token may make at once before the rate applies.", 60, low=1)
    max_body_bytes: int = setting("The largest request body accepted (bytes); larger ones get 413.", 1_000_000,
                                  low=1024)


def load_api_config() -> ApiConfig:
    """`[api]` from the user's config.toml (its `repos` table aside), with IDIOM_API_* overrides."""
    from harvest.trust import user_config

    raw = dict(user_config().get("api", {}))
    raw.pop("repos", None)
    return load_section(Settings({"api": raw}), "api", ApiConfig)


def served_repositories(given: tuple[str, ...]) -> dict[str, Path]:
    """name → repository folder: `--repos NAME=PATH` when given, else `[api] repos` of the user's config."""
    import re

    from harvest.trust import user_config

    if given:
        pairs = []
        for item in given:
            name, equals, path = item.partition("=")
            if not equals or not path:
                raise InputError(f"--repos {item!r}: give NAME=PATH, e.g. --repos acme-web=~/src/acme-web")
            pairs.append((name.strip(), path.strip()))
    else:
        table = user_config().get("api", {}).get("repos", {})
        if not isinstance(table, dict):
            raise ConfigError("[api] repos must be a table of name = \"path\"")
        pairs = [(str(name), str(path)) for name, path in table.items()]
    if not pairs:
        raise InputError("no repositories to serve: pass --repos NAME=PATH or set [api] repos in your config.toml")
    served: dict[str, Path] = {}
    for name, path in pairs:
        if not re.fullmatch(NAME_FORM, name):
            raise InputError(f"repository name {name!r}: use letters, digits, '.', '_' and '-'")
        folder = Path(path).expanduser()
        if not folder.is_dir():
            raise InputError(f"repository {name}: {folder} is not a folder; fix its path")
        if name in served:
            raise InputError(f"repository name {name!r} is given twice; give each its own")
        served[name] = folder.resolve()
    return served
