"""Reading `name <op> value` the same way in code, config, YAML, JSON, INI, .env and shell, and judging
whether the value is a literal credential. Used by the generic detectors in `generic.py`.

Operators: `=`, `:`, `:=`, `::=`, `=>`, `?=`, a comma after a quoted name (`getenv("TOKEN", "…")`) and
a space after a `--flag`. Values: quoted (also XML-escaped `&quot;…&quot;`), unquoted (an XML-escaped `&amp;`
does not end one) and YAML block scalars (`password: |` then the value on the next line). Unquoted values
are literals in config files, shell scripts, Dockerfiles and after a command-line flag, and expressions in code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from harvest.scrub.profile import Profile
from harvest.scrub.values import (
    has_random_piece,
    is_code_reference,
    is_compound_identifier,
    is_phrase,
    is_placeholder,
    is_template,
    is_wordy,
    looks_random,
    name_words,
)

PASSWORD_WORDS = frozenset({"password", "passwd", "passphrase", "pass", "pwd", "pw", "secret", "pword",
                            "storepass", "keypass"})  # keytool's -storepass / -keypass
KEY_WORDS = frozenset({"key", "token", "apikey", "auth", "credential", "credentials", "creds", "cred"})
PUBLIC_WORDS = frozenset({"public", "pub", "publishable", "csrf", "xsrf", "authenticity"})  # Rails: authenticity_token = CSRF
# A password hash's salt or pepper set in configuration is as secret as a key (it is the same for every user).
SALT_WORDS = frozenset({"salt", "pepper"})
PASSWORD_SUFFIXES = ("password", "passwd", "secret")
KEY_SUFFIXES = ("key", "token", "credentials")

_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.$-")
# Values are bounded so one scan stays linear even when keywords repeat inside a megabyte blob.
TAIL = (
    r"(?P<close>[\"'`]?\]?[\"'`]?)[ \t]*(?P<op>:{1,3}=|\?=|=>|=(?![=~])|:(?!:)|,|(?<=[\w\"'])[ \t](?=[ \t]*[\"'\w]))[ \t]*"
    r"(?:\"(?P<dq>(?:[^\"\\\n]|\\.){0,1024})\"|'(?P<sq>(?:[^'\\\n]|\\.){0,1024})'|`(?P<bq>[^`\n]{0,1024})`"
    # XML/HTML-escaped text: `&quot;` quotes a value, and `&amp;` is a character of it unless a query
    # parameter (`&amp;next=2`) follows.
    r"|&quot;(?P<eq>(?:[^&\n<]|&(?!quot;)){0,1024})&quot;"
    r"|(?P<uq>[^\s\"'`,;)}\]<>&]{1,256}(?:&amp;(?![\w.-]{1,64}=)[^\s\"'`,;)}\]<>&]{1,256}){0,8}))"
)
_GROUPS = ("dq", "sq", "bq", "eq", "uq")
_ESCAPE = re.compile(r"\\+[nrt]")
_INTEGER = re.compile(r"0[xX][0-9a-fA-F]{1,16}[uUlL]{0,3}")
# Built the way password policies ask (a letter, a digit and a symbol no expression holds): `Summer2023!`.
_PASSWORD_SHAPED = re.compile(r"(?=[^\s]*[A-Za-z])(?=[^\s]*\d)(?=[^\s]*[!@#%^&*+?~])[^\s\"'`$(){}\[\]]{6,64}")
_GROUPED_KEY = re.compile(r"[A-Z0-9]{4,8}(?:-[A-Z0-9]{4,8}){2,7}")
_CMDLET = re.compile(r"[A-Z][A-Za-z]*(?:-[A-Z][A-Za-z0-9]*)+")
# `password: |` / `>-`: the value is the block's first line.
_BLOCK_SCALAR = re.compile(r"[|>][+-]?[1-9]?")
_BLOCK_LINE = re.compile(r"[ \t]*(?:#[^\n]*)?\r?\n[ \t]+(?P<v>[^\s#][^\n]{0,1023}?)[ \t]*(?:\r?\n|$)")
_TAIL = re.compile(TAIL)
# Words after which `NAME=value` is a shell word: exports, Dockerfile instructions, `docker run -e`, `--build-arg`.
_COMMAND_BEFORE = re.compile(r"(?:^|[\s;&|(])(?:export|env|arg|set|setx|-e|--env|--build-arg|--set)[ \t]+\Z",
                             re.IGNORECASE)
_TYPE_THEN_VALUE = re.compile(r"[ \t]*=[ \t]*[\"'`]")
_CONFIG_SUFFIXES = (".env", ".ini", ".cfg", ".conf", ".cnf", ".properties", ".yaml", ".yml", ".toml", ".json", ".xml",
                    ".npmrc", ".pypirc", ".netrc", ".tfvars", ".service",
                    # shell and build files: `NAME=value` there is a string, not an expression
                    ".sh", ".bash", ".zsh", ".ksh", ".mk", ".dockerfile")
_CONFIG_NAMES = ("dockerfile", "containerfile", "makefile", "gnumakefile")


@dataclass(frozen=True)
class Assignment:
    """A `name <op> value`; `start`/`end` locate the value (without quotes) in the text."""

    name: str
    op: str
    value: str
    quoted: bool
    start: int
    end: int
    command: bool = False  # the name follows `export`, `ENV`, `-e`…: a shell word, so the value is a literal


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


def credential_judge(name: str) -> Callable[[str, Profile, bool], bool] | None:
    """How to judge a value written under `name`: `password_literal` for password-like names, `key_literal`
    for key/token/salt names, None for any other name (`DB_PASSWORD` → password, `PaymentApiKey` → key)."""
    word = last_word(name)
    if word in PASSWORD_WORDS or (len(word) > 6 and word.endswith(PASSWORD_SUFFIXES)):
        return password_literal
    if word in KEY_WORDS or word in SALT_WORDS or (len(word) > 6 and word.endswith(KEY_SUFFIXES)):
        return key_literal
    return None


def read_assignment(text: str, m: re.Match[str]) -> Assignment | None:
    """The assignment an `assignment_pattern` match found (offsets into `text`, which it may have lowered)."""
    begin = name_start(text, m.start())
    name = text[begin : m.start("close")]
    op, close = m["op"], m["close"]
    if (op == "," and not close) or (op.isspace() and not name.startswith("-")):
        return None
    group = next(g for g in _GROUPS if m[g] is not None)
    start, end = m.span(group)
    quoted = group != "uq"
    if not quoted and op == ":" and _BLOCK_SCALAR.fullmatch(m[group]) and (block := _BLOCK_LINE.match(text, end)):
        start, end, quoted = *block.span("v"), True
    # `password: str = "…"`: skip a type annotation to reach the literal.
    if not quoted and op == ":" and (typed := _TYPE_THEN_VALUE.match(text, end)):
        again = _TAIL.match(text, typed.start())
        if again and again["dq"] is not None:
            start, end, quoted = *again.span("dq"), True
    if op == "," and not quoted:
        return None  # positional arguments: only a quoted value follows a quoted name
    if not quoted:
        end = start + len(escapes_trimmed(text[start:end]))
    command = op == "=" and _COMMAND_BEFORE.search(text, max(0, begin - 24), begin) is not None
    return Assignment(name, op, text[start:end], quoted, start, end, command)


def escapes_trimmed(value: str) -> str:
    """An unquoted value up to the first `\n`/`\t` escape: inside a string literal of code
    (`"mysql -p shop\n"`) the escape and what follows belong to the string, not to the value."""
    escape = _ESCAPE.search(value)
    return value[: escape.start()] if escape else value


def config_file(path: str | None) -> bool:
    """Files where an unquoted value is a literal, not an expression."""
    if not path:
        return False
    base = path.rsplit("/", 1)[-1].lower()
    return base.startswith((".env", *_CONFIG_NAMES)) or base.endswith(_CONFIG_SUFFIXES)


def _unusable(value: str, quoted: bool = False) -> bool:
    """Not a literal credential whatever the context: empty, spaced, a template or a placeholder."""
    return not value or any(c.isspace() for c in value) or is_template(value, quoted) or is_placeholder(value)


def _rejected(a: Assignment) -> bool:
    value = a.value
    if _unusable(value, a.quoted):
        return True
    if value[0] in "([{/." or value.startswith("~/"):
        return True  # an expression, a file path or a dotfile
    if not a.quoted and _INTEGER.fullmatch(value):
        return True  # `SALT = 0x9E3779B1`: a 64-bit constant in code, not key material
    return value.lower() in {a.name.lower(), a.name.lower().rsplit("_", 1)[-1]}


def written_out(a: Assignment, path: str | None) -> bool:
    """Quoted, in a config file, or a shell word: the argument of a command-line flag (`--password X`) or
    `NAME=value` after `export`, `ENV`, `docker run -e`. A flag followed by a plain lower-case word is prose
    about the flag (`the --password option`, `--password requires --username`)."""
    if a.quoted or config_file(path) or a.command:
        return True
    return a.name.startswith("-") and not _prose_word(a.value)


def _prose_word(value: str) -> bool:
    """A lower-case word, maybe ending a sentence (`options.`): prose, not a literal outside quotes."""
    word = value.rstrip(".,:!?")
    return word.isalpha() and word.islower()


def literal(a: Assignment, path: str | None) -> bool:
    """A value written out (quoted, or in a config file, or not an expression), not a reference to one."""
    return written_out(a, path) or not is_code_reference(a.value)


def password_literal(value: str, profile: Profile, quoted: bool = False) -> bool:
    """Whether a value written out where a password goes (quoted, in config, a flag's argument, an SQL
    `IDENTIFIED BY '…'`) is one: strict takes any literal of `context_min_length`+ characters; precise leaves
    short numbers, phrases and identifiers (`my-app-db`, `SecretName`). Templates and placeholders never count."""
    if _unusable(value, quoted) or len(value) < profile.password_min_length or (value.isdigit() and len(value) <= 5):
        return False  # counts, ports and vocabulary ids are not passwords
    if profile.strict and len(value) >= profile.context_min_length:
        return True  # strict: any literal password, words included (`dragon2`, `letmein!`)
    return not is_phrase(value) and not is_compound_identifier(value)


def key_literal(value: str, profile: Profile, quoted: bool = False) -> bool:
    """Whether a value written out where a key or token goes is one: strict takes any literal of
    `context_min_length`+ characters but words and identifiers; precise wants it random."""
    if _unusable(value, quoted):
        return False
    if _GROUPED_KEY.fullmatch(value) and any(c.isdigit() for c in value):
        return True  # a product or licence key (`7KQ2M-9XW4P-HT6RB-…`): its groups read as acronyms, not words
    if profile.strict and len(value) >= profile.context_min_length:
        # strict: any literal but words and identifiers (`credentials: 'same-origin'` is a fetch mode)
        return not is_wordy(value) and not is_compound_identifier(value)
    return looks_random(value, profile.secret_min_length, profile.random_floor)


def password_value(a: Assignment, path: str | None, profile: Profile) -> bool:
    """Whether the value assigned to a password-like name is a literal password."""
    if _rejected(a):
        return False
    if a.op == ",":
        return looks_random(a.value, 10)  # ("pass", "raise", …) is a list of words, not an assignment
    if written_out(a, path):
        return password_literal(a.value, profile, a.quoted)
    if profile.strict and len(a.value) >= profile.context_min_length and has_random_piece(a.value):
        return password_literal(a.value, profile)  # strict: `SMJ.fiLz56F` is no `settings.PASSWORD`
    if _prose_word(a.value) or is_code_reference(a.value) or _CMDLET.fullmatch(a.value):
        return False  # `ConvertTo-SecureString`: a PowerShell command, not a value
    if profile.strict and len(a.value) >= profile.context_min_length:
        return password_literal(a.value, profile)
    return looks_random(a.value, 8) or (_PASSWORD_SHAPED.fullmatch(a.value) is not None and password_literal(a.value, profile))


def secret_value(a: Assignment, path: str | None, profile: Profile) -> bool:
    """Whether the value assigned to a key/token-like name looks like a credential."""
    if _rejected(a) or not literal(a, path):
        return False
    if a.op == ",":
        return looks_random(a.value, profile.secret_min_length, profile.random_floor)
    return key_literal(a.value, profile, a.quoted)
