"""`idiom.toml` → frozen, documented dataclasses, one per section.

Precedence, lowest first: field defaults, the user's own `config.toml` (harvest/trust.py), the
repository's `idiom.toml` (without its trusted-only settings until the user trusts the file),
`IDIOM_<SECTION>_<FIELD>` environment variables, then CLI flags (applied by the caller with
`dataclasses.replace`). Higher packages define their own section dataclasses and load them with
`load_section`, so every section obeys one rule: an unknown key, a wrong type or a value out of range is
an error that says what is valid.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from harvest.errors import ConfigError

CONFIG_FILE = "idiom.toml"
# Every section the product knows, owned by the package named in DESIGN.md.
SECTIONS = ("harvest", "index", "finetune", "router", "roi", "server", "validation", "team", "api")

T = TypeVar("T")


def setting(text: str, default: Any = dataclasses.MISSING, *, low: float | None = None, high: float | None = None,
            choices: tuple[str, ...] = (), form: tuple[str, str] = (), **kwargs: Any) -> Any:
    """A dataclass field whose help text and valid values (`low`..`high` inclusive, `choices`, or a `form`:
    a regex a string must match in full, and how to say it) travel in its metadata, so loading can reject a
    bad value with what is valid in the message."""
    if isinstance(default, (list, dict, set)):
        raise TypeError("use a tuple for sequence defaults so the config stays frozen")
    return field(default=default, metadata={"help": text, "low": low, "high": high, "choices": choices, "form": form},
                 **kwargs)


# Code around a fim middle, and around the editor's cursor ([router] context_tokens): one default for both,
# so a model trained on the pairs is asked in their shape.
FIM_CONTEXT_TOKENS = 1024


@dataclass(frozen=True)
class HarvestConfig:
    """`[harvest]`: what to mine from the repository and what to leave out."""

    max_file_bytes: int = setting("Files larger than this (bytes) are skipped with a reason.", 1024 * 1024, low=1)
    deprecated_paths: tuple[str, ...] = setting(
        "Extra glob patterns (repo-relative, `**` allowed) whose files are treated as deprecated.", ()
    )
    exclude_paths: tuple[str, ...] = setting("Glob patterns of files to leave out entirely.", ())
    vendored_dirs: tuple[str, ...] = setting(
        "Directory names whose contents are third-party code.",
        ("vendor", "vendors", "node_modules", "third_party", "third-party", "bower_components"),
    )
    refs: tuple[str, ...] = setting("Refs whose history is mined; empty means the default branch.", ())
    all_refs: bool = setting("Mine every branch, tag and pull ref instead of `refs`.", False)
    since: str = setting("Only commits after this date (anything `git log --since` accepts).", "")
    max_commits: int = setting("Stop after this many commits (0 = no limit).", 0, low=0)
    max_hunk_bytes: int = setting("A single file's diff larger than this in one commit is skipped.", 256 * 1024, low=1)
    prs_file: str = setting("A GitHub-REST-shaped PR/review export (JSON) to attach to PRs.", "")
    jobs: int = setting("Processes for the CPU-bound work (diff parsing, scrubbing, tree-sitter, MinHash, token "
                        "counts): 0 = the cores this process may use, 1 = all in the command's own process; a count "
                        "above the cores is capped to them. The artifacts are the same whatever the count.", 0, low=0,
                        high=1024)
    # Second half: units, pairs, conventions, datasets.
    format_command: str = setting(
        "The team's formatter, reading code on stdin and writing it to stdout, with {path} for the file "
        "name (e.g. `npx prettier --stdin-filepath {path}`, `ruff format --stdin-filename {path} -`). "
        "Completions are formatted with it before writing; empty = no formatting.", "")
    min_completion_chars: int = setting("Completions shorter than this (after trimming) are dropped as trivial.", 40, low=0)
    max_completion_chars: int = setting("Completions longer than this are dropped as too long.", 12_000, low=1)
    max_prompt_chars: int = setting("Prompts (instruction + context) longer than this are dropped.", 16_000, low=1)
    max_non_code_share: float = setting(
        "Code completions whose share of characters outside printable ASCII and whitespace exceeds this "
        "are dropped (data blobs, mojibake).", 0.2, low=0, high=1)
    fim: bool = setting("Build fill-in-the-middle (`fim`) pairs: spans of the files at HEAD with the code before and "
                        "after them, as an editor's inline completion sees it.", True)
    fim_spans_per_file: int = setting("The most `fim` spans taken from one file (chosen at syntactic boundaries, "
                                      "seeded by the file's path).", 4, low=1, high=1000)
    fim_context_tokens: int = setting("Estimated tokens of code kept around a `fim` middle (prefix and suffix "
                                      "together; the suffix takes at most a quarter), cut at whole lines.",
                                      FIM_CONTEXT_TOKENS, low=16)
    fim_recent_commits: int = setting(
        "`fim` spans whose lines one of the newest this many commits (HEAD's first-parent chain) wrote are taken "
        "first, so a file's spans favour what the team writes now; 0 = no preference.", 100, low=0)
    fim_spm_rate: float = setting("Share of `fim` pairs shown suffix first (SPM order) rather than prefix first "
                                  "(PSM).", 0.5, low=0, high=1)
    near_duplicate_jaccard: float = setting("Pairs whose completions have at least this Jaccard similarity "
                                          "on token 5-grams (MinHash LSH) count as near-duplicates.", 0.7, low=0.05, high=1)
    split: str = setting("How pairs are split: `file` (grouped by file, hashed) or `temporal` "
                       "(the newest changes form the test split).", "file", choices=("file", "temporal"))
    eval_share: float = setting("Share of pairs (by file group) in the eval split.", 0.1, low=0, high=0.5)
    test_share: float = setting("Share of pairs (by file group) in the test split.", 0.1, low=0, high=0.5)
    exclude_files: tuple[str, ...] = setting("Files (paths or globs) removed from every output, e.g. to hold "
                                           "them out for evaluation.", ())
    min_support: int = setting("A mined convention needs at least this many places it applies to.", 5, low=1)
    min_confidence: float = setting("A mined convention needs at least this share of places following it.", 0.9, low=0, high=1)
    warning_confidence: float = setting(
        "A convention followed by at least this share of places is a warning (lint fails, the editor warns, the "
        "router rejects answers breaking it); below it, down to min_confidence, it is information.", 0.97,
        low=0, high=1)
    system_prompt: str = setting("The system message of OpenAI chat exports; {team} is the repository name.",
                               "You write code the way the {team} team writes it: their structure, naming, "
                               "tests and error handling.")


# Settings that change how a run goes, not what it writes: manifests leave them out, so they compare equal.
RUN_ONLY = frozenset({"jobs"})


def recorded_settings(config: HarvestConfig) -> dict[str, Any]:
    """`config` as a manifest records it: every setting that shapes the artifacts."""
    return {k: v for k, v in dataclasses.asdict(config).items() if k not in RUN_ONLY}


class Settings(dict):
    """Parsed settings by section, remembering which file each `(section, key)` came from (for messages)."""

    def __init__(self, data: dict[str, Any] | None = None, origins: dict[tuple[str, str], str] | None = None) -> None:
        super().__init__(data or {})
        self.origins = origins or {}

    def origin(self, section: str, key: str = "") -> str:
        return self.origins.get((section, key)) or self.origins.get((section, ""), CONFIG_FILE)


def read_toml(repo: Path) -> Settings:
    """The settings files for `repo`, merged: the user's config.toml, then the repository's idiom.toml over
    it (missing files = empty). The repository's trusted-only settings are dropped, with one line saying
    so, until the user trusts that version of the file (`idiom trust`)."""
    from harvest.trust import config_dir, user_config

    merged = Settings()
    for path, data in ((config_dir() / "config.toml", user_config()), (repo / CONFIG_FILE, _repo_toml(repo))):
        _check_sections(path, data)
        for section, values in data.items():
            merged.setdefault(section, {})
            if not isinstance(values, dict):
                raise ConfigError(f"{path}: [{section}] must be a table of keys")
            merged[section] = {**merged[section], **values}
            merged.origins[(section, "")] = str(path)
            merged.origins.update({(section, key): str(path) for key in values})
    return merged


def _repo_toml(repo: Path) -> dict[str, Any]:
    from harvest.trust import (
        USER_ONLY,
        file_trust,
        sha256,
        tell_once,
        untrusted_keys,
        without_untrusted,
    )

    path = repo / CONFIG_FILE
    if not path.is_file():
        return {}
    data = path.read_bytes()
    try:
        parsed = tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); fix the file or remove it") from None
    kept_out = [section for section in USER_ONLY if section in parsed]
    if kept_out:
        sections = ", ".join(f"[{section}]" for section in kept_out)
        tell_once(path, sha256(data) + ":user-only", f"{path}: ignoring {sections}: it may hold a password or "
                                                     "choose what a team server serves, so it is read only from "
                                                     "your own config.toml or IDIOM_* variables")
        parsed = {section: values for section, values in parsed.items() if section not in USER_ONLY}
    held = untrusted_keys(parsed)
    if not held:
        return parsed
    state = file_trust(path, data)
    if state == "trusted":
        return parsed
    why = "has changed since you trusted it" if state == "changed" else "is not trusted"
    tell_once(path, sha256(data), f"{path} {why}: ignoring {', '.join(held)} (settings that run programs, read "
                                  "files outside the repository or choose where code and keys are sent); review "
                                  f"the file, then run `idiom trust {repo}`")
    return without_untrusted(parsed)


def _check_sections(path: Path, data: dict[str, Any]) -> None:
    unknown = sorted(set(data) - set(SECTIONS))
    if unknown:
        raise ConfigError(
            f"{path}: unknown section(s) {', '.join(unknown)}; valid sections are {', '.join(SECTIONS)}"
        )


def load_section(raw: dict[str, Any], name: str, cls: type[T], env: dict[str, str] | None = None) -> T:
    """Build section `name` of `cls` from the parsed settings, then `IDIOM_<NAME>_<FIELD>` overrides; every
    value is checked against its field's type and range."""
    env = os.environ if env is None else env
    origin = raw.origin if isinstance(raw, Settings) else (lambda section, key="": CONFIG_FILE)
    if not isinstance(raw.get(name, {}), dict):
        raise ConfigError(f"{origin(name)}: [{name}] must be a table of keys")
    values = dict(raw.get(name, {}))
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise ConfigError(
            f"{origin(name, unknown[0])}: unknown key(s) {', '.join(unknown)} in [{name}]; "
            f"valid keys are {', '.join(fields)}"
        )
    hints = typing.get_type_hints(cls)
    where = {key: f"{origin(name, key)}: [{name}] {key}" for key in values}
    for key in fields:
        var = f"IDIOM_{name.upper()}_{key.upper()}"
        if var in env:
            values[key] = _parse_env(var, env[var], hints[key])
            where[key] = var
    typed = {key: _in_range(where[key], fields[key], _coerce(where[key], value, hints[key]))
             for key, value in values.items()}
    return cls(**typed)


def load_harvest_config(repo: Path) -> HarvestConfig:
    """The `[harvest]` section for `repo`, with environment overrides applied."""
    return load_section(read_toml(repo), "harvest", HarvestConfig)


def _parse_env(var: str, text: str, hint: Any) -> Any:
    """Read an environment override: sequences are comma-separated, booleans 1/0/true/false."""
    if typing.get_origin(hint) is tuple:
        return tuple(part.strip() for part in text.split(",") if part.strip())
    if hint is bool:
        lowered = text.strip().lower()
        if lowered not in {"1", "0", "true", "false", "yes", "no"}:
            raise ConfigError(f"{var}={text!r}: expected true or false")
        return lowered in {"1", "true", "yes"}
    if hint in (int, float):
        try:
            return hint(text)
        except ValueError:
            raise ConfigError(f"{var}={text!r}: expected a number") from None
    return text


def _coerce(where: str, value: Any, hint: Any) -> Any:
    """Check a value against the field's type; lists become tuples so configs stay frozen."""
    origin = typing.get_origin(hint)
    if origin is tuple:
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where} must be a list of strings, got {value!r}")
        return tuple(value)
    if origin in (typing.Union, types.UnionType):
        allowed = tuple(a for a in typing.get_args(hint) if a is not type(None))
        if value is None or isinstance(value, allowed):
            return value
        raise ConfigError(f"{where} must be {' or '.join(a.__name__ for a in allowed)}, got {value!r}")
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, hint) or (hint is int and isinstance(value, bool)):
        raise ConfigError(f"{where} must be {hint.__name__}, got {value!r}")
    return value


def _in_range(where: str, spec: dataclasses.Field, value: Any) -> Any:
    """`value` when it lies in the field's declared range or choices, else a ConfigError giving them."""
    low, high, choices, form = (spec.metadata.get(k) for k in ("low", "high", "choices", "form"))
    if choices and value not in choices:
        raise ConfigError(f"{where} must be one of {', '.join(choices)}, got {value!r}")
    if form and isinstance(value, str) and not re.fullmatch(form[0], value):
        raise ConfigError(f"{where} must be {form[1]}, got {value!r}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise ConfigError(f"{where} must be a finite number, got {value!r}")
        if (low is not None and value < low) or (high is not None and value > high):
            span = (f"between {low:g} and {high:g}" if low is not None and high is not None
                    else f"at least {low:g}" if low is not None else f"at most {high:g}")
            raise ConfigError(f"{where} must be {span}, got {value!r}")
    return value
