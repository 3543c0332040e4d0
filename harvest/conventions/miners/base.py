"""Helpers the miners share: globs for a set of files (tight, folder by folder; or the whole language), and
the case styles names are checked against."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import PurePosixPath

CASES = {
    "PascalCase": re.compile(r"^_?[A-Z][A-Za-z0-9]*$"),  # a leading underscore marks private, in any case
    "camelCase": re.compile(r"^_?\$?[a-z][A-Za-z0-9]*$"),  # `$el`: JavaScript's marker of a DOM or stream value
    "snake_case": re.compile(r"^_{0,2}[a-z][a-z0-9_]*$"),
    "UPPER_SNAKE_CASE": re.compile(r"^_?[A-Z][A-Z0-9_]*$"),
    "kebab-case": re.compile(r"^[a-z][a-z0-9-]*$"),
}


def suffix(path: str) -> str:
    """The compound extension of a file name: `Button.spec.tsx` → `.spec.tsx`."""
    name = PurePosixPath(path).name
    return name[name.find("."):] if "." in name.lstrip(".") else ""


def extension_globs(paths: Iterable[str], ending: str = "") -> tuple[str, ...]:
    """`*.ts`, `*.tsx`…: every file with the extensions of `paths`, in any folder, new ones included — for a
    habit of the language rather than of some folders. `ending` replaces the extension (`_test.go`)."""
    return tuple(sorted({f"*{ending or PurePosixPath(p).suffix}" for p in paths if ending or PurePosixPath(p).suffix}))


def folder_globs(paths: Iterable[str], ending: str = "") -> tuple[str, ...]:
    """Globs covering `paths` folder by folder (`src/hooks/*.ts`); sibling folders collapse to `parent/*/`.
    `ending` replaces the files' compound extension (`_test.go` names Go's test files, whatever the rest).

    Tight on purpose: a rule measured on some folders should not be applied to unrelated ones.
    """
    by_folder: dict[tuple[str, str], set[str]] = {}
    for path in paths:
        pure = PurePosixPath(path)
        ext = ending or suffix(path) or pure.name
        by_folder.setdefault((str(pure.parent), ext), set()).add(path)
    parents: dict[tuple[str, str], set[str]] = {}
    for folder, ext in by_folder:
        parents.setdefault((str(PurePosixPath(folder).parent), ext), set()).add(folder)
    globs = set()
    for folder, ext in by_folder:
        siblings = parents[(str(PurePosixPath(folder).parent), ext)] - {"."}
        base = f"{PurePosixPath(folder).parent}/*" if len(siblings) > 1 and folder not in (".", "") else folder
        # A leading slash anchors root files: `*.setup.ts` alone would match at any depth.
        base = "/" if base in (".", "") else base.removeprefix("./") + "/"
        globs.add(f"{base}*{ext}" if ext.startswith(".") or ending else f"{base}{ext}")
    return tuple(sorted(globs))

