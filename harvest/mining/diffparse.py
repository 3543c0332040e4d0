"""Parse git's unified diff output into FileChange/Hunk records.

Works on whole sections with regexes rather than line by line, because whole-history harvests push
hundreds of megabytes through here and must keep pace with `git log -p` itself.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from harvest.records import Hunk

FILE_HEADER = "diff --git "
HUNK_HEADER = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@.*$", re.MULTILINE)
HEADER_LINE = re.compile(r"^(---|\+\+\+|rename from|rename to|copy from|copy to|new file mode|deleted file mode|index) ?(.*)$",
                         re.MULTILINE)


@dataclass(frozen=True)
class RawChange:
    """One file's part of a diff before scrubbing (hunk texts are raw); `size` is the patch text length."""

    path: str
    status: str
    old_path: str
    binary: bool
    size: int
    hunks: tuple[Hunk, ...]
    missing_object: bool = False  # a blob of the change is not in the repository: no hunks (harvest/mining/objects.py)


def parse_patch(patch: str, keep_hunks: Callable[[str, int], bool] = lambda path, size: True,
                missing: frozenset[str] = frozenset()) -> Iterator[RawChange]:
    """Split `git diff`/`git log -p` output into per-file changes; hunks only where `keep_hunks` agrees.

    `missing` are blobs the repository lacks; a change whose `index` line (full, `--full-index`) names one
    is marked `missing_object` (git diffed a placeholder for it).
    """
    starts = _file_starts(patch)
    for begin, end in zip(starts, [*starts[1:], len(patch)][: len(starts)], strict=True):
        yield _parse_file(patch[begin:end], keep_hunks, missing)


def _file_starts(patch: str) -> list[int]:
    """Offsets of each `diff --git` line; str.find runs at memory speed where a ^-anchored regex crawls."""
    starts = [0] if patch.startswith(FILE_HEADER) else []
    pos = patch.find("\n" + FILE_HEADER)
    while pos != -1:
        starts.append(pos + 1)
        pos = patch.find("\n" + FILE_HEADER, pos + 1)
    return starts


def _parse_file(section: str, keep_hunks: Callable[[str, int], bool], missing: frozenset[str]) -> RawChange:
    first_hunk = section.find("\n@@ ")
    header = section if first_hunk < 0 else section[: first_hunk + 1]
    fields: dict[str, str] = {}
    for key, value in HEADER_LINE.findall(header):
        fields.setdefault(key, value)
    old, new = _header_paths(header.split("\n", 1)[0][len(FILE_HEADER):])
    old = _strip_prefix(fields.get("---"), "a/") or fields.get("rename from") or fields.get("copy from") or old
    new = _strip_prefix(fields.get("+++"), "b/") or fields.get("rename to") or fields.get("copy to") or new
    if "new file mode" in fields:
        status = "added"
    elif "deleted file mode" in fields:
        status = "deleted"
    elif "rename from" in fields:
        status = "renamed"
    elif "copy from" in fields:
        status = "copied"
    else:
        status = "modified"
    path = old if status == "deleted" else new
    old_path = old if status in ("renamed", "copied") else ""
    binary = first_hunk < 0 and "\nBinary files " in header or "\nGIT binary patch" in header
    if missing and missing.intersection(fields.get("index", "").split(" ", 1)[0].split("..")):
        return RawChange(path, status, old_path, False, len(section), (), missing_object=True)
    hunks: tuple[Hunk, ...] = ()
    if first_hunk >= 0 and keep_hunks(path, len(section)):
        hunks = tuple(_hunks(section[first_hunk + 1:]))
    return RawChange(path, status, old_path, binary, len(section), hunks)


def _hunks(body: str) -> Iterator[Hunk]:
    headers = list(HUNK_HEADER.finditer(body))
    for i, match in enumerate(headers):
        end = headers[i + 1].start() if i + 1 < len(headers) else len(body)
        old_start, old_lines, new_start, new_lines = match.groups()
        yield Hunk(
            header=match.group(0),
            old_start=int(old_start),
            old_lines=1 if old_lines is None else int(old_lines),
            new_start=int(new_start),
            new_lines=1 if new_lines is None else int(new_lines),
            text=body[match.end() + 1:end],
        )


def _strip_prefix(value: str | None, prefix: str) -> str:
    """`a/path` → `path`; `/dev/null` and missing values → ""."""
    if not value or value == "/dev/null":
        return ""
    value = _unquote(value.rstrip("\t"))
    return value[len(prefix):] if value.startswith(prefix) else value


def _header_paths(rest: str) -> tuple[str, str]:
    """Paths from `diff --git a/X b/Y`; for binary or mode-only changes this line is all there is."""
    if rest.startswith('"'):
        quoted = re.match(r'("(?:[^"\\]|\\.)*")\s+(.*)$', rest)
        if quoted:
            return _strip_prefix(quoted.group(1), "a/"), _strip_prefix(quoted.group(2), "b/")
    half = len(rest) // 2
    if rest[half:half + 3] == " b/":  # a/X b/X with the same X: the common case
        return rest[2:half], rest[half + 3:]
    old, _, new = rest.partition(" b/")
    return old[2:], new


def _unquote(value: str) -> str:
    """git C-quotes paths with special characters: `"a/caf\\303\\251.txt"`."""
    if len(value) >= 2 and value[0] == value[-1] == '"':
        raw = codecs.escape_decode(value[1:-1].encode("utf-8"))[0]
        return raw.decode("utf-8", "replace")
    return value
