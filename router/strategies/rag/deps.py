"""Dependency retrieval: the definitions the code at the cursor uses, found through the code graph.

Names in the current line, then those used closest above the cursor, then those the instruction
mentions, are resolved through the document's own imports (parsed live, so unsaved edits count) and
followed through barrels and `__init__.py` re-exports to the file that defines them (in Go and Java,
also the names another file of the package defines). Names imported but not used yet come last.
Third-party imports resolve to nothing and are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from harvest.graph import (
    EVERYTHING,
    MODULE,
    Binding,
    CodeGraph,
    Definition,
    Resolution,
    document_bindings,
)
from harvest.graph.graph import IDENTIFIERS
from router.strategies.rag.focus import IDENTIFIER, Focus

PER_INSTRUCTION_NAME = 2  # files defining a name the instruction mentions, when it is not imported


@dataclass(frozen=True)
class Dependency:
    """A definition the focus depends on, and how it was reached."""

    name: str  # as the code uses it
    path: str  # the defining file (or the module, for `import * as ns` without a member)
    definition: Definition | None
    why: tuple[str, ...]


def dependencies(graph: CodeGraph, focus: Focus) -> list[Dependency]:
    """What the focus uses from other files of the repository, most relevant first."""
    usable = [b for b in _bindings(graph, focus) if b.local != EVERYTHING and not b.reexport]
    by_local: dict[str, list[Binding]] = {}  # `import a` and `import a.b` both bind `a`
    for binding in usable:
        by_local.setdefault(binding.local, []).append(binding)
    found: dict[tuple[str, str], Dependency] = {}
    for name in focus.names():
        for binding in (b for b in by_local.get(name, ()) if b.target):
            for dependency in _through(graph, focus, binding):
                found.setdefault((dependency.path, dependency.name), dependency)
    for name in dict.fromkeys(IDENTIFIER.findall(focus.instruction)):
        if name not in by_local:
            for path in graph.defined_by_name(name)[:PER_INSTRUCTION_NAME]:
                if path != focus.path:
                    resolution = graph.find(path, name) or Resolution(path, None)
                    found.setdefault((path, name), _dependency(name, resolution, ("named in the instruction",)))
    used = {d.name.split(".")[0] for d in found.values()}
    for binding in usable:  # in-scope names are ones the document uses, elsewhere than near the cursor
        if binding.target and binding.local not in used and not binding.implicit:
            for dependency in _through(graph, focus, binding, "imported, not used yet"):
                found.setdefault((dependency.path, dependency.name), dependency)
    return list(found.values())


def _bindings(graph: CodeGraph, focus: Focus) -> list[Binding]:
    if focus.language not in IDENTIFIERS or not focus.document.strip():
        return []
    bindings = document_bindings(focus.path, focus.language, focus.document)
    return graph.bind(focus.path or "_", focus.language, bindings)


def _through(graph: CodeGraph, focus: Focus, binding: Binding, note: str = "") -> list[Dependency]:
    """The definitions a binding leads to: the imported name, or for a module (`import * as ns`,
    `import a.b`, a re-exported namespace) the members the code uses of it."""
    why = (_statement(binding), note) if note else (_statement(binding),)
    resolution = graph.find(binding.target, binding.imported)
    if resolution is None:
        return [_dependency(binding.local, Resolution(binding.target, None), (*why, "definition not found there"))]
    if resolution.definition is not None:
        return [_dependency(binding.local, resolution, why)]
    found = []
    for member in _members(focus, binding):
        inner = graph.member(resolution.path, member)
        if inner is not None:
            inner = replace(inner, via=(*resolution.via, *inner.via))
            found.append(_dependency(f"{binding.local}.{member}", inner, why))
    return found or [_dependency(binding.local, resolution, (*why, "module"))]


def _members(focus: Focus, binding: Binding) -> list[str]:
    """`Name` in `ns.Name` (or `a.b.Name` after `import a.b`), current line first, then upwards."""
    dotted = binding.module if binding.module.startswith(binding.local + ".") else binding.local
    pattern = re.compile(rf"(?<![\w$.]){re.escape(dotted)}\.([A-Za-z_$][\w$]*)")
    members: dict[str, None] = dict.fromkeys(pattern.findall(focus.line))
    for line in reversed(focus.prefix.splitlines()):
        members.update(dict.fromkeys(pattern.findall(line)))
    return list(members)


def _statement(binding: Binding) -> str:
    if binding.implicit:  # a Go package's own name, a Java class of the package or of an on-demand import
        return f"{binding.local}: in scope without an import ({binding.module})"
    if binding.imported == MODULE:
        return f"import {binding.local} ({binding.module})"
    alias = f" as {binding.local}" if binding.local != binding.imported else ""
    return f"import {binding.imported}{alias} from {binding.module}"


def _dependency(name: str, resolution: Resolution, why: tuple[str, ...]) -> Dependency:
    return Dependency(name, resolution.path, resolution.definition,
                      why + tuple(f"re-export via {p}" for p in resolution.via))
