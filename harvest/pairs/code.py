"""Pairs that teach how the team writes a unit: "create component X with props …" → its code at HEAD.

One pair per function, class (Go and Java types too), component, hook, styled component and route; a
method, constructor or nested class written inside its class only when the class is too long to be a
completion itself (Go declares methods apart from their type: each is its own pair). Deprecated units
are left to the deprecation pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from harvest.pairs.phrasing import (
    code_list,
    first_sentence,
    framework_of,
    language_name,
    parameters_of,
    props_of,
    type_word,
)
from harvest.pairs.sources import Sources, make_pair
from harvest.records import Pair, Unit

CODE_KINDS = frozenset({"function", "method", "constructor", "class", "component", "styled", "hook", "route"})
MEMBERS = frozenset({"method", "constructor"})
PAIR_KINDS = {"constructor": "method"}  # a constructor is taught as a method, like Python's `__init__`
LONG_CLASS_LINES = 120  # a class longer than this is taught method by method instead


def code_pairs(sources: Sources) -> Iterator[Pair]:
    """Functions, classes, components, hooks, styled components and routes at HEAD → their code."""
    by_name: dict[tuple[str, str], list[Unit]] = {}
    for unit in sources.units:
        by_name.setdefault((unit.path, unit.name), []).append(unit)
    for unit in sources.units:
        if unit.kind not in CODE_KINDS:
            continue
        member = unit.kind in MEMBERS or (unit.kind == "class" and unit.parent)  # a nested class is a member too
        if member and not _taught_alone(unit, by_name.get((unit.path, unit.parent), [])):
            continue
        if unit.kind == "class" and _long(unit):
            continue
        record = sources.files.get(unit.path)
        prompt = INSTRUCTIONS[unit.kind](unit, record.text if record else "")
        doc = first_sentence(unit.doc)
        if doc and unit.kind not in ("function", "method", "constructor", "hook"):
            prompt += f" Its purpose: {doc}."
        if unit.imports:
            prompt += f" It uses {code_list(list(unit.imports), 4)}."
        yield make_pair(sources, PAIR_KINDS.get(unit.kind, unit.kind), unit.language, unit.path, prompt, unit.text,
                        commit=unit.commit, key=unit.id, unit=unit.id)


def _taught_alone(member: Unit, owners: list[Unit]) -> bool:
    """Whether a member needs its own pair: written outside its owner's text (Go) or inside a long class.

    Inside a short class, or inside a test suite or component, the owner's pair already shows it.
    """
    owner = next((u for u in owners if u is not member and u.start_line <= member.start_line <= u.end_line), None)
    return owner is None or (owner.kind == "class" and _long(owner))


def _long(unit: Unit) -> bool:
    return unit.end_line - unit.start_line + 1 > LONG_CLASS_LINES


def _component(unit: Unit, file_text: str) -> str:
    props = props_of(unit, file_text)
    with_props = f" with props {code_list(props)}" if props else ""
    return f"Create a React component `{unit.name}`{with_props} in `{unit.path}`."


def _function(unit: Unit, _text: str) -> str:
    if unit.kind == "constructor":
        subject = f"constructor of `{unit.parent or unit.name}`"
    else:
        what = "method" if unit.kind == "method" else "function"
        subject = f"{what} `{unit.parent}.{unit.name}`" if unit.parent else f"{what} `{unit.name}`"
    doc = first_sentence(unit.doc)
    params = parameters_of(unit)
    takes = f" taking {code_list(params)}" if params else ""
    that = f" that does this: {doc}" if doc else ""
    return f"Write the {language_name(unit.language)} {subject}{takes} in `{unit.path}`{that}."


def _hook(unit: Unit, _text: str) -> str:
    params = parameters_of(unit)
    takes = f" taking {code_list(params)}" if params else ""
    doc = first_sentence(unit.doc)
    that = f" that does this: {doc}" if doc else ""
    return f"Write a React hook `{unit.name}`{takes} in `{unit.path}`{that}."


def _class(unit: Unit, _text: str) -> str:
    header = unit.signature.strip().rstrip(":{ ")
    return (f"Write the {language_name(unit.language)} {type_word(unit.subkind)} `{unit.name}` (`{header}`) "
            f"in `{unit.path}`.")


def _styled(unit: Unit, _text: str) -> str:
    return f"Define the styled component `{unit.name}` in `{unit.path}`."


def _route(unit: Unit, _text: str) -> str:
    framework = framework_of(unit)
    kind = f"{framework} route" if framework else "route"
    return f"Add the {kind} `{unit.name}` in `{unit.path}`."


INSTRUCTIONS: dict[str, Callable[[Unit, str], str]] = {
    "function": _function, "method": _function, "constructor": _function, "class": _class, "component": _component,
    "styled": _styled, "hook": _hook, "route": _route,
}
