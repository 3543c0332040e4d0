"""What a team tells the scrubber is not a secret: `.idiomignore` at the repository root.

Format (one entry per line; blank lines and lines starting with `#` are ignored):

    # path globs, gitignore-style: findings in matching files are not reported and the text is kept
    tests/fixtures/**          # a pattern with a slash is anchored at the repository root
    *.pem.example              # a pattern without one matches the file name at any depth
    vendor/                    # a trailing slash matches a directory and everything under it
    !vendor/keep.py            # a leading ! re-includes what an earlier pattern excluded

    [values]
    # exact strings known not to be secrets (a vendor's published test key, a fixture's fake token):
    # a finding whose value is exactly one of these is not reported and the value is kept
    tok_fixture_0123456789abcdef

Lines before any section header (or under `[paths]`) are path globs; `[values]` starts exact values.
A missing file is an empty allowlist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from harvest.errors import ConfigError, InputError
from harvest.globs import glob_regex

IGNORE_FILE = ".idiomignore"
_SECTIONS = ("paths", "values")


@dataclass(frozen=True)
class Allowlist:
    """Path globs whose findings are suppressed, and exact values that are never secrets."""

    paths: tuple[str, ...] = ()
    values: frozenset[str] = frozenset()
    _compiled: tuple[tuple[bool, re.Pattern[str]], ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        compiled = tuple((p.startswith("!"), glob_regex(p.lstrip("!"))) for p in self.paths)
        object.__setattr__(self, "_compiled", compiled)

    def path_allowed(self, path: str) -> bool:
        """True when `path` (relative, POSIX or Windows separators) matches the globs; the last match wins."""
        norm = path.replace("\\", "/").removeprefix("./")
        allowed = False
        for negated, pattern in self._compiled:
            if pattern.match(norm):
                allowed = not negated
        return allowed

    def value_allowed(self, value: str) -> bool:
        """True when `value` is exactly one of the allowlisted strings."""
        return value in self.values


def parse_allowlist(text: str, source: str = IGNORE_FILE) -> Allowlist:
    """Parse `.idiomignore` content; a malformed section header or a glob that does not compile is an
    `InputError` naming the line."""
    paths: list[str] = []
    values: set[str] = set()
    section = "paths"
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip().lower()
            if section not in _SECTIONS:
                raise InputError(
                    f"{source}:{number}: unknown section [{section}]; use [paths] or [values] (see `idiom scrub --help`)"
                )
            continue
        if section == "values":
            values.add(line)
            continue
        glob = re.sub(r"\s+#.*$", "", line)
        try:
            glob_regex(glob.lstrip("!"))
        except ConfigError as exc:
            raise InputError(f"{source}:{number}: {exc}") from None
        paths.append(glob)
    return Allowlist(tuple(paths), frozenset(values))


def load_allowlist(repo_root: Path) -> Allowlist:
    """Read `<repo_root>/.idiomignore`; a missing file gives an empty allowlist."""
    path = Path(repo_root) / IGNORE_FILE
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return Allowlist()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}; fix its permissions or remove it") from None
    return parse_allowlist(text, str(path))
