"""What a retrieval request is about: the file and the position in it, as the editor sees them.

Built from a `CompletionRequest` (prefix and suffix around the cursor, without the word being typed) or from a
file and line number (`idiom search --file PATH --line N`, benchmark tasks). Names are ranked here: the ones on
the current line first, then the ones used closest above the cursor, then the ones the instruction mentions.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from harvest.classify import language_of
from harvest.errors import InputError
from router.contracts import CompletionRequest

IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")
# The word the cursor is in or ends: its part before the cursor, and after it (see `focus_of_request`).
WORD_END, WORD_START = re.compile(r"[\w$]+\Z"), re.compile(r"\A[\w$]+")
QUERY_LINES = 12  # lines above the cursor that go into the text query


@dataclass(frozen=True)
class Focus:
    """A position in a document: the text before the current line, the line, the text after it."""

    path: str = ""
    language: str = ""
    prefix: str = ""
    line: str = ""
    suffix: str = ""
    instruction: str = ""

    @property
    def document(self) -> str:
        """The whole document as the editor holds it."""
        return self.prefix + self.line + self.suffix

    def names(self) -> list[str]:
        """Identifiers by relevance: current line in order, then prefix bottom-up, then the instruction."""
        ordered: dict[str, None] = dict.fromkeys(IDENTIFIER.findall(self.line))
        ordered.update(dict.fromkeys(_names_above(self.prefix)))
        ordered.update(dict.fromkeys(IDENTIFIER.findall(self.instruction)))
        return list(ordered)

    def query(self, lines: int = QUERY_LINES) -> str:
        """The text query for the similarity retrievers: instruction, path and the code at the cursor."""
        above = self.prefix.splitlines()[-lines:] if lines else []
        return "\n".join(part for part in (self.instruction, self.path, *above, self.line) if part)


# The lines above the cursor stay as they were while a developer types along a line, one request after another.
@functools.lru_cache(maxsize=64)
def _names_above(prefix: str) -> tuple[str, ...]:
    """The identifiers of `prefix`, its last line's first, each line's in order, each name once."""
    ordered: dict[str, None] = {}
    for line in reversed(prefix.splitlines()):
        ordered.update(dict.fromkeys(IDENTIFIER.findall(line)))
    return tuple(ordered)


def focus_of_request(request: CompletionRequest) -> Focus:
    """The focus of an editor request: the cursor line is the prefix's last line plus the suffix's first, without
    the word the cursor is in or ends. That word is usually being typed: a fragment, whose terms are not the
    word's and which moves the query's embedding at every keystroke. Left out, the keystrokes into one word ask
    about the same focus, so the retrieval of the first serves the next (rag/context.py); the word counts once
    it is ended."""
    before, newline, line_start = request.prefix.rpartition("\n")
    line_end, end_of_line, after = request.suffix.partition("\n")
    if (typed := WORD_END.search(line_start)) is not None:
        line_start, line_end = line_start[:typed.start()], WORD_START.sub("", line_end)
    return Focus(request.path, request.language or language_of(request.path), before + newline,
                 line_start + line_end + end_of_line, after, request.instruction)


def focus_of_file(repo: Path, path: str, line: int, instruction: str = "") -> Focus:
    """The focus at line `line` (1-based) of `path` in the working tree of `repo`."""
    file = repo / path
    try:
        lines = file.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)
    except OSError as exc:
        raise InputError(f"cannot read {file}: {exc.strerror}; --file takes a path relative to --repo") from None
    if not 1 <= line <= max(len(lines), 1):
        raise InputError(f"{path} has {len(lines)} lines; --line must be between 1 and {len(lines)}")
    return Focus(path, language_of(path), "".join(lines[:line - 1]), "".join(lines[line - 1:line]),
                 "".join(lines[line:]), instruction)
