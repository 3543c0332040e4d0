"""The `[harvest]` settings that hold globs, checked to compile before any work starts, each error naming
the glob and where it was set: the flag, the `IDIOM_HARVEST_*` variable, or the settings file."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from harvest.config import HarvestConfig, load_harvest_config, read_toml
from harvest.errors import ConfigError
from harvest.globs import glob_regex

GLOB_SETTINGS = ("exclude_paths", "deprecated_paths", "exclude_files")


def configured(repo: Path, flags: dict[str, object]) -> HarvestConfig:
    """`[harvest]` for `repo` with the command-line `flags` that were given (not None) applied last, its globs
    checked: what one harvest runs with, and each repository of `idiom harvest --repos`."""
    given = {k: v for k, v in flags.items() if v is not None}
    return check_globs(repo, dataclasses.replace(load_harvest_config(repo), **given), tuple(given))


def check_globs(repo: Path, config: HarvestConfig, flagged: tuple[str, ...] = ()) -> HarvestConfig:
    """`config` when every glob in it compiles; `flagged` are the settings a command-line flag replaced."""
    for key in GLOB_SETTINGS:
        for glob in getattr(config, key):
            try:
                glob_regex(glob)
            except ConfigError as exc:
                raise ConfigError(f"{_origin(repo, key, flagged)}: {exc}") from None
    return config


def _origin(repo: Path, key: str, flagged: tuple[str, ...]) -> str:
    """Where `key` got its value, by the settings' precedence: flag, then variable, then file."""
    if key in flagged:
        return "--" + key.replace("_", "-")
    variable = f"IDIOM_HARVEST_{key.upper()}"
    if variable in os.environ:
        return variable
    return f"{read_toml(repo).origin('harvest', key)} [harvest] {key}"
