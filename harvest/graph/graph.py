"""The code graph: per-file facts, import targets resolved to files, and name lookup through re-export
chains (Python, JS/TS) or across the files of a package (Go). Built from the harvested HEAD files; a file
whose blob did not change keeps its parsed facts."""

from __future__ import annotations

import contextlib
import dataclasses
import mmap
import posixpath
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import orjson
from tree_sitter import Node

from harvest.atomic import atomic_write_json, write_jsonl
from harvest.classify import language_of
from harvest.errors import InputError
from harvest.graph.ecmascript import ecmascript_facts
from harvest.graph.golang import go_facts, package_name_guess
from harvest.graph.identifiers import IDENTIFIERS, Mention, mentions
from harvest.graph.java import java_facts
from harvest.graph.model import EVERYTHING, MODULE, Binding, Definition, FileFacts
from harvest.graph.modules import ModuleResolver
from harvest.graph.packages import (
    PACKAGE_LANGUAGES,
    GoModule,
    declared_packages,
    is_go_mod,
    read_go_modules,
)
from harvest.graph.python import python_bindings, python_definitions
from harvest.graph.workspace import (
    TS_CONFIG,
    Aliases,
    Package,
    read_aliases,
    read_packages,
)
from harvest.mapped import mapped
from harvest.records import FileRecord, build_record
from harvest.units.languages import parse, parsed
from harvest.units.nodes import Source

VERSION = 4  # bump when extraction changes, so cached facts are parsed again
# What `save` writes: each file's facts, one line each; where each line is; the module tables.
FILES, OFFSETS, MODULES = "files.jsonl", "files.offsets.json", "modules.json"
MAX_HOPS = 12  # re-export chains longer than this are cycles in disguise
WORKSPACE_FILES = frozenset({"package.json", "pnpm-workspace.yaml"})


@dataclass(frozen=True)
class Resolution:
    """Where a name comes from: the defining file and definition (None: the name is a module), and the
    files passed through on the way (barrels, re-exporting `__init__.py`)."""

    path: str
    definition: Definition | None
    via: tuple[str, ...] = ()


class CodeGraph:
    """Facts of every code file plus the module tables, with name resolution across files.

    `definitions_of` gives a file's definitions without resolving its imports (the on-demand graph parses
    a Go package's files to look a name up in them, and must not bind them all while doing so)."""

    def __init__(self, files: Mapping[str, FileFacts], aliases: list[Aliases], packages: list[Package],
                 go_modules: list[GoModule], declared: Mapping[str, str],
                 definitions_of: Callable[[str], Sequence[Definition]] | None = None) -> None:
        self.files = files
        self.aliases = aliases
        self.packages = packages
        self.go_modules = go_modules
        self.resolver = ModuleResolver(files, aliases, packages, go_modules, declared)
        self.definitions_of = definitions_of or (lambda path: self.files[path].definitions)
        self._exported: dict[str, list[str]] | None = None
        self._go_scopes: dict[tuple[str, str, bool], dict[str, tuple[str, Definition]]] = {}

    def find(self, path: str, name: str) -> Resolution | None:
        """The definition `name` refers to when taken from module `path`, following re-exports."""
        return self._find(path, name, set())

    def _find(self, path: str, name: str, seen: set[tuple[str, str]]) -> Resolution | None:
        facts = self.files.get(path)
        if facts is None or (path, name) in seen or len(seen) > MAX_HOPS:
            return None
        seen.add((path, name))
        if name == MODULE:
            return Resolution(path, None)
        if facts.language == "go":
            found = self._go_scope(path).get(name)
            return Resolution(*found) if found else None
        local = facts.aliases.get(name, name)
        definition = next((d for d in facts.definitions if d.name == local), None)
        if definition is not None:
            return Resolution(path, definition)
        if facts.language in PACKAGE_LANGUAGES:  # Go and Java import names, they never pass them on
            return None
        onward = [(b.target, b.imported) for b in facts.bindings if b.local == local and b.target]
        onward += [(b.target, name) for b in facts.bindings if b.local == EVERYTHING and b.target]
        for target, imported in onward:
            found = self._find(target, imported, seen)
            if found is not None:
                return replace(found, via=(path, *found.via))
        return None

    def member(self, path: str, name: str) -> Resolution | None:
        """What `module.name` reaches when `module` is the file `path` (`import pkg` then `pkg.name`, a
        namespace import, a Go package): the definition, through re-exports; for Python a submodule; else,
        when the module itself imports `name` from a file the graph cannot follow (third-party, or not
        in the index), the module: the file that brings the name in is the one the code depends on."""
        found = self.find(path, name)
        if found is not None:
            return found
        facts = self.files.get(path)
        if facts is None:
            return None
        if facts.language == "python":
            submodule = self.resolver.submodule(path, name)
            if submodule:
                return Resolution(submodule, None)
        imported = any(b.local == name and not b.implicit for b in facts.bindings)
        return Resolution(path, None) if imported else None

    def _go_scope(self, path: str, package: str | None = None) -> dict[str, tuple[str, Definition]]:
        """Name → (file, definition) across the Go package of `path` (`package`, else the one it declares;
        `path` need not be a file of the graph): its folder's files that declare the same package,
        `_test.go` ones only when `path` is one (a package's tests are not its API)."""
        key = (posixpath.dirname(path), self.resolver.declared.get(path, "") if package is None else package,
               path.endswith("_test.go"))
        if key not in self._go_scopes:
            scope: dict[str, tuple[str, Definition]] = {}
            for member in self.resolver.go_package(*key):
                for definition in self.definitions_of(member):
                    scope.setdefault(definition.name, (member, definition))
            self._go_scopes[key] = scope
        return self._go_scopes[key]

    def bind(self, importer: str, language: str, bindings: Iterable[Binding]) -> list[Binding]:
        """`bindings` with their targets resolved, as if `importer` were a file of the repository. A
        candidate for a name in scope without an import (`implicit`) is kept only when it resolves and no
        import or earlier candidate binds the name."""
        bound, taken = [], set()
        for binding in bindings:
            resolved = self._target(importer, language, binding)
            if binding.implicit and (not resolved.target or resolved.local in taken):
                continue
            taken.add(resolved.local)
            bound.append(resolved)
        return bound

    def _target(self, importer: str, language: str, binding: Binding) -> Binding:
        if language in PACKAGE_LANGUAGES:
            return self._package_target(importer, language, binding)
        target = self.resolver.resolve(importer, language, binding.module)
        if language == "python" and target and binding.imported not in (MODULE, EVERYTHING):
            facts = self.files.get(target)
            # `from . import utils` inside the package's own __init__ names the submodule, not itself.
            known = facts is not None and (any(d.name == binding.imported for d in facts.definitions) or (
                target != importer and any(b.local == binding.imported for b in facts.bindings)))
            submodule = "" if known else self.resolver.submodule(target, binding.imported)
            if submodule:
                return replace(binding, imported=MODULE, target=submodule)
        return replace(binding, target=target)

    def _package_target(self, importer: str, language: str, binding: Binding) -> Binding:
        """Go: an import's target stands for its package, whose own name becomes the local one unless
        aliased; a same-package name targets the sibling file defining it. Java: the class's file, kept
        for an in-scope candidate only when the class (or static member) is really there."""
        if language == "go" and binding.implicit:
            found = self._go_scope(importer, binding.module).get(binding.imported)
            return replace(binding, target=found[0] if found and found[0] != importer else "")
        target = self.resolver.resolve(importer, language, binding.module)
        if language == "go" and target and binding.local == package_name_guess(binding.module):
            return replace(binding, local=self.resolver.declared.get(target) or binding.local, target=target)
        if binding.implicit and target and (target == importer or not any(
                d.name == binding.imported for d in self.definitions_of(target))):
            target = ""
        return replace(binding, target=target)

    def defined_by_name(self, name: str) -> list[str]:
        """Files defining an exported top-level `name` (for names mentioned in an instruction)."""
        if self._exported is None:
            self._exported = {}
            for facts in self.files.values():
                for d in facts.definitions:
                    if d.exported:
                        self._exported.setdefault(d.name, []).append(facts.path)
        return self._exported.get(name, [])

    def counts(self) -> dict[str, int]:
        """Files, definitions, and imports resolved to a repository file or not (third-party, unknown)."""
        bindings = [b for f in self.files.values() for b in f.bindings]
        resolved = sum(bool(b.target) for b in bindings)
        return {"files": len(self.files), "definitions": sum(len(f.definitions) for f in self.files.values()),
                "imports_in_repo": resolved, "imports_elsewhere": len(bindings) - resolved}

    def save(self, folder: Path) -> None:
        """Write FILES, OFFSETS and MODULES into `folder` (a staged directory)."""
        folder.mkdir(parents=True, exist_ok=True)
        every = list(self.files.values())
        lines = [orjson.dumps(facts) for facts in every]
        write_jsonl(folder / FILES, lines)
        (folder / OFFSETS).write_bytes(orjson.dumps({"paths": [facts.path for facts in every],
                                                     "lengths": [len(line) for line in lines]}))
        atomic_write_json(folder / MODULES, {
            "version": VERSION, "aliases": [dataclasses.asdict(a) for a in self.aliases],
            "packages": [dataclasses.asdict(p) for p in self.packages],
            "go_modules": [dataclasses.asdict(m) for m in self.go_modules], "declared": self.resolver.declared})

    @classmethod
    def load(cls, folder: Path) -> CodeGraph | None:
        """The graph saved in `folder`, or None when there is none or it is from another version."""
        modules = folder / MODULES
        if not modules.is_file():
            return None
        tables = orjson.loads(modules.read_bytes())
        if tables.get("version") != VERSION:
            return None
        files = LazyFacts(folder / FILES)
        return cls(files, [Aliases(**a) for a in tables["aliases"]],
                   [Package(p["name"], p["folder"], tuple(p["entries"]),
                            {k: tuple(v) for k, v in p.get("subpaths", {}).items()}) for p in tables["packages"]],
                   [GoModule(**m) for m in tables["go_modules"]], tables["declared"])


def copy_saved(source: Path, target: Path) -> bool:
    """Copy the graph saved in `source` into the new folder `target` (a graph saved before OFFSETS has none, and
    is read line by line); False, copying nothing, when `source` holds no saved graph."""
    if not (source / MODULES).is_file():
        return False
    target.mkdir()
    for name in (FILES, OFFSETS, MODULES):
        if name != OFFSETS or (source / name).is_file():
            shutil.copyfile(source / name, target / name)
    return True


class LazyFacts(Mapping[str, FileFacts]):
    """A saved graph's FILES, each file's facts built when first asked for. The editor's server asks for a handful
    per request of a graph that may hold tens of thousands of files, and building them all took seconds of its
    start; a harvest that reads them all pays what it paid before. Where each file's line is comes from OFFSETS
    (finding the 54k lines of a 100k-unit index's graph took 0.16 s of the server's start; bench/RESULTS.md,
    issue 17, stop 46), or from reading the lines when it is missing or was not written for this file."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self._data = mapped(file)
        self._spans = _saved_spans(file.with_name(OFFSETS), len(self._data)) or _scanned_spans(file, self._data)
        self._built: dict[str, FileFacts] = {}

    def __getitem__(self, path: str) -> FileFacts:
        if path not in self._built:
            start, end = self._spans[path]
            try:
                facts = build_record(FileFacts, orjson.loads(self._data[start:end]))
            except (orjson.JSONDecodeError, TypeError, KeyError) as exc:
                raise InputError(f"{self.file}: the record of {path} is not a valid FileFacts record ({exc}); "
                                 "re-run `idiom harvest`") from None
            if facts.path != path:
                raise InputError(f"{self.file}: the record of {path} is that of {facts.path}; "
                                 "re-run `idiom harvest`")
            self._built[path] = facts
        return self._built[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._spans)

    def __len__(self) -> int:
        return len(self._spans)


def _saved_spans(offsets: Path, size: int) -> dict[str, tuple[int, int]] | None:
    """Each path's line (start, end) as `CodeGraph.save` recorded it in `offsets`; None when there is no such
    table, or it does not describe a file of `size` bytes (a graph saved before it, a file changed since)."""
    try:
        table = orjson.loads(offsets.read_bytes())
        paths, lengths = table["paths"], table["lengths"]
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError):
        return None
    if not (isinstance(paths, list) and isinstance(lengths, list) and len(paths) == len(lengths)) \
            or not all(isinstance(p, str) for p in paths) \
            or not all(type(n) is int and n >= 0 for n in lengths) or sum(lengths) + len(lengths) != size:
        return None
    spans, start = {}, 0
    for path, length in zip(paths, lengths, strict=True):
        spans[path] = start, start + length
        start += length + 1
    return spans


def _scanned_spans(file: Path, data: bytes | mmap.mmap) -> dict[str, tuple[int, int]]:
    """Each path's line (start, end), found by reading every line's path."""
    spans, start = {}, 0
    for number, line in enumerate(bytes(data).split(b"\n"), 1):  # JSON escapes every newline inside a record
        if line.strip():
            try:
                spans[_path_of(line)] = start, start + len(line)
            except (orjson.JSONDecodeError, TypeError, KeyError):
                raise InputError(f"{file}:{number}: not a valid FileFacts record; re-run `idiom harvest`") from None
        start += len(line) + 1
    return spans


PATH_FIRST = b'{"path":'  # how a saved FileFacts line starts: its first field, as orjson writes a dataclass


def _path_of(line: bytes) -> str:
    """The path of a saved FileFacts line, read from its start without decoding the rest (a third of the time
    for a large graph). Inside a JSON string every quote is escaped, so the first `",` after the path's opening
    quote either ends the path or follows an escaped quote, which leaves the cut string unterminated: then, as
    for a line that does not start with the path, the whole line is decoded."""
    end = line.find(b'",', len(PATH_FIRST) + 1) if line.startswith(PATH_FIRST) else -1
    if end > 0:
        with contextlib.suppress(orjson.JSONDecodeError):
            path = orjson.loads(line[len(PATH_FIRST):end + 1])
            if isinstance(path, str):
                return path
    path = orjson.loads(line)["path"]
    if not isinstance(path, str):
        raise TypeError("the path is not a string")
    return path


def parse_facts(record: FileRecord) -> FileFacts:
    """`file_facts` of a file record."""
    return file_facts(record.path, record.language, record.text, record.blob)


def file_facts(path: str, language: str, text: str, blob: str = "") -> FileFacts:
    """Parse one file: its definitions, its bindings (targets unresolved) and the imported names it uses."""
    source = Source(path, language, text)
    root = parse(language, source.data).root_node
    mentioned = mentions(source, root)
    definitions, bindings, aliases = _facts(source, root, mentioned)
    return FileFacts(path, language, blob, tuple(definitions), tuple(bindings), aliases,
                     tuple(used_names(mentioned, bindings)))


def _facts(source: Source, root: Node, mentioned: list[Mention]) -> tuple[list[Definition], list[Binding],
                                                                           dict[str, str]]:
    """Definitions, bindings and export aliases, by the file's language."""
    if source.language == "python":
        return python_definitions(source, root), python_bindings(source, root), {}
    if source.language == "go":
        return (*go_facts(source, root, mentioned), {})
    if source.language == "java":
        return (*java_facts(source, root, mentioned), {})
    return ecmascript_facts(source, root)


def document_bindings(path: str, language: str, text: str) -> list[Binding]:
    """Only the imports of a document being edited (targets unresolved): what a request needs, fast."""
    source = Source(path, language, text)
    root = parsed(language, source.data).root_node
    if language == "python":
        return python_bindings(source, root)
    mentioned = mentions(source, root) if language in PACKAGE_LANGUAGES else []
    return _facts(source, root, mentioned)[1]


def used_names(mentioned: Sequence[Mention], bindings: Sequence[Binding]) -> list[str]:
    """Imported names the code uses outside its import statements, in order of first use."""
    wanted = {b.local for b in bindings if not b.reexport and b.local != EVERYTHING and not b.implicit}
    import_lines = {b.line for b in bindings}
    return list(dict.fromkeys(m.name for m in mentioned if m.name in wanted and m.line not in import_lines))


class _OnDemand(Mapping[str, FileFacts]):
    """File facts parsed (and their imports resolved) the first time they are asked for."""

    def __init__(self, texts: Mapping[str, str], parse: Callable[[str, str], FileFacts]) -> None:
        self.texts = {p: t for p, t in texts.items() if language_of(p) in IDENTIFIERS}
        self.parse = parse
        self.parsed: dict[str, FileFacts] = {}  # imports unresolved
        self.bound: dict[str, FileFacts] = {}
        self.graph: CodeGraph | None = None

    def __getitem__(self, path: str) -> FileFacts:
        if path not in self.bound:
            facts = self.unbound(path)
            self.bound[path] = facts  # binding may look at files that import this one: they see it unbound
            if self.graph is not None:
                self.bound[path] = replace(facts, bindings=tuple(self.graph.bind(path, facts.language, facts.bindings)))
        return self.bound[path]

    def unbound(self, path: str) -> FileFacts:
        """The file's facts with its imports not resolved yet."""
        if path not in self.parsed:
            self.parsed[path] = self.parse(path, self.texts[path])  # KeyError: not a code file
        return self.parsed[path]

    def definitions(self, path: str) -> tuple[Definition, ...]:
        return self.unbound(path).definitions

    def __iter__(self) -> Iterator[str]:
        return iter(self.texts)

    def __len__(self) -> int:
        return len(self.texts)


def parse_text(path: str, text: str) -> FileFacts:
    """`file_facts` of a path's text, its language told by its name."""
    return file_facts(path, language_of(path), text)


def on_demand_graph(texts: Mapping[str, str], parse: Callable[[str, str], FileFacts] = parse_text) -> CodeGraph:
    """A graph over the files at HEAD (path → text) that parses a file only when it is asked about, with
    `parse` (path, text → facts before binding): the harvest's first half follows the imports of test files
    and the barrels they lead through, not the whole repository, and the dataset build still parses every
    file once."""
    configs = {p: t for p, t in texts.items() if _is_module_table(p)}
    facts = _OnDemand(texts, parse)
    graph = CodeGraph(facts, read_aliases(configs), read_packages(configs), read_go_modules(configs),
                      declared_packages(facts.texts), facts.definitions)
    facts.graph = graph
    return graph


def _is_module_table(path: str) -> bool:
    """tsconfig/jsconfig, workspace manifests and go.mod: the files that say how imports resolve."""
    return bool(TS_CONFIG.search(path)) or posixpath.basename(path) in WORKSPACE_FILES or is_go_mod(path)


def build_graph(files: Sequence[FileRecord], facts_of: Callable[[FileRecord], FileFacts] | None = None,
                advance: Callable[[], None] = lambda: None) -> CodeGraph:
    """The graph of `files` (HEAD, scrubbed), each file's facts before binding from `facts_of` (the dataset
    build's cache), else parsed.

    Never from a saved graph: its bindings are bound, and binding again is not the same (`from . import
    utils` was rewritten to the submodule, and would now bind to the package), nor are Go's and Java's,
    which keep only the in-scope candidates that resolved.
    """
    configs = {f.path: f.text for f in files if _is_module_table(f.path)}
    facts: dict[str, FileFacts] = {}
    for record in files:
        if record.language in IDENTIFIERS:
            facts[record.path] = facts_of(record) if facts_of else parse_facts(record)
        advance()
    graph = CodeGraph(facts, read_aliases(configs), read_packages(configs), read_go_modules(configs),
                      declared_packages({f.path: f.text for f in files if f.path in facts}))
    for path, item in facts.items():
        facts[path] = replace(item, bindings=tuple(graph.bind(path, item.language, item.bindings)))
    return graph
