"""Go and Java packages, read from the text without parsing: the `package` clause a file declares and
the module path each `go.mod` gives its folder. The resolver (harvest/graph/modules.py) turns them into
Go import paths → folders and Java class names → files; nothing here depends on a fixed layout.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass

from harvest.classify import language_of

CLAUSES = {  # gofmt puts Go's clause at the start of a line; Java's may follow a licence comment
    "go": re.compile(r"^package\s+(\w+)", re.MULTILINE),
    "java": re.compile(r"^\s*package\s+([\w.\s]+?)\s*;", re.MULTILINE),
}
GO_MODULE = re.compile(r"^module\s+\"?([^\s\"]+)\"?", re.MULTILINE)
PACKAGE_LANGUAGES = frozenset(CLAUSES)  # names come from packages: imported by name, never re-exported
FOLDER_PACKAGES = frozenset({"go"})  # an import names a folder: its target file only stands for the package


@dataclass(frozen=True)
class GoModule:
    """A `go.mod`: its folder ("" at the root) and the module path imports start with."""

    folder: str
    path: str


def declared_package(language: str, text: str) -> str:
    """The package a Go or Java file declares ("" for other languages, or Java's default package)."""
    clause = CLAUSES.get(language)
    found = clause.search(text) if clause else None
    return "".join(found.group(1).split()) if found else ""


def declared_packages(texts: Mapping[str, str]) -> dict[str, str]:
    """Path → declared package, for the Go and Java files of `texts`."""
    found = {}
    for path, text in texts.items():
        language = language_of(path)
        if language in PACKAGE_LANGUAGES:
            found[path] = declared_package(language, text)
    return found


def is_go_mod(path: str) -> bool:
    return posixpath.basename(path) == "go.mod"


def read_go_modules(configs: Mapping[str, str]) -> list[GoModule]:
    """The modules of every `go.mod` among `configs` (path → text)."""
    found = []
    for path, text in sorted(configs.items()):
        module = GO_MODULE.search(text) if is_go_mod(path) else None
        if module:
            found.append(GoModule(posixpath.dirname(path), module.group(1)))
    return found
