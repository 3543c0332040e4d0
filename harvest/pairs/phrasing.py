"""Deterministic wording for pair instructions, built from what a unit's code and docs say.

No language model is involved: the phrasing is the same for the same code, so datasets are reproducible.
"""

from __future__ import annotations

import re

from harvest.records import Unit

LANGUAGE_NAMES = {"python": "Python", "typescript": "TypeScript", "tsx": "TypeScript (TSX)",
                  "javascript": "JavaScript", "go": "Go", "java": "Java"}
FRAMEWORKS = (("fastapi", "FastAPI"), ("flask", "Flask"), ("express", "Express"), ("django", "Django"))

_DESTRUCTURED = re.compile(r"\(\s*\{([^{}]*)\}")
_PY_PARAMS = re.compile(r"\((.*)\)", re.DOTALL)
_IDENT = re.compile(r"^\s*(?:\.\.\.)?([A-Za-z_$][\w$]*)")


def language_name(language: str) -> str:
    """How people write the language's name."""
    return LANGUAGE_NAMES.get(language, language or "plain text")


def first_sentence(doc: str) -> str:
    """The doc's first sentence, as a clause that can follow "that" or stand alone."""
    text = " ".join(doc.split())
    end = re.search(r"(?<=[.!?])\s", text)
    sentence = text[: end.start()] if end else text
    return sentence.rstrip(".")


def props_of(unit: Unit, file_text: str) -> list[str]:
    """A component's props: the fields of its `<Name>Props` type, else its destructured parameters."""
    declared = re.search(rf"(?:interface|type)\s+{re.escape(unit.name)}Props\b[^{{]*\{{(.*?)\n\}}", file_text, re.DOTALL)
    if declared:
        names = re.findall(r"^\s*(?:readonly\s+)?([A-Za-z_$][\w$]*)\??\s*:", declared.group(1), re.MULTILINE)
        if names:
            return names
    match = _DESTRUCTURED.search(unit.signature) or _DESTRUCTURED.search(unit.text[:400])
    if not match:
        return []
    names = [_IDENT.match(part) for part in match.group(1).split(",")]
    return [m.group(1) for m in names if m and not m.group(0).lstrip().startswith("...")]


def parameters_of(unit: Unit) -> list[str]:
    """Parameter names from the signature, without `self`/`cls` and type annotations."""
    match = _PY_PARAMS.search(unit.signature)
    if not match:
        return []
    names = []
    depth, part = 0, ""
    for char in match.group(1) + ",":
        depth += char in "([{<"
        depth -= char in ")]}>"
        if char == "," and depth == 0:
            ident = _IDENT.match(part)
            if ident and ident.group(1) not in ("self", "cls"):
                names.append(ident.group(1))
            part = ""
        else:
            part += char
    return names


def framework_of(unit: Unit) -> str:
    """The web framework a route unit's file imports, if one we know."""
    for module, name in FRAMEWORKS:
        if any(imp.split(".")[0] == module for imp in unit.imports):
            return name
    return ""


def code_list(names: list[str], limit: int = 6) -> str:
    """`a`, `b` and `c` — with "…" past `limit` names."""
    shown = [f"`{n}`" for n in names[:limit]] + (["…"] if len(names) > limit else [])
    if len(shown) < 2:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]
