"""What "the same role" means for the matrix's look-alike figure, defined by the bench, not the product.

Two files share a role when they are in the same language, both or neither are test files (by
bench/realworld/truth.py), they end in the same compound suffix, and they sit under a folder of the same
name one or two levels up (a top-level folder such as `src/`, `lib/` or `packages/` holds everything and
names no role, so it does not count as a grandparent). The compound suffix is the file name from its first dot (`.spec.tsx`,
`.styles.ts`, `.tsx`), with the test affixes of Python and Go kept (`test_*.py`, `*_test.py`,
`_test.go`). So `components/Button/Button.spec.tsx` and `components/Card/Card.spec.tsx` share a role
(grandparent `components`), `app/routers/items.py` and `app/routers/users.py` too (parent `routers`),
while `Button.tsx` and `Button.spec.tsx`, or a router and a model, do not.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from bench.realworld.truth import language_of


@dataclass(frozen=True)
class Role:
    """The facts of a path that decide its role."""

    language: str
    test: bool
    suffix: str
    parent: str  # the name of the folder holding the file ("" at the root)
    grandparent: str  # the name of the folder above that ("" when it is a top-level folder or there is none)


def role_of(path: str, tests: frozenset[str]) -> Role:
    """The role of `path`; `tests` are the repository's test files (the truth)."""
    folders = path.split("/")[:-1]
    return Role(language_of(path), path in tests, compound_suffix(posixpath.basename(path)),
                folders[-1] if folders else "", folders[-2] if len(folders) > 2 else "")


def same_role(a: Role, b: Role) -> bool:
    """Same language, test-or-not and compound suffix, under a folder of the same name one or two levels up
    (the grandparent only below a top-level folder)."""
    return (a.language, a.test, a.suffix) == (b.language, b.test, b.suffix) and (
        a.parent == b.parent or (a.grandparent != "" and a.grandparent == b.grandparent))


def compound_suffix(name: str) -> str:
    """`Button.spec.tsx` → `.spec.tsx`; `test_users.py` → `test_*.py`; `server_test.go` → `_test.go`."""
    if name.endswith(".py") and name.startswith("test_"):
        return "test_*.py"
    if name.endswith(("_test.py", "_test.go")):
        return "*_test.py" if name.endswith(".py") else "_test.go"
    dot = name.find(".", 1)  # a leading dot names a hidden file, not a suffix
    return name[dot:] if dot > 0 else ""
