"""gitignore-style globs, shared by the harvester's path rules and the scrubber's `.idiomignore`.

`**` crosses directories, `*` and `?` do not, `[...]` is a character class, a pattern with a slash
is anchored at the repository root, one without matches at any depth, a trailing slash names a
directory and everything under it. A glob that does not compile (a reversed range such as `[z-a]`) is a
`ConfigError` naming it; callers add where it came from.
"""

from __future__ import annotations

import re
from functools import lru_cache

from harvest.errors import ConfigError


def matches_glob(path: str, pattern: str) -> bool:
    """True when the repository-relative POSIX `path` matches `pattern`."""
    return glob_regex(pattern).match(path) is not None


@lru_cache(maxsize=1024)
def glob_regex(glob: str) -> re.Pattern[str]:
    """Compile one gitignore-style glob into a regex over POSIX relative paths."""
    original = glob
    directory = glob.endswith("/")
    glob = glob.rstrip("/")
    anchored = "/" in glob
    glob = glob.lstrip("/")
    out, i = [], 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif glob[i] == "*":
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        elif glob[i] == "[" and (close := glob.find("]", i + 1)) > i:
            out.append("[" + glob[i + 1 : close].replace("!", "^", 1) + "]")
            i = close + 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    # A matching directory covers everything below it; a plain pattern may also name a directory.
    tail = "/.*" if directory else "(?:/.*)?"
    try:
        return re.compile(("^" if anchored else "^(?:.*/)?") + "".join(out) + tail + "$")
    except re.error as exc:  # only a character class can fail: everything else is escaped
        raise ConfigError(f"glob {original!r} does not compile ({exc.msg}); fix or remove it") from None
