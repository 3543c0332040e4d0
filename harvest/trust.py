"""The trust boundary: what a repository may decide for the user, and the user's record of what they trust.

A cloned repository is untrusted input. Its `idiom.toml` may tune the harvest and the router, but the
settings that run a program, read files outside the repository, or choose where code and keys are sent
(`TRUSTED_ONLY`) are honoured only once the user has run `idiom trust REPO`, which records the file's
sha256 in the user's config directory: a changed file needs trusting again. Likewise a `.idiom/` folder
committed to the repository holds someone else's artifacts (datasets, conventions, a request database)
and is used only after `idiom trust REPO --artifacts`. The same settings are always honoured from the
user's own `config.toml` in that directory, from `IDIOM_*` variables and from flags. Sections that hold
credentials (`USER_ONLY`: the team database's URL) come only from there, never from a repository.
"""

from __future__ import annotations

import functools
import hashlib
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import orjson

from harvest.atomic import atomic_write_text
from harvest.errors import ConfigError, TrustError

CONFIG_DIR_ENV = "IDIOM_CONFIG_DIR"
USER_CONFIG = "config.toml"
TRUST_FILE = "trusted.json"

# Settings that execute programs, read files outside the repository, or choose where code and keys go.
TRUSTED_ONLY: dict[str, tuple[str, ...]] = {
    "harvest": ("format_command", "prs_file"),
    "router": ("base_url", "models_file"),
    "index": ("url", "embedding_model"),
}
# Sections a repository's idiom.toml may never set, trusted or not: they hold credentials (a database URL
# with its password) or say what a team server serves and allows, which belong to the user or the team
# server, not to a file anyone can commit.
USER_ONLY = ("team", "api")


def config_dir() -> Path:
    """The user's Idiomatic folder: `$IDIOM_CONFIG_DIR`, else the platform's (`~/.config/idiom` on Linux)."""
    return _config_dir(os.environ.get(CONFIG_DIR_ENV), os.environ.get("XDG_CONFIG_HOME"), os.environ.get("HOME"))


@functools.lru_cache(maxsize=8)  # asked several times per request the router logs; platformdirs looks the user up
def _config_dir(override: str | None, _xdg_config_home: str | None, _home: str | None) -> Path:
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("idiom", appauthor=False))


def user_config() -> dict[str, Any]:
    """The user's own `config.toml` (missing = empty): the layer below every repository's idiom.toml."""
    path = config_dir() / USER_CONFIG
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"cannot read {path} ({exc.strerror}): the user config folder must be a folder you can "
                          f"read; fix it or point {CONFIG_DIR_ENV} elsewhere") from None
    return _parsed(path, data)


@functools.lru_cache(maxsize=64)
def _parsed(path: Path, data: bytes) -> dict[str, Any]:
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); fix the file or remove it") from None


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _record() -> dict[str, dict[str, str]]:
    path = config_dir() / TRUST_FILE
    try:
        found = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        return {"files": {}, "artifacts": {}}
    except OSError as exc:
        raise ConfigError(f"cannot read {path} ({exc.strerror}): the user config folder must be a folder you can "
                          f"read; fix it or point {CONFIG_DIR_ENV} elsewhere") from None
    except orjson.JSONDecodeError as exc:
        raise ConfigError(f"{path}: unreadable record of trusted repositories ({exc}); delete it and run "
                          "`idiom trust` again for the repositories you trust") from None
    if not isinstance(found, dict):
        raise ConfigError(f"{path}: not a record of trusted repositories; delete it and trust again")
    return {"files": dict(found.get("files", {})), "artifacts": dict(found.get("artifacts", {}))}


def _save(record: dict[str, dict[str, str]]) -> None:
    folder = config_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    atomic_write_text(folder / TRUST_FILE, orjson.dumps(record, option=orjson.OPT_INDENT_2).decode() + "\n")


def untrusted_keys(data: dict[str, Any]) -> list[str]:
    """`[section] key` for each trusted-only setting `data` (a parsed idiom.toml) sets."""
    return [f"[{section}] {key}" for section, keys in TRUSTED_ONLY.items()
            if isinstance(data.get(section), dict) for key in keys if key in data[section]]


def without_untrusted(data: dict[str, Any]) -> dict[str, Any]:
    """`data` with every trusted-only setting removed."""
    return {section: ({k: v for k, v in values.items() if k not in TRUSTED_ONLY.get(section, ())}
                      if isinstance(values, dict) else values) for section, values in data.items()}


def file_trust(path: Path, data: bytes) -> str:
    """"trusted", "changed" (trusted once, edited since) or "untrusted" for the config file `path`."""
    recorded = _record()["files"].get(str(path.resolve()))
    if recorded is None:
        return "untrusted"
    return "trusted" if recorded == sha256(data) else "changed"


_told: set[tuple[str, str]] = set()


def tell_once(path: Path, digest: str, message: str) -> None:
    """Say why settings were ignored, once per process and file version (the server asks per request)."""
    if (str(path), digest) not in _told:
        _told.add((str(path), digest))
        print(f"idiom: {message}", file=sys.stderr)


def trust_repository(repo: Path, artifacts: bool = False) -> list[str]:
    """Record `repo`'s idiom.toml (and with `artifacts`, its committed .idiom/) as trusted; what was recorded."""
    record = _record()
    done = []
    config = repo / "idiom.toml"
    if config.is_file():
        record["files"][str(config.resolve())] = sha256(config.read_bytes())
        done.append(str(config))
    if artifacts:
        listing = tracked_artifacts(repo)
        if not listing:
            raise ConfigError(f"{repo}/.idiom holds no files committed to git; nothing to trust there")
        record["artifacts"][str(repo.resolve())] = sha256(listing)
        files = listing.count(b"\0")
        done.append(f"{repo}/.idiom ({files} committed files)")
    if not done:
        raise ConfigError(f"{repo} has no idiom.toml to trust (pass --artifacts to trust a committed .idiom/)")
    _save(record)
    return done


def revoke(repo: Path) -> list[str]:
    """Forget any trust recorded for `repo`; what was forgotten."""
    record = _record()
    gone = []
    config = str((repo / "idiom.toml").resolve())
    if record["files"].pop(config, None):
        gone.append(config)
    root = str(repo.resolve())
    if record["artifacts"].pop(root, None):
        gone.append(f"{root}/.idiom")
    if gone:
        _save(record)
    return gone


def status(repo: Path) -> dict[str, Any]:
    """What `idiom trust --status` prints: the file's state, the settings it holds back, the artifacts' state."""
    config = repo / "idiom.toml"
    found: dict[str, Any] = {"repository": str(repo.resolve()), "config": str(config), "config_state": "absent",
                             "trusted_only_settings": [], "committed_artifacts": 0, "artifacts_state": "none"}
    if config.is_file():
        data = config.read_bytes()
        found["config_state"] = file_trust(config, data)
        try:
            found["trusted_only_settings"] = untrusted_keys(_parsed(config, data))
        except ConfigError:
            found["trusted_only_settings"] = []
    listing = tracked_artifacts(repo)
    if listing:
        found["committed_artifacts"] = listing.count(b"\0")
        recorded = _record()["artifacts"].get(str(repo.resolve()))
        found["artifacts_state"] = ("untrusted" if recorded is None else
                                    "trusted" if recorded == sha256(listing) else "changed")
    return found


def tracked_artifacts(repo: Path) -> bytes:
    """`git ls-files -s` of `repo/.idiom` (mode, blob, path per file): empty when nothing there is committed."""
    try:
        done = subprocess.run(["git", "-C", str(repo), "ls-files", "-s", "-z", "--", ".idiom"],
                              capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return b""
    return done.stdout if done.returncode == 0 else b""


def check_artifacts(repo: Path) -> None:
    """Refuse a committed `.idiom/` the user has not trusted (in this version of its files)."""
    listing = tracked_artifacts(repo)
    if not listing:
        return
    recorded = _record()["artifacts"].get(str(repo.resolve()))
    if recorded == sha256(listing):
        return
    changed = " (changed since you trusted it)" if recorded else ""
    raise TrustError(f"{repo}/.idiom is committed to the repository{changed}: artifacts from a clone are not "
                      f"used until you trust them (`idiom trust {repo} --artifacts`); or remove them from git "
                      "(`git rm -r --cached .idiom`), or set IDIOM_HOME to keep artifacts elsewhere")
