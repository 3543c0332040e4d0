"""Pairs that teach how the team writes a unit: "create component X with props …" → its code at HEAD.

One pair per function, class, component, hook, styled component and route; methods only when their
class is too long to be a completion itself. Deprecated units are left to the deprecation pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from harvest.pairs.phrasing import code_list, first_sentence, framework_of, language_name, parameters_of, props_of
from harvest.pairs.sources import Sources, make_pair
from harvest.records import Pair, Unit

CODE_KINDS = frozenset({"function", "method", "class", "component", "styled", "hook", "route"})
LONG_CLASS_LINES = 120  # a class longer than this is taught method by method instead


def code_pairs(sources: Sources) -> Iterator[Pair]:
    """Functions, classes, components, hooks, styled components and routes at HEAD → their code."""
    long_classes = {(u.path, u.name) for u in sources.units
                    if u.kind == "class" and u.end_line - u.start_line + 1 > LONG_CLASS_LINES}
    for unit in sources.units:
        if unit.kind not in CODE_KINDS:
            continue
        if unit.kind == "method" and (unit.path, unit.parent) not in long_classes:
            continue
        if unit.kind == "class" and (unit.path, unit.name) in long_classes:
            continue
        record = sources.files.get(unit.path)
        prompt = INSTRUCTIONS[unit.kind](unit, record.text if record else "")
        doc = first_sentence(unit.doc)
        if doc and unit.kind not in ("function", "method", "hook"):
            prompt += f" Its purpose: {doc}."
        if unit.imports:
            prompt += f" It uses {code_list(list(unit.imports), 4)}."
        yield make_pair(sources, unit.kind, unit.language, unit.path, prompt, unit.text,
                        commit=unit.commit, key=unit.id, unit=unit.id)


def _component(unit: Unit, file_text: str) -> str:
    props = props_of(unit, file_text)
    with_props = f" with props {code_list(props)}" if props else ""
    return f"Create a React component `{unit.name}`{with_props} in `{unit.path}`."


def _function(unit: Unit, _text: str) -> str:
    what = "method" if unit.kind == "method" else "function"
    name = f"{unit.parent}.{unit.name}" if unit.parent else unit.name
    doc = first_sentence(unit.doc)
    params = parameters_of(unit)
    takes = f" taking {code_list(params)}" if params else ""
    that = f" that does this: {doc}" if doc else ""
    return f"Write the {language_name(unit.language)} {what} `{name}`{takes} in `{unit.path}`{that}."


def _hook(unit: Unit, _text: str) -> str:
    params = parameters_of(unit)
    takes = f" taking {code_list(params)}" if params else ""
    doc = first_sentence(unit.doc)
    that = f" that does this: {doc}" if doc else ""
    return f"Write a React hook `{unit.name}`{takes} in `{unit.path}`{that}."


def _class(unit: Unit, _text: str) -> str:
    header = unit.signature.strip().rstrip(":{ ")
    return f"Write the {language_name(unit.language)} class `{unit.name}` (`{header}`) in `{unit.path}`."


def _styled(unit: Unit, _text: str) -> str:
    return f"Define the styled component `{unit.name}` in `{unit.path}`."


def _route(unit: Unit, _text: str) -> str:
    framework = framework_of(unit)
    kind = f"{framework} route" if framework else "route"
    return f"Add the {kind} `{unit.name}` in `{unit.path}`."


INSTRUCTIONS: dict[str, Callable[[Unit, str], str]] = {
    "function": _function, "method": _function, "class": _class, "component": _component,
    "styled": _styled, "hook": _hook, "route": _route,
}
