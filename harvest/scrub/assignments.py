"""Reading `name <op> value` the same way in code, config, YAML, JSON, INI, .env and shell, and judging
whether the value is a literal credential. Used by the generic detectors in `generic.py`.

Operators: `=`, `:`, `:=`, `::=`, `=>`, `?=`, a comma after a quoted name (`getenv("TOKEN", "…")`) and
a space after a `--flag`. Unquoted values are literals in config files and expressions in code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from harvest.scrub.profile import Profile
from harvest.scrub.values import (
    is_code_reference,
    is_compound_identifier,
    is_placeholder,
    is_template,
    is_wordy,
    looks_random,
    name_words,
    word_count,
)

PASSWORD_WORDS = frozenset({"password", "passwd", "passphrase", "pass", "pwd", "pw", "secret", "pword"})
KEY_WORDS = frozenset({"key", "token", "apikey", "auth", "credential", "credentials", "creds", "cred"})
PUBLIC_WORDS = frozenset({"public", "pub", "publishable", "csrf", "xsrf"})

_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.$-")
# Values are bounded so one scan stays linear even when keywords repeat inside a megabyte blob.
TAIL = (
    r"(?P<close>[\"'`]?\]?[\"'`]?)[ \t]*(?P<op>:{1,3}=|\?=|=>|=(?![=~])|:(?!:)|,|(?<=[\w\"'])[ \t](?=[ \t]*[\"'\w]))[ \t]*"
    r"(?:\"(?P<dq>(?:[^\"\\\n]|\\.){0,1024})\"|'(?P<sq>(?:[^'\\\n]|\\.){0,1024})'|`(?P<bq>[^`\n]{0,1024})`"
    r"|(?P<uq>[^\s\"'`,;)}\]<>&]{1,256}))"
)
_TAIL = re.compile(TAIL)
_TYPE_THEN_VALUE = re.compile(r"[ \t]*=[ \t]*[\"'`]")
_CONFIG_SUFFIXES = (".env", ".ini", ".cfg", ".conf", ".properties", ".yaml", ".yml", ".toml", ".json", ".xml",
                    ".npmrc", ".pypirc", ".netrc", ".tfvars")


@dataclass(frozen=True)
class Assignment:
    """A `name <op> value`; `start`/`end` locate the value (without quotes) in the text."""

    name: str
    op: str
    value: str
    quoted: bool
    start: int
    end: int


def name_start(text: str, pos: int, limit: int = 64) -> int:
    """Where the identifier ending at `pos` begins (letters, digits, `_ . $ -`), at most `limit` back."""
    i, low = pos, max(0, pos - limit)
    while i > low and text[i - 1] in _NAME_CHARS:
        i -= 1
    return i


def assignment_pattern(keyword: str) -> str:
    """`<keyword><rest of the name> <op> <value>`: the match consumes the value, so scanning moves past it."""
    return keyword + r"[\w.-]{0,64}+" + TAIL  # possessive: giving back name characters never finds an operator


def last_word(name: str) -> str:
    """The word that says what a name holds (`clientSecretKey` → key); '' for public/CSRF names."""
    words = name_words(name)
    return "" if not words or PUBLIC_WORDS.intersection(words) else words[-1]


def read_assignment(text: str, m: re.Match[str]) -> Assignment | None:
    """The assignment an `assignment_pattern` match found (offsets into `text`, which it may have lowered)."""
    name = text[name_start(text, m.start()) : m.start("close")]
    op, close = m["op"], m["close"]
    if (op == "," and not close) or (op.isspace() and not name.startswith("-")):
        return None
    group = next(g for g in ("dq", "sq", "bq", "uq") if m[g] is not None)
    start, end = m.span(group)
    quoted = group != "uq"
    # `password: str = "…"`: skip a type annotation to reach the literal.
    if not quoted and op == ":" and (typed := _TYPE_THEN_VALUE.match(text, end)):
        again = _TAIL.match(text, typed.start())
        if again and again["dq"] is not None:
            start, end, quoted = *again.span("dq"), True
    if op == "," and not quoted:
        return None  # positional arguments: only a quoted value follows a quoted name
    return Assignment(name, op, text[start:end], quoted, start, end)


def config_file(path: str | None) -> bool:
    """Files where an unquoted value is a literal, not an expression."""
    if not path:
        return False
    base = path.rsplit("/", 1)[-1].lower()
    return base.startswith(".env") or base.endswith(_CONFIG_SUFFIXES)


def _rejected(a: Assignment) -> bool:
    value = a.value
    if not value or any(c.isspace() for c in value) or is_template(value) or is_placeholder(value):
        return True
    if value[0] in "([{/." or value.startswith("~/"):
        return True  # an expression, a file path or a dotfile
    return value.lower() in {a.name.lower(), a.name.lower().rsplit("_", 1)[-1]}


def literal(a: Assignment, path: str | None) -> bool:
    """A value written out (quoted, or in a config file, or not an expression), not a reference to one."""
    return a.quoted or config_file(path) or not is_code_reference(a.value)


def password_value(a: Assignment, path: str | None, profile: Profile) -> bool:
    """Whether the value assigned to a password-like name is a literal password."""
    if _rejected(a) or len(a.value) < profile.password_min_length or (a.value.isdigit() and len(a.value) <= 5):
        return False  # counts, ports and vocabulary ids are not passwords
    if profile.strict and a.op != "," and len(a.value) >= profile.context_min_length and literal(a, path):
        return True  # strict: any literal password, words included (`dragon2`, `letmein!`)
    if a.op == ",":
        return looks_random(a.value, 10)  # ("pass", "raise", …) is a list of words, not an assignment
    if not a.quoted and not config_file(path):
        return not is_code_reference(a.value) and looks_random(a.value, 8)
    return not (word_count(a.value) >= 2 and is_wordy(a.value)) and not is_compound_identifier(a.value)


def secret_value(a: Assignment, path: str | None, profile: Profile) -> bool:
    """Whether the value assigned to a key/token-like name looks like a credential."""
    if _rejected(a) or not literal(a, path):
        return False
    if profile.strict and len(a.value) >= profile.context_min_length and a.op != ",":
        # strict: any literal but words and identifiers (`credentials: 'same-origin'` is a fetch mode)
        return not is_wordy(a.value) and not is_compound_identifier(a.value)
    return looks_random(a.value, profile.secret_min_length, profile.random_floor)
