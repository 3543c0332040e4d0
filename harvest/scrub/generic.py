"""Generic detectors: values assigned to secret-sounding names (`password = …`, `api_key: …`) and
random-looking strings in any assignment (entropy). They catch the provider tokens nobody listed.

Each keyword gets its own regex: a literal at the start of a pattern lets the engine search at C
speed, while an alternation (`key|token|…`) makes it test every position. Only keyword hits
followed by an operator and a value reach Python.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable

from harvest.scrub.assignments import (
    KEY_SUFFIXES,
    KEY_WORDS,
    PASSWORD_SUFFIXES,
    PASSWORD_WORDS,
    PUBLIC_WORDS,
    SALT_WORDS,
    Assignment,
    assignment_pattern,
    config_file,
    last_word,
    name_start,
    password_value,
    read_assignment,
    secret_value,
)
from harvest.scrub.base import ASSIGNMENT, ENTROPY, Collector, Span
from harvest.scrub.contexts import JWK_PUBLIC_MEMBERS, jwk_object
from harvest.scrub.profile import Profile
from harvest.scrub.values import (
    is_code_reference,
    is_hex,
    is_placeholder,
    is_wordy,
    name_words,
    random_threshold,
    shannon_entropy,
    word_coverage,
)

GENERIC = Collector()

# Names that say "this is not a secret" whatever the value looks like (digests, ids, paths, versions).
_NEUTRAL_WORDS = frozenset(
    ["id", "ids", "uuid", "guid", "hash", "sha", "sha1", "sha256", "sha512", "md5", "checksum", "digest", "integrity", "etag", "version", "rev", "revision", "commit", "url", "uri", "href", "src", "path", "file", "dir", "name", "image", "icon", "data", "font", "color", "class", "style", "format", "type", "mime", "label", "title", "description", "text", "message", "nonce", "signature", "sig", "fingerprint", "thumbprint", "locale", "lang", "d", "points"]
)


class _KeywordScan:
    """Turns a keyword hit into at most one finding: a secret-like name, an operator, a literal value."""

    def __init__(
        self, accept: frozenset[str], suffixes: tuple[str, ...],
        judge: Callable[[Assignment, str | None, Profile], bool],
    ) -> None:
        self.accept, self.suffixes, self.judge = accept, suffixes, judge

    def named(self, word: str) -> bool:
        return word in self.accept or (len(word) > 6 and word.endswith(self.suffixes))

    def __call__(self, m: re.Match[str], text: str, path: str | None, profile: Profile) -> Span | None:
        # The words from the keyword on decide most hits before the name and value are read.
        if not self.named(last_word(text[m.start() : m.start("close")])):
            return None
        a = read_assignment(text, m)
        if a is None or not self.named(last_word(a.name)) or not self.judge(a, path, profile):
            return None
        if text[a.end : a.end + 1] == ">" and text[name_start(text, m.start()) - 1 : m.start()].startswith("<"):
            return None  # a placeholder this scrubber wrote (`<SECRET:npm-token>`), scrubbed again
        return a.start, a.end


_PASSWORDS = _KeywordScan(PASSWORD_WORDS, PASSWORD_SUFFIXES, password_value)
_SECRETS = _KeywordScan(KEY_WORDS | SALT_WORDS, KEY_SUFFIXES, secret_value)


@GENERIC(
    "password-assignment",
    ("pass", "pw", "secret"),
    tuple(assignment_pattern(k) for k in ("pass", "pw", "secret")),
    placeholder="<PASSWORD>",
    priority=ASSIGNMENT,
    lowered=True,
)
def password_assignment(m: re.Match[str], text: str, path: str | None, profile: Profile) -> Span | None:
    """Literal values of password/passwd/pwd/pass/passphrase/secret names in code, config, YAML, .env, flags."""
    return _PASSWORDS(m, text, path, profile)


@GENERIC(
    "generic-secret",
    ("key", "token", "auth", "cred", "salt", "pepper"),
    tuple(assignment_pattern(k) for k in ("key", "token", "auth", "cred", "salt", "pepper")),
    priority=ASSIGNMENT,
    lowered=True,
)
def generic_secret(m: re.Match[str], text: str, path: str | None, profile: Profile) -> Span | None:
    """Random-looking values of *_key / *_token / api_key / auth / credentials names (any provider), and the
    salt or pepper of password hashing (`SECURITY_PASSWORD_SALT`, `pepper:`)."""
    return _SECRETS(m, text, path, profile)


def _readable(value: str) -> bool:
    """A repo/model id (`org/name-7B`) or base64 that decodes to prose: identifiers, not key material."""
    if "/" in value and is_wordy(value.split("/", 1)[0]):
        return True
    try:
        decoded = base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
    except ValueError:
        return False
    return decoded.isascii() and decoded.decode().isprintable() and decoded.count(b" ") >= 2


def _name_before(text: str, op: int) -> tuple[str, bool] | None:
    """(name, spaced) for the name left of the operator at `op`; None inside URL queries or without a name."""
    i = op
    while i and text[i - 1] in " \t":
        i -= 1
    spaced = i != op
    closing = 0
    while i and closing < 3 and text[i - 1] in "\"'`]":
        i, closing = i - 1, closing + 1
    start = name_start(text, i, 80)
    if start == i or (start and text[start - 1] in "?&"):
        return None
    return text[start:i], spaced


_TAG_NAME = re.compile(r"\b(?:name|key|id)=[\"']([^\"'<>]{1,128})[\"']")


def _names_public_value(text: str, pos: int) -> bool:
    """Whether the tag around a `value=` attribute names it as public or neutral (`name="csrf_token"`)."""
    opening = text.rfind("<", max(0, pos - 512), pos)
    named = _TAG_NAME.search(text, opening, pos) if opening != -1 else None
    if named is None:
        return False
    words = set(name_words(named.group(1)))
    return bool(words & (_NEUTRAL_WORDS | PUBLIC_WORDS))


@GENERIC(
    "high-entropy",
    ("=", ":"),
    tuple(op + r"(?P<sp>[ \t]*)(?P<q>[\"'`]?)(?P<b>[A-Za-z0-9+/=_-]{20,})" for op in ("=", ":")),
    priority=ENTROPY,
    gate=r"[=:][ \t]*[\"'`]?[A-Za-z0-9+/=_-]{20}",  # most texts have an `=` or `:`, few a long value after one
)
def high_entropy(m: re.Match[str], text: str, path: str | None, profile: Profile) -> Span | None:
    """Unknown high-entropy strings in assignments (`name = "…"`, `name: …`, `"name": "…"`, `--flag=…`, `X=…`)."""
    quote, value, end = m.group("q"), m.group("b"), m.end()
    after = text[end : end + 1]
    if quote and after != quote:
        return None
    if not quote and after and not (after.isspace() or after in ",;)}]"):
        return None
    named = _name_before(text, m.start())
    if named is None:
        return None
    name, spaced = named
    op = text[m.start()]
    if not quote and ((op == "=" and (spaced or m.group("sp"))) or (op == ":" and not m.group("sp"))):
        return None  # `x = abc…` is an expression, `a:b` a scheme or host:port; neither is a literal
    words = set(name_words(name))
    if not words or words & (_NEUTRAL_WORDS | PUBLIC_WORDS):
        return None
    if name.lower() in JWK_PUBLIC_MEMBERS and jwk_object(text, m.start()) is not None:
        return None  # a public JWK's modulus or curve point (private members have their own rule)
    if name.lower() == "value" and _names_public_value(text, m.start()):
        return None  # `<input name="authenticity_token" value="…">`: a form's CSRF token
    hex_only = is_hex(value)
    if hex_only and not words & (PASSWORD_WORDS | KEY_WORDS):
        return None  # single-case hex under a neutral name is a digest or an id
    if not any(c.isdigit() for c in value) or not any(c.isalpha() for c in value):
        return None
    if is_wordy(value) or word_coverage(value) >= 0.5 or is_placeholder(value) or _readable(value):
        return None
    if not quote and not config_file(path) and is_code_reference(value):
        return None  # `config: Sam3VideoConfig` is a type, not a literal
    return m.span("b") if shannon_entropy(value) >= random_threshold(value, profile.entropy_margin) else None
