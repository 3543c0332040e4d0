"""Deterministic wording for pair instructions, built from what a unit's code and docs say.

No language model is involved: the phrasing is the same for the same code, so datasets are reproducible.
"""

from __future__ import annotations

import re

from harvest.records import Unit

LANGUAGE_NAMES = {"python": "Python", "typescript": "TypeScript", "tsx": "TypeScript (TSX)",
                  "javascript": "JavaScript", "go": "Go", "java": "Java"}
# How a type's subkind (harvest.units) is said: Go's struct, interface, defined type and alias; Java's
# class, interface, enum, record and annotation type. No subkind: a class.
TYPE_WORDS = {"alias": "type alias", "annotation": "annotation type"}
# What holds a language's test cases: a class (pytest, JUnit), a testify suite's type, else a `describe` block.
TEST_CONTAINERS = {"python": "the class `{}`", "java": "the class `{}`", "go": "the suite `{}`"}
FRAMEWORKS = (("fastapi", "FastAPI"), ("flask", "Flask"), ("express", "Express"), ("django", "Django"))

_DESTRUCTURED = re.compile(r"\(\s*\{([^{}]*)\}")
_PY_PARAMS = re.compile(r"\((.*)\)", re.DOTALL)
_IDENT = re.compile(r"^\s*(?:\.\.\.)?([A-Za-z_$][\w$]*)")
_JAVA_NAME = re.compile(r"([A-Za-z_$][\w$]*)\s*(?:\[\s*\]\s*)*$")  # `final List<String>... items` → items


def language_name(language: str) -> str:
    """How people write the language's name."""
    return LANGUAGE_NAMES.get(language, language or "plain text")


def type_word(subkind: str) -> str:
    """`struct`, `interface`, `enum`, … for a type unit's subkind; `class` when it has none."""
    return TYPE_WORDS.get(subkind, subkind or "class")


def suite_phrase(language: str, parent: str) -> str:
    """A test's parent as the language calls it: "the class `X`", "the suite `X`", "the `X` block"."""
    return TEST_CONTAINERS.get(language, "the `{}` block").format(parent)


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
    """Parameter names from the signature, without `self`/`cls`, a Go receiver, types and annotations."""
    group = _parameter_group(unit)
    if group is None:
        return []
    # Go has no angle-bracket generics but has channel arrows (`<-chan T`): only Go leaves `<>` out.
    parts = _top_level_split(group, *(("([{", ")]}") if unit.language == "go" else ("([{<", ")]}>")))
    if unit.language == "go" and parts and len(parts[-1].split()) < 2:
        return []  # `func(int, string)`: Go names every parameter or none, and the last one shows which
    names = []
    for part in parts:
        ident = _JAVA_NAME.search(part) if unit.language == "java" else _IDENT.match(part)
        if ident and ident.group(1) not in ("self", "cls"):
            names.append(ident.group(1))
    return names


def _parameter_group(unit: Unit) -> str | None:
    """The text between the parentheses of the parameter list.

    Go and Java: the list right after the unit's name (Go's receiver and Java's annotations come before
    it, with parentheses of their own); the other languages: from the first `(` to the last `)`.
    """
    if unit.language not in ("go", "java"):
        match = _PY_PARAMS.search(unit.signature)
        return match.group(1) if match else None
    named = re.search(rf"(?<![\w$]){re.escape(unit.name)}\s*(?:\[[^\]]*\]\s*)?\(", unit.signature)
    if not named:
        return None
    depth, start = 1, named.end()
    for end in range(start, len(unit.signature)):
        depth += {"(": 1, ")": -1}.get(unit.signature[end], 0)
        if depth == 0:
            return unit.signature[start:end]
    return None


def _top_level_split(text: str, opening: str, closing: str) -> list[str]:
    """`text` split at the commas outside brackets, parts stripped, empty ones dropped."""
    parts, depth, part = [], 0, ""
    for char in text + ",":
        depth += (char in opening) - (char in closing)
        if char == "," and depth == 0:
            parts.append(part.strip())
            part = ""
        else:
            part += char
    return [p for p in parts if p]


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
