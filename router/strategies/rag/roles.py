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
  beside `StringUtils.java`, names a topic, not a role); else a basename several folders share
  (`index.ts`, `models.py`); else the file type, the name from its first dot, which keeps a compound
  suffix (`*.spec.tsx`, `*.styles.ts`);
- its **folder**: the parent folder, or for an item folder (`Button/Button.tsx`, `Button/index.ts`) the
  folder above with `*` (`components/*`); and the folder's family, its siblings (`petclinic/*` holding
  `owner/`, `vet/`), where a feature folder's counterparts sit.

Look-alikes are taken level by level, the whole role first, then what remains of it while the role has too
few other members: the name pattern in the file's folder (`test lang3/*Test.java`), in its folder family,
the folder's siblings (`test commons/*/*Test.java`), anywhere (`test *Test.java`); then the file type in
the same three (`test lang3/*.java` … `test *.java`). The kind is kept throughout.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

# Where a name's words meet: `_` or `-`, a lower-case letter or digit before a capital, an acronym's end.
WORD_BOUNDARY = re.compile(r"[_-]+|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
AFFIX_FOLDERS = 2  # an affix is a role's mark when files of one kind carry it in this many folders
AFFIX_FILES = 3  # ... and in this many files
SHARED_NAME_FOLDERS = 2  # a basename is a role of its own (index.ts, models.py) when this many folders hold it


# Why a look-alike was taken, level by level: the name pattern, then the file type, each in the file's
# folder, in its folder family (the folder's siblings), anywhere.
REASONS = ("same role", "same folder family", "same file pattern",
           "same folder and file type", "same folder family and file type", "same kind and file type")


@dataclass(frozen=True)
class Role:
    """A path's role: its harvested kind, folder (pattern), folder family, name pattern and file type."""

    kind: str
    folder: str  # "lang3", "components/*", "" at the top
    family: str | None  # the folder and its siblings: "commons/*" for "lang3" (None for an item or top folder)
    pattern: str  # "*Test.java", "*.spec.tsx", "index.ts", or the file type when nothing more is known
    file_type: str  # "*.java", "*.spec.tsx", "*.ts": the name from its first dot

    @property
    def name(self) -> str:
        """The whole role, as a hit's reason shows it: `test lang3/*Test.java`, `components/*/*.tsx`."""
        return self.levels()[0][1]

    def levels(self) -> tuple[tuple[str, str], ...]:
        """(reason, key) from the whole role to its loosest part, one per REASONS; "" for a level that does
        not apply (no family; a name pattern anywhere that is only the file type, which would come before
        the folder). A level equal to an earlier one adds nothing and is skipped by the retriever."""
        keys = [self._key(scope, name) for name in (self.pattern, self.file_type)
                for scope in (self.folder, self.family, "")]
        if self.pattern == self.file_type:
            keys[2] = ""
        return tuple(zip(REASONS, keys, strict=True))

    def _key(self, scope: str | None, name: str) -> str:
        """`kind scope/name`, the kind left out for source files; scope "" is anywhere (or the top folder)."""
        if not name or scope is None:
            return ""
        where = f"{scope}/{name}" if scope else name
        return where if self.kind == "source" else f"{self.kind} {where}"


LEVELS = len(REASONS)


class Roles:
    """Roles of the paths of one repository, from what was learned of all of them (`learned`); `kind_of` is the
    harvest's file kind. `idiom index` learns them once and keeps them (`to_json`) with the per-file table
    (`level_table`), so that a reader opening a large index does not work them out again."""

    def __init__(self, affixes: dict[tuple[str, str], tuple[int, int]], folders_per_name: dict[str, int],
                 kind_of: Callable[[str], str]) -> None:
        self.affixes = affixes  # (kind, affix) -> (folders, files) carrying it, for the affixes that mark a role
        # basename -> folders holding a file of that name, for the names in SHARED_NAME_FOLDERS or more: the only
        # ones a role is named after (a 100k-unit index's 45k other names were a quarter of its roles' file)
        self.folders_per_name = folders_per_name
        self.kind_of = kind_of
        self._cache: dict[str, Role] = {}

    @classmethod
    def learned(cls, paths: Iterable[str], kind_of: Callable[[str], str]) -> Roles:
        """The roles of a repository whose files are `paths`."""
        unique = sorted(set(paths))
        folders: defaultdict[tuple[str, str], set[str]] = defaultdict(set)
        files: Counter[tuple[str, str]] = Counter()
        for path in unique:
            kind = kind_of(path)
            for affix in _affix_patterns(posixpath.basename(path)):
                folders[kind, affix].add(posixpath.dirname(path))
                files[kind, affix] += 1
        affixes = {key: (len(where), files[key]) for key, where in folders.items()
                   if len(where) >= AFFIX_FOLDERS and files[key] >= AFFIX_FILES}
        shared = Counter(posixpath.basename(p) for p in unique)
        return cls(affixes, {name: folders for name, folders in shared.items() if folders >= SHARED_NAME_FOLDERS},
                   kind_of)

    def to_json(self) -> dict[str, Any]:
        """What was learned, as JSON (`from_json` reads it back)."""
        return {"affixes": [[kind, affix, *counts] for (kind, affix), counts in sorted(self.affixes.items())],
                "names": dict(self.folders_per_name)}

    @classmethod
    def from_json(cls, learned: dict[str, Any], kind_of: Callable[[str], str]) -> Roles:
        """Roles from `to_json`'s form; ValueError when it is not that."""
        try:
            affixes = {(str(kind), str(affix)): (int(folders), int(files))
                       for kind, affix, folders, files in learned["affixes"]}
            names = {str(name): int(count) for name, count in learned["names"].items()}
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"not learned roles ({type(exc).__name__})") from None
        return cls(affixes, names, kind_of)

    def level_table(self, paths: Iterable[str]) -> dict[str, Any]:
        """Each of `paths`' level keys (Role.levels) as numbers: "levels" lists each level's keys, a key's
        number its position; "files" maps each path to its key's number at every level."""
        numbers: list[dict[str, int]] = [{} for _ in range(LEVELS)]
        files = {path: [numbers[n].setdefault(key, len(numbers[n])) for n, (_, key) in enumerate(self.of(path).levels())]
                 for path in dict.fromkeys(paths)}
        return {"levels": [list(keys) for keys in numbers], "files": files}

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
        elif self.folders_per_name.get(name, 0) >= SHARED_NAME_FOLDERS and not rest.count("."):  # index.ts, spec.tsx, models.py
            pattern = name
        else:  # the file type keeps a compound suffix: Button.spec.tsx, user.service.ts, Modal.styles.ts
            pattern = file_type
        parent = posixpath.basename(folder)
        item_folder = parent and (parent == stem or pattern == name)
        above = posixpath.dirname(folder)
        grandparent = posixpath.basename(above)
        if item_folder:
            return Role(kind, f"{grandparent}/*", None, pattern, file_type)
        return Role(kind, parent, f"{grandparent}/*" if grandparent else None, pattern, file_type)


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
