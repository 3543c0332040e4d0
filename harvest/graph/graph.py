"""The code graph: per-file facts, import targets resolved to files, and name lookup through re-export
chains. Built from the harvested HEAD files; a file whose blob did not change keeps its parsed facts."""

from __future__ import annotations

import dataclasses
import posixpath
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import orjson
from tree_sitter import Query, QueryCursor

from harvest.classify import language_of
from harvest.graph.ecmascript import ecmascript_facts
from harvest.graph.model import EVERYTHING, MODULE, Binding, Definition, FileFacts
from harvest.graph.modules import ModuleResolver
from harvest.graph.python import python_bindings, python_definitions
from harvest.graph.workspace import TS_CONFIG, Aliases, Package, read_aliases, read_packages
from harvest.records import FileRecord, read_records
from harvest.store import atomic_write_json, write_jsonl
from harvest.units.languages import grammar, parse
from harvest.units.nodes import Source

VERSION = 3  # bump when extraction changes, so cached facts are parsed again
MAX_HOPS = 12  # re-export chains longer than this are cycles in disguise
IDENTIFIERS = {
    "python": "(identifier) @name",
    "javascript": "[(identifier) (shorthand_property_identifier)] @name",
    "typescript": "[(identifier) (type_identifier) (shorthand_property_identifier)] @name",
    "tsx": "[(identifier) (type_identifier) (shorthand_property_identifier)] @name",
}
WORKSPACE_FILES = frozenset({"package.json", "pnpm-workspace.yaml"})


@dataclass(frozen=True)
class Resolution:
    """Where a name comes from: the defining file and definition (None: the name is a module), and the
    files passed through on the way (barrels, re-exporting `__init__.py`)."""

    path: str
    definition: Definition | None
    via: tuple[str, ...] = ()


class CodeGraph:
    """Facts of every code file plus the module tables, with name resolution across files."""

    def __init__(self, files: Mapping[str, FileFacts], aliases: list[Aliases], packages: list[Package]) -> None:
        self.files = files
        self.aliases = aliases
        self.packages = packages
        self.resolver = ModuleResolver(files, aliases, packages)
        self._exported: dict[str, list[str]] | None = None

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
        local = facts.aliases.get(name, name)
        definition = next((d for d in facts.definitions if d.name == local), None)
        if definition is not None:
            return Resolution(path, definition)
        onward = [(b.target, b.imported) for b in facts.bindings if b.local == local and b.target]
        onward += [(b.target, name) for b in facts.bindings if b.local == EVERYTHING and b.target]
        for target, imported in onward:
            found = self._find(target, imported, seen)
            if found is not None:
                return replace(found, via=(path, *found.via))
        return None

    def bind(self, importer: str, language: str, bindings: Iterable[Binding]) -> list[Binding]:
        """`bindings` with their targets resolved, as if `importer` were a file of the repository."""
        return [self._target(importer, language, b) for b in bindings]

    def _target(self, importer: str, language: str, binding: Binding) -> Binding:
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
        """Write `files.jsonl` and `modules.json` into `folder` (a staged directory)."""
        folder.mkdir(parents=True, exist_ok=True)
        write_jsonl(folder / "files.jsonl", self.files.values())
        atomic_write_json(folder / "modules.json", {
            "version": VERSION, "aliases": [dataclasses.asdict(a) for a in self.aliases],
            "packages": [dataclasses.asdict(p) for p in self.packages]})

    @classmethod
    def load(cls, folder: Path) -> CodeGraph | None:
        """The graph saved in `folder`, or None when there is none or it is from another version."""
        modules = folder / "modules.json"
        if not modules.is_file():
            return None
        tables = orjson.loads(modules.read_bytes())
        if tables.get("version") != VERSION:
            return None
        files = {f.path: f for f in read_records(folder / "files.jsonl", FileFacts)}
        return cls(files, [Aliases(**a) for a in tables["aliases"]],
                   [Package(p["name"], p["folder"], tuple(p["entries"]),
                            {k: tuple(v) for k, v in p.get("subpaths", {}).items()}) for p in tables["packages"]])


def file_facts(path: str, language: str, text: str, blob: str = "") -> FileFacts:
    """Parse one file: its definitions, its bindings (targets unresolved) and the imported names it uses."""
    source = Source(path, language, text)
    root = parse(language, source.data).root_node
    aliases: dict[str, str] = {}
    if language == "python":
        definitions, bindings = python_definitions(source, root), python_bindings(source, root)
    else:
        definitions, bindings, aliases = ecmascript_facts(source, root)
    return FileFacts(path, language, blob, tuple(definitions), tuple(bindings), aliases,
                     tuple(used_names(source, root, bindings)))


def document_bindings(path: str, language: str, text: str) -> list[Binding]:
    """Only the imports of a document being edited (targets unresolved): what a request needs, fast."""
    source = Source(path, language, text)
    root = parse(language, source.data).root_node
    return python_bindings(source, root) if language == "python" else ecmascript_facts(source, root)[1]


def used_names(source: Source, root: object, bindings: Sequence[Binding]) -> list[str]:
    """Imported names the code uses outside its import statements, in order of first use."""
    wanted = {b.local for b in bindings if not b.reexport and b.local != EVERYTHING}
    if not wanted:
        return []
    import_lines = {b.line for b in bindings}
    seen: dict[str, None] = {}
    nodes = QueryCursor(_identifier_query(source.language)).captures(root).get("name", [])
    for node in sorted(nodes, key=lambda n: n.start_byte):
        name = source.of(node)
        if name in wanted and node.start_point.row + 1 not in import_lines:
            seen.setdefault(name)
    return list(seen)


_QUERIES: dict[str, Query] = {}


def _identifier_query(language: str) -> Query:
    if language not in _QUERIES:
        _QUERIES[language] = Query(grammar(language), IDENTIFIERS[language])
    return _QUERIES[language]


class _OnDemand(Mapping[str, FileFacts]):
    """File facts parsed (and their imports resolved) the first time they are asked for."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        self.texts = {p: t for p, t in texts.items() if language_of(p) in IDENTIFIERS}
        self.parsed: dict[str, FileFacts] = {}
        self.graph: CodeGraph | None = None

    def __getitem__(self, path: str) -> FileFacts:
        if path not in self.parsed:
            language = language_of(path)
            facts = file_facts(path, language, self.texts[path])  # KeyError: not a code file of the repository
            self.parsed[path] = facts  # binding may look at files that import this one: they see it unbound
            if self.graph is not None:
                self.parsed[path] = replace(facts, bindings=tuple(self.graph.bind(path, language, facts.bindings)))
        return self.parsed[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self.texts)

    def __len__(self) -> int:
        return len(self.texts)


def on_demand_graph(texts: Mapping[str, str]) -> CodeGraph:
    """A graph over the files at HEAD (path → text) that parses a file only when it is asked about: the
    harvest's first half follows the imports of test files and the barrels they lead through, not the
    whole repository, and the dataset build still parses every file once."""
    configs = {p: t for p, t in texts.items() if TS_CONFIG.search(p) or posixpath.basename(p) in WORKSPACE_FILES}
    facts = _OnDemand(texts)
    graph = CodeGraph(facts, read_aliases(configs), read_packages(configs))
    facts.graph = graph
    return graph


def build_graph(files: Sequence[FileRecord], previous: CodeGraph | None = None,
                advance: Callable[[], None] = lambda: None) -> CodeGraph:
    """The graph of `files` (HEAD, scrubbed), reusing `previous` facts for files whose blob is unchanged."""
    configs = {f.path: f.text for f in files
               if TS_CONFIG.search(f.path) or posixpath.basename(f.path) in WORKSPACE_FILES}
    old = previous.files if previous is not None else {}
    facts: dict[str, FileFacts] = {}
    for record in files:
        if record.language in IDENTIFIERS:
            kept = old.get(record.path)
            facts[record.path] = kept if kept is not None and kept.blob == record.blob and record.blob else \
                file_facts(record.path, record.language, record.text, record.blob)
        advance()
    graph = CodeGraph(facts, read_aliases(configs), read_packages(configs))
    for path, item in facts.items():
        facts[path] = replace(item, bindings=tuple(graph.bind(path, item.language, item.bindings)))
    return graph
