"""Fill-in-the-middle pairs (`fim`): a span of a team's file at HEAD, the middle, with the code before and after it.

Registered as "fim" in `PAIR_BUILDERS`. This is what an editor's inline completion asks: the code around the
cursor, and what goes between. Spans end at syntactic boundaries found by tree-sitter inside the file's units
(`harvest.units`), one of SPAN_WORDS: a whole statement line, the rest of a statement's line from one of its
parts, a block's body (2 to MAX_MIDDLE_LINES lines) or a call's arguments. At most `fim_spans_per_file` spans a
file, taken in turn from each span type and never overlapping, by a generator seeded with the file's path, so
the same repository gives the same pairs. Spans whose lines one of the newest `fim_recent_commits` commits wrote
(the after side of recent commits, as it still stands at HEAD, with the whole file around it) are taken first,
and carry that commit; the others carry the commit of their unit. The prefix and suffix are cut at whole lines
to `fim_context_tokens` estimated tokens (`estimate_tokens`, as the dataset card counts them); `fim_spm_rate` of
the pairs are marked for the suffix-first order (SPM), the rest prefix-first (PSM). The model family's FIM
tokens are not applied here: the rows carry prefix, suffix and middle (`Pair.prefix`, `Pair.suffix`,
`Pair.completion`).
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from functools import lru_cache
from itertools import accumulate
from typing import Any

from tree_sitter import Node

from harvest.commitlog import index_by_sha
from harvest.dataset.cache import BuildCache, work_ahead
from harvest.dataset.validate import estimate_tokens
from harvest.pairs.sources import Sources, make_pair
from harvest.pool import Pool
from harvest.records import (
    FIM_KIND,
    MIN_MIDDLE_CHARS,
    CommitRecord,
    FileRecord,
    Pair,
    Unit,
)
from harvest.units import EXTRACTORS
from harvest.units.languages import parse
from harvest.units.lastchange import last_changes
from harvest.units.nodes import COMMENTS, walk

SEED = "idiomatic-fim-1"  # part of every file's seed: changing it redraws every span
MAX_MIDDLE_LINES = 16  # a longer block body or argument list is a unit to write, not a completion
SUFFIX_SHARE = 0.25  # the suffix's most of the token budget: what comes before the cursor matters most
SPAN_WORDS = {"line": "line", "rest-of-line": "rest of the line", "block": "block body",
              "arguments": "argument list"}
ORDERS = ("psm", "spm")
SKIPPED_UNITS = frozenset({"config"})  # config blocks are data: their spans are not code completions

BLOCKS = frozenset({"block", "statement_block", "constructor_body"})  # Python, Go, Java; ES; Java constructors
STATEMENT_PARENTS = BLOCKS | {"statement_list"}  # Go wraps a block's statements in a statement_list
DECLARATIONS = frozenset({"lexical_declaration", "variable_declaration", "short_var_declaration",
                          "local_variable_declaration", "var_declaration", "const_declaration"})
ARGUMENT_LISTS = frozenset({"argument_list", "arguments"})  # Python, Go, Java; ES

Span = tuple[int, int]  # the middle's byte offsets in the file


def fim_pairs(sources: Sources) -> Iterator[Pair]:
    """Up to `fim_spans_per_file` spans of every code file at HEAD, each with its prefix and suffix."""
    config = sources.config
    if not config.fim:
        return
    files, units = _spanned_files(sources.files, sources.units)
    found = {record.path: _File(record, units[record.path], sources.cache) for record in files}
    written = recently_written(sources, found, config.fim_recent_commits)
    for record in files:
        yield from _file_pairs(sources, found[record.path], written.get(record.path, {}))


class _File:
    """One file's text as bytes, where its lines start, its units and its candidate spans of each type."""

    def __init__(self, record: FileRecord, units: list[Unit], cache: BuildCache | None = None) -> None:
        self.record = record
        self.units = units
        self.data = record.text.encode("utf-8", "surrogatepass")
        self.starts = list(accumulate((len(line) + 1 for line in self.data.split(b"\n")[:-1]), initial=0))
        if cache is None:
            self.candidates = candidate_spans(record.language, self.data, units)
        else:
            self.candidates = cache.spans.fetch(_spans_key(cache, record.language, self.data, units),
                                                lambda: candidate_spans(record.language, self.data, units),
                                                _decode_spans)

    def row(self, offset: int) -> int:
        """The 0-based line holding byte `offset`."""
        return bisect_right(self.starts, offset) - 1


def _spanned_files(files: Mapping[str, FileRecord], units: Iterable[Unit]) -> tuple[list[FileRecord],
                                                                                   dict[str, list[Unit]]]:
    """The code files spans are cut from, in path order, and each one's units (config blocks and deprecated
    units left out)."""
    kept: dict[str, list[Unit]] = {}
    for unit in units:
        if unit.kind not in SKIPPED_UNITS and not unit.deprecated:
            kept.setdefault(unit.path, []).append(unit)
    return [files[path] for path in sorted(kept) if path in files and files[path].language in EXTRACTORS], kept


def spans_ahead(cache: BuildCache, files: Mapping[str, FileRecord], units: Iterable[Unit], pool: Pool) -> None:
    """Work out in `pool`'s workers the candidate spans `cache` lacks of the files `fim_pairs` will cut (a
    tree-sitter pass over each code file at HEAD), before the pairs are built."""
    spanned, of_file = _spanned_files(files, units)
    work_ahead(cache.spans, _unspanned(cache, spanned, of_file), _spans_of, lambda item: len(item[1]), pool)


def _spans_key(cache: BuildCache, language: str, data: bytes, units: list[Unit]) -> bytes:
    """The key of a file's candidate spans: they depend on the language, the text and the units' lines only."""
    return cache.key("spans", language, data, *(f"{u.start_line}-{u.end_line}" for u in units))


def _unspanned(cache: BuildCache, files: list[FileRecord], units: dict[str, list[Unit]]) -> Iterator[
        tuple[bytes, tuple[str, bytes, list[Unit]]]]:
    """Each file's spans key and what `candidate_spans` needs for it, for `work_ahead`."""
    for record in files:
        data = record.text.encode("utf-8", "surrogatepass")
        yield _spans_key(cache, record.language, data, units[record.path]), (record.language, data, units[record.path])


def _spans_of(batch: list[tuple[str, bytes, list[Unit]]]) -> list[dict[str, list[Span]]]:
    """Each (language, text, units) file's candidate spans, for a pool worker."""
    return [candidate_spans(*item) for item in batch]


def recently_written(sources: Sources, files: dict[str, _File], count: int) -> dict[str, dict[Span, str]]:
    """Per path, the candidate spans whose lines one of the newest `count` commits of HEAD's first-parent
    chain last wrote, with that commit (the line-range blame of `last_changes`, stopped after them)."""
    by_sha = index_by_sha(sources.commits)
    chain: dict[str, CommitRecord] = {}
    sha = sources.head
    while sha in by_sha and len(chain) < count:
        commit = chain[sha] = by_sha[sha]
        sha = commit.parents[0] if commit.parents else ""
    touched = {change.path for commit in chain.values() for change in commit.changes}  # the others wrote nothing
    lines = {path: {span: (file.row(span[0]) + 1, file.row(max(span[1] - 1, span[0])) + 1)
                    for found in file.candidates.values() for span in found}
             for path, file in files.items() if path in touched}
    # Blamed once per line range: a line's statement, its rest and its arguments share one.
    blamed = last_changes(chain.values(), sources.head, {
        path: [(f"{path}\x00{first}\x00{last}", first, last) for first, last in set(ranges.values())]
        for path, ranges in lines.items()})
    return {path: {span: blamed[f"{path}\x00{first}\x00{last}"] for span, (first, last) in ranges.items()
                   if f"{path}\x00{first}\x00{last}" in blamed}
            for path, ranges in lines.items()}


def _file_pairs(sources: Sources, file: _File, written: dict[Span, str]) -> Iterator[Pair]:
    config = sources.config
    record, data = file.record, file.data
    rng = random.Random(f"{SEED}\x00{record.path}")
    chosen = choose_spans(file.candidates, config.fim_spans_per_file, rng, frozenset(written))
    orders = [ORDERS[rng.random() < config.fim_spm_rate] for _ in chosen]  # drawn after the spans: a rate
    lines = _lines(record.text)  # change never moves a span
    for (kind, (start, end)), order in zip(chosen, orders, strict=True):
        middle = data[start:end].decode("utf-8", "surrogatepass")
        prefix, suffix = context_of(data, lines, start, end, config.fim_context_tokens)
        unit = _innermost(file.units, file.row(start))
        commit = written.get((start, end)) or (unit.commit if unit else record.last_commit)
        pair = make_pair(sources, FIM_KIND, record.language, record.path,
                         f"Fill in the missing {SPAN_WORDS[kind]} in `{record.path}`.", middle,
                         commit=commit, key=f"{kind}@{start}-{end}")
        yield replace(pair, prefix=prefix, suffix=suffix, span=kind, order=order)


def _decode_spans(value: Any) -> dict[str, list[Span]]:
    """Candidate spans as the build cache holds them; raises TypeError or ValueError on anything else."""
    found = {kind: [(start, end) for start, end in value[kind]] for kind in SPAN_WORDS}
    if not all(type(offset) is int for spans in found.values() for span in spans for offset in span):
        raise TypeError("span offsets are not integers")
    return found


def candidate_spans(language: str, data: bytes, units: list[Unit]) -> dict[str, list[Span]]:
    """Every span of each type inside `units` (parsed cleanly, with a middle worth completing), in file order."""
    tree = parse(language, data)
    covered = bytearray(tree.root_node.end_point.row + 2)
    for unit in units:
        covered[unit.start_line - 1:unit.end_line] = b"\x01" * (unit.end_line - unit.start_line + 1)
    found: dict[str, list[Span]] = {kind: [] for kind in SPAN_WORDS}
    for node in walk(tree.root_node):
        kind_of_node = node.type  # most nodes (names, operators, literals) start no span: skipped at once
        if not (kind_of_node in BLOCKS or kind_of_node in ARGUMENT_LISTS or _statement(kind_of_node)) \
                or node.has_error or not covered[node.start_point.row] or not covered[node.end_point.row]:
            continue
        for kind, finder in SPAN_FINDERS.items():
            for start, end in finder(node, data):
                if len("".join(data[start:end].decode("utf-8", "surrogatepass").split())) >= MIN_MIDDLE_CHARS:
                    found[kind].append((start, end))
    return {kind: sorted(set(spans)) for kind, spans in found.items()}


def choose_spans(candidates: dict[str, list[Span]], count: int, rng: random.Random,
                 first: frozenset[Span] = frozenset()) -> list[tuple[str, Span]]:
    """Up to `count` spans that do not overlap, one of each type in turn (the types' order drawn from `rng`),
    each type's spans in `first` before its others."""
    kinds = [kind for kind in SPAN_WORDS if candidates.get(kind)]
    rng.shuffle(kinds)
    pools = {kind: rng.sample(candidates[kind], len(candidates[kind])) for kind in kinds}
    for pool in pools.values():
        pool.sort(key=lambda span: span in first)  # taken from the end: `first` last, in drawn order
    chosen: list[tuple[str, Span]] = []
    while len(chosen) < count and any(pools.values()):
        for kind in kinds:
            while pools[kind] and len(chosen) < count:
                span = pools[kind].pop()
                if not any(span[0] < other[1] and other[0] < span[1] for _, other in chosen):
                    chosen.append((kind, span))
                    break
    return sorted(chosen, key=lambda item: item[1])


def context_of(data: bytes, lines: list[str], start: int, end: int, budget: int) -> tuple[str, str]:
    """The prefix and suffix of the middle `data[start:end]` (`lines`: the file's, each with its newline)."""
    line_start = data.rfind(b"\n", 0, start) + 1
    line_end = data.find(b"\n", end)
    head = data[line_start:start].decode("utf-8", "surrogatepass")
    tail = data[end:len(data) if line_end < 0 else line_end + 1].decode("utf-8", "surrogatepass")
    return around(head, tail, reversed(lines[:_row(data, start)]), lines[_row(data, end) + 1:], budget)


def around(head: str, tail: str, above: Iterable[str], below: Iterable[str], budget: int) -> tuple[str, str]:
    """The prefix and suffix of a cursor (or middle) whose line holds `head` before it and `tail` after it, with
    the whole lines `above` and `below` it, nearest first, each with its newline (read only as far as they
    fit, so they may be lazy): `head` and `tail` always, then whole lines
    outward while they fit `budget` estimated tokens, the suffix at most SUFFIX_SHARE of it. The one cut of
    context around a middle: the `fim` pairs are cut with it, and so is what the editor sends (router/fim/window.py),
    so a model trained on the pairs is asked in their shape."""
    after, used = _whole_lines(below, int(budget * SUFFIX_SHARE) - _tokens(tail))
    before, _ = _whole_lines(above, budget - used - _tokens(tail) - _tokens(head))
    return "".join(reversed(before)) + head, tail + "".join(after)


def _whole_lines(lines: Iterable[str], budget: int) -> tuple[list[str], int]:
    """The lines, in the order given, while their tokens fit `budget`; and the tokens they take."""
    kept: list[str] = []
    used = 0
    for line in lines:
        if used + _tokens(line) > budget:
            break
        used += _tokens(line)
        kept.append(line)
    return kept, used


@lru_cache(maxsize=1 << 16)
def _tokens(line: str) -> int:
    """Estimated tokens of one line; lines repeat (`}`, `return nil`), so each is counted once."""
    return estimate_tokens(line)


def _lines(text: str) -> list[str]:
    """The lines as tree-sitter counts rows (at `\\n` only), each with its newline."""
    parts = text.split("\n")
    return [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def _row(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset)


def _innermost(units: list[Unit], row: int) -> Unit | None:
    """The unit whose lines hold 0-based `row` that starts last: a method rather than its class."""
    holding = [u for u in units if u.start_line - 1 <= row <= u.end_line - 1]
    return max(holding, key=lambda u: u.start_line) if holding else None


def _line(node: Node, data: bytes) -> list[Span]:
    """A statement alone on its line, from its first character to its last (the indentation is the prefix's)."""
    return [(node.start_byte, node.end_byte)] if _whole_line(node, data) else []


def _rest_of_line(node: Node, data: bytes) -> list[Span]:
    """From each part of a one-line statement that runs to the statement's end (`x = ` | `f(a)`), the rest."""
    if not _whole_line(node, data):
        return []
    ends = {node.end_byte, node.end_byte - 1} if data[node.end_byte - 1:node.end_byte] == b";" else {node.end_byte}
    return [(part.start_byte, node.end_byte) for part in walk(node)
            if part.is_named and part.start_byte > node.start_byte and part.end_byte in ends]


def _block(node: Node, data: bytes) -> list[Span]:
    """A block's statements, from the first to the last (the braces and the header stay around them)."""
    body = node.named_children if node.type in BLOCKS else []
    if len(body) == 1 and body[0].type == "statement_list":  # Go's list runs on to the closing brace's line
        body = body[0].named_children
    if not body or not 1 <= body[-1].end_point.row - body[0].start_point.row < MAX_MIDDLE_LINES:
        return []
    return [(body[0].start_byte, body[-1].end_byte)]


def _arguments(node: Node, data: bytes) -> list[Span]:
    """A call's arguments inside its parentheses."""
    args = [child for child in node.named_children if child.type not in COMMENTS] \
        if node.type in ARGUMENT_LISTS else []
    if not args or args[-1].end_point.row - args[0].start_point.row >= MAX_MIDDLE_LINES:
        return []
    return [(args[0].start_byte, args[-1].end_byte)]


def _whole_line(node: Node, data: bytes) -> bool:
    """A statement of a block that starts and ends one line, with nothing else on it."""
    if not _statement(node.type) or node.parent is None \
            or node.parent.type not in STATEMENT_PARENTS or node.start_point.row != node.end_point.row:
        return False
    line_start = data.rfind(b"\n", 0, node.start_byte) + 1
    line_end = data.find(b"\n", node.end_byte)
    rest = data[node.end_byte:len(data) if line_end < 0 else line_end]
    return not data[line_start:node.start_byte].strip() and not rest.strip()


def _statement(node_type: str) -> bool:
    return node_type.endswith("_statement") or node_type in DECLARATIONS


SPAN_FINDERS: dict[str, Callable[[Node, bytes], list[Span]]] = {
    "line": _line, "rest-of-line": _rest_of_line, "block": _block, "arguments": _arguments,
}
