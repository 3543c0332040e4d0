"""A file's role in its repository, learned from the repository's own layout: what the look-alikes that
RAG and few-shot put in a prompt share with the file being written (retrieve.py `look_alikes`).

A role is read from three pieces of evidence about a path:
- its **kind**, as the harvest classified it with the repository's test-discovery profile (harvest/classify.py
  `kind_of`): test, test-support, example or source. A test and the class it tests are never each other's
  look-alikes, even when they sit in folders of the same name (`lang3/StringUtilsTest.java`,
  `lang3/StringUtils.java`) or the test has no affix a fixed list would know;
- its **name pattern**: a name affix that recurs across the repository (`*Test.java`, `*Controller.java`,
  `use*.ts`, `test_*.py`, `*_test.go`), counted over its files rather than taken from a list: an affix
  counts when files of one kind in at least two folders carry it (an affix of one folder, `String*.java`
  beside `StringUtils.java`, names a topic, not a role); else a compound suffix (`*.spec.tsx`,
  `*.styles.ts`); else a basename several folders share (`index.ts`, `models.py`); else the file type;
- its **folder**: the parent folder, or for an item folder (`Button/Button.tsx`, `Button/index.ts`) the
  folder above with `*` (`components/*`).

Look-alikes are taken level by level, the whole role first, then what remains of it while the role has too
few other members: kind, folder and name pattern (`test lang3/*Test.java`); kind and name pattern anywhere
(`test *Test.java`); kind, folder and file type (`test lang3/*.java`); kind and file type (`test *.java`).
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

# Where a name's words meet: `_` or `-`, a lower-case letter or digit before a capital, an acronym's end.
WORD_BOUNDARY = re.compile(r"[_-]+|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
AFFIX_FOLDERS = 2  # an affix is a role's mark when files of one kind carry it in this many folders
AFFIX_FILES = 3  # ... and in this many files


@dataclass(frozen=True)
class Role:
    """A path's role: its harvested kind, folder (pattern), name pattern and file type."""

    kind: str
    folder: str  # "lang3", "components/*", "" at the top
    pattern: str  # "*Test.java", "*.spec.tsx", "index.ts", or the file type when nothing more is known
    file_type: str  # "*.java", "*.spec.tsx", "*.ts": the name from its first dot

    @property
    def name(self) -> str:
        """The whole role, as a hit's reason shows it: `test lang3/*Test.java`, `components/*/*.tsx`."""
        return self._named(f"{self.folder}/{self.pattern}" if self.folder else self.pattern)

    def levels(self) -> tuple[tuple[str, str], ...]:
        """(reason, key) from the whole role to its loosest part. The name pattern anywhere is a level only
        when it says more than the file type (else it would come before the folder)."""
        anywhere = self._named(self.pattern) if self.pattern != self.file_type else ""
        in_folder = f"{self.folder}/{self.file_type}" if self.folder else self.file_type
        return (("same role", self.name), ("same file pattern", anywhere),
                ("same folder and file type", self._named(in_folder)),
                ("same kind and file type", self._named(self.file_type)))

    def _named(self, text: str) -> str:
        return text if self.kind == "source" else f"{self.kind} {text}"


LEVELS = len(Role("", "", "", "").levels())


class Roles:
    """Roles of the paths of one repository, learned from all of them; `kind_of` is the harvest's file kind."""

    def __init__(self, paths: Iterable[str], kind_of: Callable[[str], str]) -> None:
        self.kind_of = kind_of
        unique = sorted(set(paths))
        self.folders_per_name = Counter(posixpath.basename(p) for p in unique)
        folders: defaultdict[tuple[str, str], set[str]] = defaultdict(set)
        files: Counter[tuple[str, str]] = Counter()
        for path in unique:
            kind = kind_of(path)
            for affix in _affix_patterns(posixpath.basename(path)):
                folders[kind, affix].add(posixpath.dirname(path))
                files[kind, affix] += 1
        self.affixes = {key: (len(where), files[key]) for key, where in folders.items()
                        if len(where) >= AFFIX_FOLDERS and files[key] >= AFFIX_FILES}
        self._cache: dict[str, Role] = {}

    def of(self, path: str) -> Role:
        """The role of `path` (a repository-relative POSIX path), indexed or not."""
        if path not in self._cache:
            self._cache[path] = self._role(path)
        return self._cache[path]

    def _role(self, path: str) -> Role:
        folder, name = posixpath.split(path)
        kind = self.kind_of(path)
        stem, dot, rest = name.partition(".")
        file_type = f"*{dot}{rest}"
        learned = [a for a in _affix_patterns(name) if (kind, a) in self.affixes]
        if learned:  # the affix found in the most folders, then files
            pattern = max(learned, key=lambda a: self.affixes[kind, a])
        elif rest.count(".") >= 1:  # Button.spec.tsx, user.service.ts, Modal.styles.ts
            pattern = file_type
        elif self.folders_per_name[name] >= 2:  # index.ts, spec.tsx, models.py in several folders
            pattern = name
        else:
            pattern = file_type
        parent = posixpath.basename(folder)
        item_folder = parent and (parent == stem or pattern == name)
        grandparent = posixpath.basename(posixpath.dirname(folder))
        return Role(kind, f"{grandparent}/*" if item_folder else parent, pattern, file_type)


def _affix_patterns(name: str) -> tuple[str, ...]:
    """The name's first and last word as patterns: `OwnerControllerTest.java` → (`Owner*.java`, `*Test.java`),
    `test_users.py` → (`test_*.py`,`*_users.py`), `useToast.ts` → (`use*.ts`, `*Toast.ts`); () for one word."""
    stem, dot, rest = name.partition(".")
    core = stem.lstrip("_")  # a leading underscore marks a private module, not a word
    cuts = list(WORD_BOUNDARY.finditer(core))
    if not cuts or not core:
        return ()
    first, last = core[:cuts[0].end()], core[cuts[-1].start():]
    extension = f"{dot}{rest}"
    return tuple(pattern for pattern, word in ((f"{first}*{extension}", first), (f"*{last}{extension}", last))
                 if word.strip("_-"))
