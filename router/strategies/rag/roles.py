"""A file's role, read from its path: what kind of file it is in this repository's layout.

`src/components/Button/Button.spec.tsx` has the role `components/*/*.spec.tsx`: the folder pattern
(a per-item folder like `Button/` becomes `*`) and the file pattern (the item's name becomes `*`, a
distinctive suffix such as `.spec.tsx` or a shared basename such as `index.ts` is kept). Files of the
same role are the team's look-alikes: other components' specs, other routers, other hooks. When a role
has no other member, the file pattern alone (`*.spec.tsx`) is the looser fallback.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

TEST_NAME = re.compile(r"^(test_.+\.py|.+_test\.(py|go))$")


@dataclass(frozen=True)
class Role:
    """A path's role at two strengths: `strict` (folder and file pattern) and `loose` (file pattern
    when it says something on its own, else "")."""

    strict: str
    loose: str


class Roles:
    """Roles of the paths of one repository (shared basenames are judged against all of them)."""

    def __init__(self, paths: Iterable[str]) -> None:
        unique = set(paths)
        self.folders_per_name = Counter(posixpath.basename(p) for p in unique)
        self._cache: dict[str, Role] = {}

    def of(self, path: str) -> Role:
        """The role of `path` (a repository-relative POSIX path)."""
        if path not in self._cache:
            self._cache[path] = self._role(path)
        return self._cache[path]

    def _role(self, path: str) -> Role:
        folder, name = posixpath.split(path)
        stem, _, rest = name.partition(".")
        parent = posixpath.basename(folder)
        if TEST_NAME.match(name):
            pattern = "test_*.py" if name.startswith("test_") else "*_" + name.rsplit("_", 1)[1]
            distinctive = True
        elif rest.count(".") >= 1:  # Button.spec.tsx, user.service.ts, Modal.styles.ts
            pattern, distinctive = "*." + rest, True
        elif self.folders_per_name[name] >= 2:  # index.ts, spec.tsx, models.py in several folders
            pattern, distinctive = name, True
        else:
            pattern, distinctive = "*." + rest if rest else "*", False
        item_folder = parent and (parent == stem or (distinctive and not pattern.startswith("*")))
        grandparent = posixpath.basename(posixpath.dirname(folder))
        folder_pattern = f"{grandparent}/*" if item_folder else parent
        strict = f"{folder_pattern}/{pattern}" if folder_pattern else pattern
        return Role(strict, pattern if distinctive else "")
