"""The rules a completion is checked against: small pure functions in a registry, each returning a
`RuleResult`. A `not-` prefix inverts any rule and is handled once, in `check`.

Suites and the mined conventions use the same assertion format: `{type: contains, value: "import
styled"}`, `{type: not-contains, value: "test("}`, `{type: convention, value: <rule id>}`. `command`
rules run a program on the output and are untrusted input: they run only when allowed.
"""

from __future__ import annotations

import difflib
import functools
import re
import shlex
import subprocess
import tempfile
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from harvest.conventions.checks import NEEDS_UNITS, applies, parse_type, run_check
from harvest.conventions.rules import Hit, Rule, Subject, severity_of
from harvest.errors import ConfigError
from harvest.patterns import linear
from harvest.records import Unit
from harvest.units import count_parse_errors, extract_units
from harvest.units.languages import GRAMMARS, grammar, inserted_rows, parse

COMMAND_TIMEOUT_S = 30.0
LOOP_COMPRESSION = 0.12  # zlib ratio under which a long output is a repetition loop
LOOP_MIN_CHARS = 200
REPOSITORY_CHECKS = frozenset({"path-layout", "commit-format"})  # conventions one output cannot break
COMMENT = re.compile(r"^\s*(#|//|/\*|\*|\*/|<!--|--)")
# An inline completion within this edit similarity of the team's middle counts as kept: see _edit_similarity.
EDIT_SIMILARITY = 0.7


@dataclass(frozen=True)
class Output:
    """A completion and what was asked: the text, where it goes, the reference answer, the call's cost."""

    text: str
    language: str = ""
    path: str = ""
    kind: str = ""
    reference: str = ""
    tokens: int = 0
    cost_usd: float | None = None
    latency_s: float = 0.0
    around: tuple[str, str] = ("", "")  # the file's code before and after an answer given at a cursor

    @property
    def in_place(self) -> bool:
        """Whether the answer goes into a file with code around it: then it is a fragment, and rules about
        a whole file judge the file with the answer in place and count only what the answer breaks."""
        return any(self.around)

    @property
    def whole(self) -> str:
        """The file with the answer in place (the answer alone when there is no code around it)."""
        return self.around[0] + self.text + self.around[1]

    @property
    def touched(self) -> tuple[tuple[int, int], tuple[int, int]] | None:
        """The lines (first, last: 1-based) the answer changed in `whole`, and the same lines of the file before it:
        its own lines and, in a language with a grammar, those whose syntax it changed (`inserted_rows`). None when
        every line is to be looked at: for an answer that is a file by itself, or one in a file too large."""
        return _touched(self.language, *self.around, self.text) if self.in_place else None

    @property
    def without(self) -> Output:
        """The file as it was before the answer: what it already broke is not the answer's fault."""
        return replace(self, text="")


@functools.lru_cache(maxsize=16)  # asked by every convention checked on the answer
def _touched(language: str, prefix: str, suffix: str, text: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    breaks = text.count("\n")
    if language not in GRAMMARS:
        first = prefix.count("\n")
        return (first + 1, first + breaks + 1), (first + 1, first + 1)
    before = prefix.encode("utf-8", "surrogatepass")
    rows = inserted_rows(language, before + suffix.encode("utf-8", "surrogatepass"), len(before),
                         text.encode("utf-8", "surrogatepass"))
    if rows is None:
        return None
    first, last = rows
    return (first + 1, last + 1), (first + 1, max(first, last - breaks) + 1)


@dataclass(frozen=True)
class Context:
    """What rules may use beyond the output: the team's conventions, and whether commands may run."""

    conventions: dict[str, Rule] = field(default_factory=dict)
    allow_commands: bool = False


@dataclass(frozen=True)
class RuleResult:
    """Whether the output follows the rule, a 0–1 score, and why; `skipped` rules count for nothing."""

    passed: bool
    score: float
    reason: str
    skipped: bool = False


def verdict(passed: bool, reason: str, score: float | None = None) -> RuleResult:
    return RuleResult(passed, float(passed) if score is None else score, reason)


def _contains(value: Any, out: Output, ctx: Context) -> RuleResult:
    return verdict(str(value) in out.text, f"contains `{value}`" if str(value) in out.text else f"lacks `{value}`")


def _icontains(value: Any, out: Output, ctx: Context) -> RuleResult:
    found = str(value).lower() in out.text.lower()
    return verdict(found, f"{'contains' if found else 'lacks'} `{value}` (any case)")


def _contains_any(value: Any, out: Output, ctx: Context) -> RuleResult:
    found = [v for v in _items(value) if v in out.text]
    return verdict(bool(found), f"contains `{found[0]}`" if found else f"lacks all of {_items(value)}")


def _contains_all(value: Any, out: Output, ctx: Context) -> RuleResult:
    items = _items(value)
    missing = [v for v in items if v not in out.text]
    return verdict(not missing, f"lacks {missing}" if missing else f"contains all {len(items)}",
                   1 - len(missing) / len(items) if items else 1.0)


def _regex(value: Any, out: Output, ctx: Context) -> RuleResult:
    try:
        found = linear(str(value)).search(out.text)
    except ConfigError as exc:
        raise ConfigError(f"regex rule: {exc}") from None
    return verdict(found is not None, f"matches `{found.group(0)[:60]}`" if found else f"does not match `{value}`")


def _starts_with(value: Any, out: Output, ctx: Context) -> RuleResult:
    ok = out.text.lstrip().startswith(str(value))
    return verdict(ok, f"{'starts' if ok else 'does not start'} with `{value}`")


def _parses(value: Any, out: Output, ctx: Context) -> RuleResult:
    language = str(value or out.language)
    if language not in GRAMMARS:
        return verdict(False, f"cannot parse {language or 'an unknown language'}")
    errors = count_parse_errors(language, out.whole)
    if out.in_place:
        errors -= count_parse_errors(language, out.without.whole) if errors else 0
        return verdict(errors <= 0, f"parses as {language} in place" if errors <= 0 else
                       f"{errors} syntax error(s) as {language} that the file did not have")
    return verdict(errors == 0, f"parses as {language}" if not errors else f"{errors} syntax errors as {language}")


def _ts_query(value: Any, out: Output, ctx: Context) -> RuleResult:
    from tree_sitter import Query, QueryCursor

    if out.language not in GRAMMARS:
        return verdict(False, f"no grammar for {out.language or 'an unknown language'}")
    try:
        query = Query(grammar(out.language), str(value))
    except Exception as exc:  # tree-sitter raises QueryError subclasses per problem
        raise ConfigError(f"ts-query rule: invalid query for {out.language} ({exc})") from None
    matches = QueryCursor(query).matches(parse(out.language, out.text.encode("utf-8", "surrogatepass")).root_node)
    return verdict(bool(matches), f"{len(matches)} match(es) of the query" if matches else "the query does not match")


def _no_secret(value: Any, out: Output, ctx: Context) -> RuleResult:
    from harvest.scrub import PRECISE, scrub

    # A gate on generated code: precise, so a fixture's random id does not fail an otherwise good answer.
    findings = scrub(out.text, path=out.path or None, profile=PRECISE).findings
    return verdict(not findings, "no secret" if not findings else
                   f"{len(findings)} secret(s): {', '.join(sorted({f.rule for f in findings}))}")


def _max_tokens(value: Any, out: Output, ctx: Context) -> RuleResult:
    return verdict(out.tokens <= float(value), f"{out.tokens} tokens (max {value})")


def _max_cost(value: Any, out: Output, ctx: Context) -> RuleResult:
    if out.cost_usd is None:
        return RuleResult(True, 1.0, "no price known for the model", skipped=True)
    return verdict(out.cost_usd <= float(value), f"${out.cost_usd:.6f} (max ${float(value):.6f})")


def _max_latency(value: Any, out: Output, ctx: Context) -> RuleResult:
    return verdict(out.latency_s <= float(value), f"{out.latency_s:.2f} s (max {value} s)")


def _similar(value: Any, out: Output, ctx: Context) -> RuleResult:
    if not out.reference:
        return verdict(False, "no reference completion to compare with")
    ratio = difflib.SequenceMatcher(None, out.text, out.reference, autojunk=False).ratio()
    return verdict(ratio >= float(value or 0.5), f"edit similarity {ratio:.2f} (min {value or 0.5})", ratio)


def _exact_match(value: Any, out: Output, ctx: Context) -> RuleResult:
    """The answer is the reference, whitespace aside (RepoCoder's and CrossCodeEval's exact match)."""
    if not out.reference:
        return verdict(False, "no reference completion to compare with")
    same = " ".join(out.text.split()) == " ".join(out.reference.split())
    return verdict(same, "the expected code, whitespace aside" if same else "not the expected code")


def _edit_similarity(value: Any, out: Output, ctx: Context) -> RuleResult:
    """1 - the Levenshtein distance over the longer length, of the answer and the reference (ends stripped).

    The default threshold, 0.7, lets a one-line middle of 30 characters differ by 9: a different name or
    argument the developer fixes in place, while an unrelated line of the same file scores under it
    (docs/validation.md gives the measurement)."""
    from rapidfuzz.distance import Levenshtein

    if not out.reference:
        return verdict(False, "no reference completion to compare with")
    threshold = EDIT_SIMILARITY if value is None else float(value)
    score = Levenshtein.normalized_similarity(out.text.strip(), out.reference.strip())
    return verdict(score >= threshold, f"edit similarity {score:.2f} (min {threshold})", score)


def _not_degenerate(value: Any, out: Output, ctx: Context) -> RuleResult:
    text = out.text.strip()
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return verdict(False, "empty output")
    if all(COMMENT.match(line) for line in lines):
        return verdict(False, "only comments")
    ratio = len(zlib.compress(text.encode())) / len(text.encode())
    if len(text) >= LOOP_MIN_CHARS and ratio < LOOP_COMPRESSION:
        return verdict(False, f"a repetition loop (compresses to {ratio:.0%})")
    repeated = max((lines[i:].count(lines[i]) for i in range(len(lines)) if len(lines[i].strip()) > 3), default=0)
    if repeated >= 4 and repeated * 2 > len(lines):
        return verdict(False, f"one line repeated {repeated} times")
    return verdict(True, "not degenerate")


def _defines(value: Any, out: Output, ctx: Context) -> RuleResult:
    from harvest.graph import file_facts
    from harvest.graph.graph import IDENTIFIERS

    path = out.path or f"output.{out.language}"
    names = {u.name for u in extract_units(path, out.language, out.text)}
    if out.language in IDENTIFIERS:
        names |= {d.name for d in file_facts(path, out.language, out.text).definitions}
    found = str(value) in names
    return verdict(found, f"defines `{value}`" if found else f"does not define `{value}` (defines {sorted(names)[:5]})")


def _command(value: Any, out: Output, ctx: Context) -> RuleResult:
    if not ctx.allow_commands:
        return RuleResult(True, 1.0, f"skipped: `{value}` needs --allow-commands", skipped=True)
    # The temporary file's name is ours, bar the extension, which is cut to safe characters: a command
    # such as `sh -c "tsc {file}"` must not find shell syntax in a path a suite chose.
    suffix = re.sub(r"[^A-Za-z0-9.]", "", PurePosixPath(out.path).suffix) or ".txt"
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / f"output{suffix}"
        file.write_text(out.text, encoding="utf-8")
        argv = [part.replace("{file}", str(file)) for part in shlex.split(str(value))]
        if "{file}" not in str(value):
            argv.append(str(file))
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S, cwd=folder)
        except FileNotFoundError:
            return verdict(False, f"`{argv[0]}` is not installed")
        except subprocess.TimeoutExpired:
            return verdict(False, f"`{argv[0]}` took over {COMMAND_TIMEOUT_S:.0f} s")
    first = (done.stdout + done.stderr).strip().splitlines()[:1]
    return verdict(done.returncode == 0, f"`{argv[0]}` exit {done.returncode}" + (f": {first[0][:120]}" if first else ""))


@functools.lru_cache(maxsize=16)
def _units(path: str, language: str, text: str, lines: tuple[int, int] | None) -> tuple[Unit, ...]:
    """Units of a checked text (those meeting `lines`, when given), parsed once for all the conventions checked
    on it."""
    return tuple(extract_units(path, language, text, lines))


def _convention(value: Any, out: Output, ctx: Context) -> RuleResult:
    rule = ctx.conventions.get(str(value))
    if rule is None:
        return RuleResult(True, 1.0, f"skipped: no convention {value!r} in conventions.yaml", skipped=True)
    if rule.status != "proposed":
        return RuleResult(True, 1.0, f"skipped: {rule.id} is a candidate (stated in review, not yet borne out by "
                                     "the code)", skipped=True)
    if severity_of(rule) != "warning":  # a habit most of the code follows: never a reason to fail an answer
        return RuleResult(True, 1.0, f"skipped: {rule.id} is information ({rule.confidence:.0%} follow it), "
                                     "not a warning", skipped=True)
    if rule.type.removeprefix("not-") in REPOSITORY_CHECKS:
        return RuleResult(True, 1.0, f"skipped: {rule.id} is about the repository's folders, not this code",
                          skipped=True)
    if out.path and not applies(rule, out.path, out.language):
        return RuleResult(True, 1.0, f"skipped: {rule.id} does not apply to {out.path}", skipped=True)
    lines, lines_before = out.touched or (None, None)
    hits = _convention_hits(rule, out, lines)
    if hits and out.in_place:
        hits = _added(hits, _convention_hits(rule, out.without, lines_before))
        if not hits:
            return verdict(True, f"{rule.message} (the file broke it there before this answer)")
    return verdict(not hits, rule.message if not hits else f"{rule.message}: line {hits[0].line} {hits[0].message}")


def _convention_hits(rule: Rule, out: Output, lines: tuple[int, int] | None) -> list[Hit]:
    """Where the file (with the answer in place, when it has code around it) breaks `rule`; a unit rule looks at
    the units meeting `lines` when given (`Output.touched`): the others are as they were before the answer, and
    finding them all on every request was most of the fast rules' time (bench/RESULTS.md, issue 17, stop 50)."""
    path = out.path or f"output.{out.language}"
    units = _units(path, out.language, out.whole, lines) if parse_type(rule)[0] in NEEDS_UNITS else ()
    return run_check(rule, Subject(out.path, out.whole, units))


def _added(after: list[Hit], before: list[Hit]) -> list[Hit]:
    """The hits of `after` that `before` does not have, compared by what they say: an edit moves the lines of
    what was there, and only what it adds is its fault (a name the file broke the rule with stays the file's)."""
    left = Counter(hit.message for hit in before)
    added = []
    for hit in after:
        if left[hit.message]:
            left[hit.message] -= 1
        else:
            added.append(hit)
    return added


Check = Callable[[Any, Output, Context], RuleResult]
RULES: dict[str, Check] = {
    "contains": _contains, "icontains": _icontains, "contains-any": _contains_any, "contains-all": _contains_all,
    "regex": _regex, "starts-with": _starts_with, "parses": _parses, "ts-query": _ts_query,
    "no-secret": _no_secret, "max-tokens": _max_tokens, "max-cost": _max_cost, "max-latency": _max_latency,
    "similar": _similar, "not-degenerate": _not_degenerate, "defines": _defines, "command": _command,
    "convention": _convention, "exact-match": _exact_match, "edit-similarity": _edit_similarity,
}
FAST = frozenset({"contains", "icontains", "contains-any", "contains-all", "regex", "starts-with", "parses",
                  "no-secret", "not-degenerate", "convention"})  # cheap enough for the request path


def rule_name(kind: str) -> tuple[str, bool]:
    """(registered name, negated) for `kind`; an unknown rule is a ConfigError listing the known ones."""
    negated = kind.startswith("not-") and kind[4:] in RULES
    name = kind[4:] if negated else kind
    if name not in RULES:
        raise ConfigError(f"unknown rule {kind!r}; rules: {', '.join(RULES)} (each may be prefixed not-)")
    return name, negated


def check(kind: str, value: Any, out: Output, ctx: Context = Context()) -> RuleResult:
    """Run rule `kind` (maybe `not-`-prefixed) with `value` on `out`."""
    name, negated = rule_name(kind)
    result = RULES[name](value, out, ctx)
    if not negated or result.skipped:
        return result
    return RuleResult(not result.passed, 1.0 - result.score, f"not: {result.reason}")


def _items(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]
