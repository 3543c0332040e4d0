"""The code graph's records: what a file defines, the names it takes from other modules, and where
those modules are in the repository. Plain frozen dataclasses, written to `graph.json` with orjson."""

from __future__ import annotations

from dataclasses import dataclass, field

MODULE = ""  # Binding.imported for `import x`, `import * as ns`: the module itself, not one of its names
EVERYTHING = "*"  # Binding.local and .imported for `export * from` and `from x import *`


@dataclass(frozen=True)
class Definition:
    """A top-level name a file defines: function, class, component, hook, constant, type."""

    name: str
    kind: str
    start_line: int
    end_line: int
    exported: bool
    snippet: str  # signature, docstring and a compact body: what a prompt needs to use it


@dataclass(frozen=True)
class Binding:
    """A name a file takes from a module: `import { Button as B } from './ui'` → local B, imported Button.

    `reexport` marks `export … from` and `export *`, which pass names on without using them; `target`
    is the repository file the module resolved to ("" for third-party and unresolvable modules).
    `implicit` marks a name in scope without an import statement naming it (another file of the same Go
    or Java package, a Java on-demand import): a candidate the graph keeps only where it resolves.
    """

    local: str
    imported: str
    module: str
    line: int
    reexport: bool = False
    target: str = ""
    implicit: bool = False


@dataclass(frozen=True)
class FileFacts:
    """Everything the graph knows about one file, keyed by its blob so unchanged files are not parsed again."""

    path: str
    language: str
    blob: str
    definitions: tuple[Definition, ...] = ()
    bindings: tuple[Binding, ...] = ()
    aliases: dict[str, str] = field(default_factory=dict)  # exported name → local name (`export default X`)
    references: tuple[str, ...] = ()  # imported names the file uses, in order of first use
