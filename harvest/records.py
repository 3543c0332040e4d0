"""The harvester's records: what mining produces after scrubbing, and how it goes to and from JSONL.

Later stages (pairs, units, conventions, index) read these back with `read_records`, so they are the
contract between the harvester's first and second halves. Every text field here is scrubbed. Records have
slots: a dataset build holds hundreds of thousands of pairs, and a decoded pair without a `__dict__` takes
less than half the memory (240 bytes against 530).
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import orjson

from harvest.errors import InputError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class FileRecord:
    """A file at HEAD that survived the filters, with its scrubbed text."""

    path: str
    kind: str  # source, test, config, docs, build
    language: str
    size: int
    blob: str
    text: str
    decode_errors: bool = False  # True when invalid UTF-8 was replaced on reading
    tests: tuple[str, ...] = ()  # for test files: the source files they test
    last_commit: str = ""  # newest mined commit that touched the file


@dataclass(frozen=True, slots=True)
class Exclusion:
    """A file at HEAD that was left out, and why."""

    path: str
    reason: str  # binary, too-large, generated, vendored, deprecated, symlink, submodule, ...
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Hunk:
    """One `@@` hunk of a unified diff; `text` keeps the ` `/`+`/`-` line prefixes."""

    header: str
    old_start: int
    old_lines: int
    new_start: int
    new_lines: int
    text: str


@dataclass(frozen=True, slots=True)
class FileChange:
    """What one commit (or PR) did to one file."""

    path: str
    status: str  # added, modified, deleted, renamed, copied
    old_path: str = ""
    binary: bool = False
    skipped: str = ""  # why hunks were dropped (e.g. too-large, vendored), if they were
    hunks: tuple[Hunk, ...] = ()


@dataclass(frozen=True, slots=True)
class CommitRecord:
    """A commit reachable from the mined refs; merges carry their diff against the first parent."""

    sha: str
    parents: tuple[str, ...]
    author: str
    author_date: str  # ISO 8601 with offset
    message: str
    changes: tuple[FileChange, ...] = ()

    @property
    def is_merge(self) -> bool:
        """True for commits with more than one parent."""
        return len(self.parents) > 1


@dataclass(frozen=True, slots=True)
class Review:
    """A submitted PR review (approve, request changes, comment) with its summary body."""

    id: int
    author: str
    state: str
    body: str
    commit_id: str = ""
    submitted_at: str = ""


@dataclass(frozen=True, slots=True)
class ReviewComment:
    """A comment on a line of a PR's diff, with the hunk it was written on."""

    id: int
    author: str
    body: str
    path: str
    diff_hunk: str
    line: int | None = None
    original_line: int | None = None
    commit_id: str = ""
    original_commit_id: str = ""
    in_reply_to: int | None = None
    created_at: str = ""


@dataclass(frozen=True, slots=True)
class PullRequest:
    """A pull request seen in history (squash subject, merge commit, pull ref) and/or an export."""

    number: int
    title: str
    sources: tuple[str, ...]  # squash, merge, ref, export
    body: str = ""
    author: str = ""
    head_ref: str = ""
    base_ref: str = ""
    head_sha: str = ""
    base_sha: str = ""
    merge_commit: str = ""
    merged_at: str = ""
    changes: tuple[FileChange, ...] = ()  # the PR's combined diff when history has it
    reviews: tuple[Review, ...] = ()
    comments: tuple[ReviewComment, ...] = ()


@dataclass(frozen=True, slots=True)
class SecretFinding:
    """Where the scrubber replaced something; never the value itself."""

    rule: str
    kind: str  # secret or pii
    location: str  # head-file, history-diff, commit-message, pr, review
    path: str = ""
    commit: str = ""
    line: int = 0  # 0 when git does not say which line (the function context it prints after a hunk header)


@dataclass(frozen=True, slots=True)
class Unit:
    """A code unit found by tree-sitter (or a config block), as RAG and few-shot retrieve it."""

    id: str  # "<path>#<name>@<start_line>", stable while the code does not move
    path: str
    language: str
    kind: str  # function, method, constructor, class, component, styled, hook, test, test-suite, route, config,
    # constant, variable
    name: str
    start_line: int  # 1-based, inclusive
    end_line: int
    signature: str  # the header line(s) up to the body
    doc: str  # docstring or the comment right above the unit
    imports: tuple[str, ...]  # modules the file imports that this unit's text uses
    text: str
    commit: str = ""  # newest mined commit that touched these lines
    parent: str = ""  # enclosing class or describe block
    parse_errors: int = 0  # tree-sitter ERROR/MISSING nodes inside the span
    deprecated: str = ""  # why the unit is deprecated ("" when it is not)
    subkind: str = ""  # what sort of its kind: class → struct, interface, enum, record…; test → table, benchmark…


@dataclass(frozen=True, slots=True)
class Pair:
    """A prompt/completion example; `files` are the paths whose content the completion reveals."""

    id: str
    kind: str  # function, method, class, component, styled, hook, route, test, config, commit, commit-message, review,
    # fim
    language: str
    path: str
    prompt: str  # the instruction, in the words a developer would use
    completion: str
    context: str = ""  # optional input the instruction refers to (file context, a diff, a hunk)
    commit: str = ""  # the commit the completion comes from ("" for HEAD)
    date: str = ""  # author date of that commit, ISO 8601 (the temporal split orders by it)
    files: tuple[str, ...] = ()
    unit: str = ""  # the id of the unit the completion is, for pairs built from one
    split: str = ""  # train, eval or test once split
    weight: float = 1.0  # below 1 when down-weighted (see `note`)
    note: str = ""
    # A fill-in-the-middle pair (kind `fim`) is the code around a span, its middle being `completion`; other
    # kinds leave these empty, and datasets written before they existed read back with them empty.
    prefix: str = ""  # the code before the middle, cut to the token budget at a line start
    suffix: str = ""  # the code after it, cut at a line end
    span: str = ""  # what the middle is: line, rest-of-line, block, arguments
    order: str = ""  # psm or spm: the order a model is shown the parts in


FIM_KIND = "fim"  # the pair kind whose rows are prefix/suffix/middle, not instruction/completion
MIN_MIDDLE_CHARS = 6  # a fim middle with fewer non-whitespace characters teaches nothing (`}` or `x;`)


@dataclass(frozen=True, slots=True)
class Rejection:
    """A pair left out of the dataset, the stage that dropped it and why."""

    id: str
    kind: str
    stage: str  # quality, dedup, decontaminate, exclude, deprecation
    reason: str  # e.g. too-short, too-long, non-code, generated, duplicate, near-duplicate, held-out
    detail: str = ""  # e.g. the id of the pair it duplicates


def read_records(path: Path, cls: type[T]) -> Iterator[T]:
    """Read a JSONL file of `cls` records; a malformed line is an error naming file and line."""
    with path.open("rb") as lines:
        for number, line in enumerate(lines, 1):
            if line.strip():
                yield decode_line(path, number, line, cls)


def decode_line(path: Path, number: int, line: bytes, cls: type[T]) -> T:
    """Line `number` of the JSONL file `path` as a `cls` record; a malformed one is an error naming both."""
    try:
        return build_record(cls, orjson.loads(line))
    except (orjson.JSONDecodeError, TypeError, KeyError) as exc:
        raise InputError(f"{path}:{number}: not a valid {cls.__name__} record ({exc}); re-run `idiom harvest`") from None


def build_record(cls: type[T], value: Any) -> T:
    """A `cls` record (nested dataclasses and tuples) from its decoded JSON, guided by the type hints; raises
    TypeError or KeyError on a value that is not one."""
    return _builder(cls)(value)


def _as_is(value: Any) -> Any:
    return value


@cache
def _builder(hint: Any) -> Callable[[Any], Any]:
    """The function that rebuilds a decoded value of type `hint`, worked out once per type: a code graph
    holds millions of nested values, and asking each one's type again costs more than reading the file."""
    if dataclasses.is_dataclass(hint):
        fields = {name: _builder(field_hint) for name, field_hint in _field_hints(hint).items()}
        nested = {name: build for name, build in fields.items() if build is not _as_is}

        def record(value: dict[str, Any]) -> Any:
            return hint(**{k: nested[k](v) if k in nested else v for k, v in value.items() if k in fields})

        return _filled(hint, fields, record) if _plain(hint) else record
    if typing.get_origin(hint) is tuple:
        item = _builder(typing.get_args(hint)[0])
        return tuple if item is _as_is else lambda value: tuple([item(v) for v in value])
    return _as_is


def _plain(cls: type) -> bool:
    """Whether a `cls` record is its fields and nothing else: no `__post_init__` and every field an argument
    of `__init__` (so setting its fields directly makes the object `__init__` would)."""
    return not hasattr(cls, "__post_init__") and all(f.init for f in dataclasses.fields(cls))


def _filled(cls: type, fields: dict[str, Callable[[Any], Any]], checked: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A builder of `cls` records that sets a new object's fields directly (through their slots, or its
    `__dict__`) instead of calling `__init__` (a frozen dataclass's `__init__` sets each field through
    `object.__setattr__`, most of the time decoding takes); any value it cannot build whole goes to `checked`,
    the `__init__` path, which raises what a bad value raises."""
    names = [field.name for field in dataclasses.fields(cls)]
    lines, scope = [], {"new": object.__new__, "set": object.__setattr__, "cls": cls, "checked": checked}
    for number, field in enumerate(dataclasses.fields(cls)):
        build = f"build{number}(value[{field.name!r}])" if fields[field.name] is not _as_is else f"value[{field.name!r}]"
        scope[f"build{number}"] = fields[field.name]
        if field.default is not dataclasses.MISSING:
            scope[f"default{number}"] = field.default
            build = f"{build} if {field.name!r} in value else default{number}" if fields[field.name] is not _as_is \
                else f"value.get({field.name!r}, default{number})"
        elif field.default_factory is not dataclasses.MISSING:
            scope[f"factory{number}"] = field.default_factory
            build = f"{build} if {field.name!r} in value else factory{number}()"
        lines.append(f"        v{number} = {build}")
    if "__slots__" in cls.__dict__:  # each slot's descriptor stores the value, past the frozen class's __setattr__
        scope |= {f"slot{number}": getattr(cls, name).__set__ for number, name in enumerate(names)}
        made = [f"    slot{number}(made, v{number})" for number in range(len(names))]
    else:
        filled = ", ".join(f"{name!r}: v{number}" for number, name in enumerate(names))
        made = [f"    set(made, '__dict__', {{{filled}}})"]
    source = "\n".join(["def record(value):", "    try:", *lines, "    except Exception:", "        return checked(value)",
                        "    made = new(cls)", *made, "    return made"])
    exec(source, scope)  # noqa: S102 - the source is built from field names alone
    return scope["record"]


@cache
def copier(cls: type[T], names: tuple[str, ...]) -> Callable[..., T]:
    """A function of (record, *values) that returns a copy of a `cls` record with its fields `names` set to
    `values`, as `dataclasses.replace` would: for a slotted record through its slots, in a quarter of
    `replace`'s time (a dataset build copies each pair twice to hold its text on disk, harvest/dataset/spill.py)."""
    every = [field.name for field in dataclasses.fields(cls)]
    if unknown := set(names) - set(every):
        raise TypeError(f"{cls.__name__} has no field {', '.join(sorted(unknown))}")
    if "__slots__" not in cls.__dict__ or not _plain(cls):
        return lambda record, *values: dataclasses.replace(record, **dict(zip(names, values, strict=True)))
    given = {name: f"v{number}" for number, name in enumerate(names)}
    scope = {"new": object.__new__, "cls": cls} | {f"slot{n}": getattr(cls, name).__set__ for n, name in enumerate(every)}
    made = [f"    slot{n}(made, {given.get(name, f'record.{name}')})" for n, name in enumerate(every)]
    source = "\n".join([f"def copy(record, {', '.join(given.values())}):", "    made = new(cls)", *made, "    return made"])
    exec(source, scope)  # noqa: S102 - the source is built from field names alone
    return scope["copy"]


@cache
def _field_hints(cls: type) -> dict[str, Any]:
    """Field name → type hint; resolving hints is slow, and every record of a file asks again."""
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls)}
