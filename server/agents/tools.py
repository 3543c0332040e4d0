"""The answers of `idiom mcp`'s tools, each a function of the server's state and the tool's arguments that
returns plain data: what Idiomatic already computes, reached the way the CLI and the editor reach it.

- `conventions_for`: the mined rules lint applies to a path (`relevant_rules`), with their evidence and the
  lines of code that follow them;
- `search`: what `idiom search` and RAG retrieve for a position in a file or a query;
- `check`: the cascade's fast rules on proposed code (`fast_results`: not degenerate, no secret, parses) and
  the conventions as the editor's diagnostics check a buffer (`lint_text`), each failure with its line;
- `examples`: the team's units of a kind in files of the path's role (the index's look-alikes);
- `generate`: the routed answer, as `idiom generate` gives it, when a provider is configured.

`routed` and `answer_json` are that answer's two halves, which the team server (server/api) calls too, so it
routes, logs and answers exactly as the agents' tool does.

A bad argument, or an artifact not built yet, is an `IdiomError` whose one line says what to do.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harvest.classify import language_of
from harvest.conventions.checks import parse_type
from harvest.conventions.lint import evidence_of, lint_text, relevant_rules
from harvest.conventions.rules import Rule, severity_of
from harvest.errors import InputError
from harvest.scrub import PRECISE, scrub
from harvest.testkind.recorded import recorded_profile
from harvest.units import first_parse_error_line
from router.contracts import CompletionRequest
from router.generate import request_at
from router.providers.base import credentials_problem
from router.requests import request_in
from router.routing import Routed, answer, fast_results
from router.strategies.rag.focus import Focus, focus_of_file
from router.strategies.rag.modes import MODES
from router.strategies.rag.retrieve import Hit
from router.validation.rules import REPOSITORY_CHECKS
from server.agents.state import AgentState

EXAMPLE_PLACES = 3  # places that follow a convention, shown with their line of code
MAX_RESULTS = 50  # search and examples: more would crowd the agent's context, not inform it


def conventions_for(state: AgentState, path: str) -> dict[str, Any]:
    """The proposed conventions that apply to `path` (rules before habits), each with why it is believed and
    a few places in the team's code that follow it."""
    where = state.inside(path)
    rules = relevant_rules(list(state.conventions().values()), where, recorded_profile(state.repo))
    rules.sort(key=lambda r: (severity_of(r) != "warning", -r.confidence, r.id))
    return {"path": where, "conventions": [_convention(state, rule) for rule in rules]}


def _convention(state: AgentState, rule: Rule) -> dict[str, Any]:
    return {"id": rule.id, "rule": rule.message, "severity": severity_of(rule), "evidence": evidence_of(rule),
            "examples": [_place(state, place) for place in rule.evidence[:EXAMPLE_PLACES]],
            "applies_to": {"paths": list(rule.paths), "exclude": list(rule.exclude), "kinds": list(rule.kinds),
                           "language": rule.language, "unit_kind": rule.unit_kind}}


def _place(state: AgentState, place: str) -> dict[str, str]:
    """A place that follows a rule ("path:line", or a review quote), with that line's code when it is one."""
    path, _, line = place.rpartition(":")
    if not path or not line.isdigit():
        return {"place": place}
    try:
        lines = (state.repo / state.inside(path)).read_text(encoding="utf-8", errors="replace").splitlines()
    except (OSError, InputError):
        return {"place": place}
    number = int(line)
    return {"place": place, "code": lines[number - 1].strip()} if 1 <= number <= len(lines) else {"place": place}


def search(state: AgentState, path: str = "", line: int = 0, query: str = "", mode: str = "hybrid",
           k: int = 8) -> dict[str, Any]:
    """The team's code for a position in a file (`path` and `line`) or a `query`: the definitions the code
    there depends on and the units of files of the same role, each with why it was chosen."""
    if mode not in MODES:
        raise InputError(f"unknown mode {mode!r}; modes: {', '.join(MODES)}")
    if path:
        focus = _focus(state, path, line, query)
    elif query.strip():
        focus = Focus(instruction=query)
    else:
        raise InputError("give path and line (a position in a file), or a query")
    opened = state.index()
    hits = opened.retriever.search(focus, _count(k), mode)
    return {"mode": mode, "results": [_hit(hit, opened.texts) for hit in hits]}


def _focus(state: AgentState, path: str, line: int, query: str) -> Focus:
    where = state.inside(path)
    file = state.repo / where
    if not file.is_file():
        raise InputError(f"{where} is not a file in {state.repo}; search with a query for code not written yet")
    count = len(file.read_text(encoding="utf-8", errors="replace").splitlines())
    if not 1 <= line <= max(count, 1):
        raise InputError(f"line {line}: {where} has {count} line(s); give the cursor's line, 1-based")
    return focus_of_file(state.repo, where, line, query)


def _count(k: int) -> int:
    if not 1 <= k <= MAX_RESULTS:
        raise InputError(f"k {k}: ask for 1 to {MAX_RESULTS} results")
    return k


def _hit(hit: Hit, texts: Mapping[str, str]) -> dict[str, Any]:
    return {"path": hit.path, "line": hit.start_line, "end_line": hit.end_line, "kind": hit.kind, "name": hit.name,
            "source": hit.source, "why": hit.why, "code": hit.text or texts.get(hit.unit, "")}


def examples(state: AgentState, kind: str, path: str, k: int = 4) -> dict[str, Any]:
    """The team's own units of `kind` (component, hook, test, function, …) from files of the same role as
    `path`, closest first: how the team writes that kind of code there."""
    where = state.inside(path)
    opened = state.index()
    kinds = sorted(opened.retriever.rows.kinds.values)
    if kind not in kinds:
        raise InputError(f"no units of kind {kind!r} in the index; kinds: {', '.join(kinds)}")
    hits = opened.retriever.search(Focus(where, language_of(where)), _count(k), "similar", kind=kind)
    return {"kind": kind, "path": where, "examples": [_hit(hit, opened.texts) for hit in hits]}


def check(state: AgentState, path: str, code: str) -> dict[str, Any]:
    """`code` as the whole file `path`, against the fast rules every routed answer must pass and the team's
    conventions: failures (rules of the warning tier) and habits (information), each with its line (0: the
    whole file). Conventions about folders (layout) and commits are not the code's to break, as in the
    cascade; `conventions` lists them."""
    where = state.inside(path)
    language = language_of(where)
    conventions = state.conventions()
    failures = [{"rule": name, "line": _line(name, code, language, where), "reason": result.reason}
                for name, result in fast_results(code, CompletionRequest(path=where, language=language), "", {})]
    habits = []
    for violation in lint_text(state.repo, where, code, list(conventions.values())):
        if parse_type(conventions[violation.rule])[0] in REPOSITORY_CHECKS:  # about the folder, as in the cascade
            continue
        found = {"rule": violation.rule, "line": violation.line, "reason": violation.message,
                 "evidence": violation.evidence}
        (failures if violation.severity == "warning" else habits).append(found)
    return {"path": where, "passed": not failures, "failures": failures, "habits": habits}


def _line(rule: str, code: str, language: str, path: str) -> int:
    """Where a fast rule fails in `code`: the first syntax error, the first secret; 0 for the whole text."""
    if rule == "parses":
        return first_parse_error_line(language, code)
    if rule == "no-secret":
        return min((f.line for f in scrub(code, path=path, profile=PRECISE).findings), default=0)
    return 0


def generate(state: AgentState, instruction: str, path: str = "") -> dict[str, Any]:
    """The routed answer to `instruction` for the file `path` (its code as the context; a new file: none), as
    `idiom generate` gives it; refused in one line when no model provider is configured."""
    return answer_json(routed(state, generate_request(state, instruction, path)))


def generate_request(state: AgentState, instruction: str, path: str = "",
                     selection: tuple[int, int] | None = None) -> CompletionRequest:
    """The request for `instruction` in the file `path`; `selection` (first and last line, 1-based) is code of
    the file the answer replaces."""
    if not instruction.strip():
        raise InputError("instruction is empty; say what code to write")
    where = state.inside(path) if path else ""
    if where and (state.repo / where).is_dir():
        raise InputError(f"{where} is a folder; give the file the code is for")
    return request_at(state.repo, instruction, where, 0) if selection is None else \
        _selected(state, instruction, where, selection)


def _selected(state: AgentState, instruction: str, where: str, selection: tuple[int, int]) -> CompletionRequest:
    file = state.repo / where if where else None
    if file is None or not file.is_file():
        raise InputError("a selection needs the path of an existing file")
    lines = file.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)
    first, last = selection
    if not 1 <= first <= last <= len(lines):
        raise InputError(f"selection {first}-{last}: {where} has {len(lines)} line(s); give first <= last, 1-based")
    return request_in("".join(lines), len("".join(lines[:first - 1])), len("".join(lines[:last])), where, instruction)


def routed(state: AgentState, request: CompletionRequest, allowed: tuple[str, ...] = (),
           developer: str = "") -> Routed:
    """Route, cascade and log `request` (among `allowed` strategies when given) as asked by `developer`;
    refused in one line when no model provider is configured."""
    config = state.router_config()
    problem = credentials_problem(config.provider, config.base_url)
    if problem:
        raise InputError(f"answers need a model provider, and none is configured ({problem}); conventions, "
                         "search and check work without one")
    return answer(request, state.strategies, config, state.index_config(), state.conventions(), allowed=allowed,
                  developer=developer)


def answer_json(routed: Routed) -> dict[str, Any]:
    """A routed answer as plain data: the text, who answered and why, every attempt, the request's id."""
    completion = routed.completion
    return {"text": completion.text if completion else "", "answered": completion is not None,
            "strategy": completion.strategy if completion else "", "kind": routed.kind,
            "reason": routed.decision.reason if completion else "no strategy's answer passed the team's rules",
            "attempts": [{"strategy": a.strategy, "passed": a.passed, "reason": a.reason} for a in routed.attempts],
            "sources": list(completion.sources) if completion else [], "request_id": routed.request_id}
