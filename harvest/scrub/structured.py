"""Structural detectors: secrets recognised by the syntax around them rather than their own format —
private-key blocks, passwords inside URLs, Authorization and API-key headers, curl -u, Bundler and XML credentials,
and e-mail addresses (personal data, kind "pii").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from harvest.scrub.assignments import key_literal
from harvest.scrub.base import PII, PROVIDER, STRUCTURE, Collector, Span
from harvest.scrub.profile import Profile
from harvest.scrub.values import (
    is_code_reference,
    is_placeholder,
    is_template,
    is_wordy,
    shannon_entropy,
)

STRUCTURED = Collector()

_END = re.compile(r"-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----")
_SEGMENT_SEP = re.compile(r"(?:\\r)?\\n|\r?\n")
# One line of a key body: optional diff marker / indentation / opening quote, base64, then only
# closing punctuation (`\n" +`, `",`) — anything else ends the block.
_LINE = re.compile(r"[+\- ]?[ \t]*[\"'`]?(?P<b>[A-Za-z0-9+/=]*)(?P<rest>.*)", re.DOTALL)
_WRAPPER = re.compile(r"[\"'`]?[ \t]*[+,;)]*[ \t]*\\?")
_ARMOR_HEADER = re.compile(r"[A-Za-z][\w-]*: ")


def _segments(text: str, pos: int, limit: int = 65536) -> Iterator[tuple[int, str]]:
    """(offset, raw) for each line after `pos`, split on real newlines and on JSON-escaped \\n, lazily."""
    last, stop = pos, min(len(text), pos + limit)
    for sep in _SEGMENT_SEP.finditer(text, pos, stop):
        yield last, text[last : sep.start()]
        last = sep.end()
    yield last, text[last:stop]


@STRUCTURED("private-key", ("private key",), r"-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----", priority=PROVIDER)
def private_key(m: re.Match[str], text: str) -> Span | None:
    """PEM, OpenSSH and PGP private-key blocks, also diff-prefixed, JSON-escaped or truncated (no END)."""
    end, b64 = None, 0
    for i, (offset, raw) in enumerate(_segments(text, m.end())):
        found = _END.search(raw)
        if found and raw[: found.start()].strip("+- \t\"'`") == "":
            end = offset + found.end()
            break
        line = _LINE.match(raw)
        body, clean = (line["b"], _WRAPPER.fullmatch(line["rest"]) is not None) if line else ("", False)
        if i == 0 and (body or not clean):
            return None  # text glued to the BEGIN marker: prose about keys, not a key
        if not clean:
            if b64 == 0 and _ARMOR_HEADER.match(raw.strip(" \t+-\"'`")):
                continue
            break
        if line and body:
            b64 += len(body)
            end = offset + line.start("b") + len(body)
    return (m.start(), end) if end is not None and b64 >= 40 else None


_TAIL_LINE = re.compile(r"[+\- ]?[ \t]*[\"'`]?[A-Za-z0-9+/=]{4,}[\"'`]?[ \t]*[+,;)]*[ \t]*\\?")


@STRUCTURED("private-key-tail", ("private key",), r"-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----", priority=PROVIDER)
def private_key_tail(m: re.Match[str], text: str) -> Span | None:
    """The end of a private key whose BEGIN line is not in the text: a diff hunk's context or a prompt window
    cut it off. The base64 lines right above the END marker are the key; the marker stays."""
    start, b64 = None, 0
    pos = body_end = text.rfind("\n", 0, m.start())
    if pos == -1 or text[pos + 1 : m.start()].strip(" \t+-\"'`"):
        return None  # END must open its line
    while pos > 0:
        line_start = text.rfind("\n", 0, pos) + 1
        line = text[line_start:pos].rstrip("\r")
        if "-----BEGIN" in line or not _TAIL_LINE.fullmatch(line):
            break
        b64 += sum(c.isalnum() for c in line)
        start, pos = line_start, line_start - 1
    if start is None or b64 < 40:
        return None
    while text[start] in "+- \t\"'`":  # keep the diff marker, indentation and quote
        start += 1
    return start, body_end


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*\Z")


@STRUCTURED(
    "connection-string",
    ("://",),
    r"://(?P<u>[^\s:/@'\"<>]*):(?P<b>[^\s/@'\"<>,]+)@(?=[\w\[.-])",
    placeholder="<PASSWORD>",
    priority=STRUCTURE,
)
def connection_string(m: re.Match[str], text: str) -> Span | None:
    """Passwords in URLs: postgres://user:<PASSWORD>@host, mysql, mongodb, redis, amqp, ftp, https basic auth."""
    if not _SCHEME.search(text, max(0, m.start() - 32), m.start()):
        return None
    user, password = m.group("u"), m.group("b")
    if password.lower() == user.lower() or (password.isdigit() and len(password) <= 5):
        return None
    return None if is_placeholder(password) or is_template(password) else m.span("b")


@STRUCTURED(
    "auth-header",
    ("authorization",),
    r"authorization[\"']?[ \t]*[:=][ \t]*"
    r"(?P<q>[\"']?)(?:(?P<s>bearer|basic|token|api-token|apikey|bot|digest|sso-key|jwt|key|otp)[ \t]+)?"
    r"(?P<b>[^\s\"'<>`,;]+)",
    priority=STRUCTURE,
    lowered=True,
)
def auth_header(m: re.Match[str], text: str) -> Span | None:
    """Credentials in Authorization headers (Bearer, Basic, Token, bare values) in code, curl and HTTP logs."""
    start, end = m.span("b")
    value = text[start:end]
    if len(value) < 8 or is_placeholder(value) or is_template(value) or is_wordy(value):
        return None
    if not m.group("q") and not m.group("s") and is_code_reference(value):
        return None  # `'Authorization': auth_header` passes a variable
    return (start, end) if shannon_entropy(value) >= 2.5 else None


# Request headers that carry an API key or token by themselves (vendors' documented header names).
_KEY_HEADERS = ("api-key", "apikey", "auth-token", "access-token", "api-token", "private-token", "vault-token",
                "subscription-key", "functions-key")


@STRUCTURED(
    "api-key-header",
    _KEY_HEADERS,
    tuple(h + r"(?P<close>[\"']?\]?)[ \t]*[:=][ \t]*(?P<q>[\"']?)(?P<b>[^\s\"'<>`,;]+)" for h in _KEY_HEADERS),
    priority=STRUCTURE,
    lowered=True,
)
def api_key_header(m: re.Match[str], text: str, profile: Profile) -> Span | None:
    """Keys in API-key headers: `X-API-Key`, `Api-Key`, `apikey`, `X-Auth-Token`, `X-Access-Token`,
    `PRIVATE-TOKEN` (GitLab), `X-Vault-Token`, `Ocp-Apim-Subscription-Key`, `x-functions-key`, in curl
    `-H` arguments, HTTP files and header maps; a bare name in code (`"X-API-Key": api_key`) is a variable."""
    start = m.start()
    if start and (text[start - 1].isalnum() or text[start - 1] == "_"):
        return None  # `my_apikey:`: a name, not a header (the assignment rules read names)
    value = m.group("b")
    if not m.group("q") and is_code_reference(value):
        return None  # a variable or attribute; random bare values are not code references
    return m.span("b") if key_literal(value, profile, bool(m.group("q"))) else None


@STRUCTURED(
    "curl-basic-auth",
    ("curl",),
    r"-(?:u|-user)(?:[ \t]+|=)[\"']?(?P<u>[^\s:\"']*)[\"']?:[\"']?(?P<b>[^\s\"']+)",
    placeholder="<PASSWORD>",
    priority=STRUCTURE,
)
def curl_basic_auth(m: re.Match[str], text: str) -> Span | None:
    """Passwords passed to curl as `-u user:password` / `--user user:password`."""
    if m.start() and not text[m.start() - 1].isspace():
        return None
    user, password = m.group("u"), m.group("b")
    if password.lower() == user.lower() or is_placeholder(password) or is_template(password) or is_template(user):
        return None
    return m.span("b")


@STRUCTURED(
    "bundler-credentials",
    ("bundle_",),
    r"BUNDLE_[A-Z0-9_]*__[A-Z0-9_]+[\"']?[ \t]*[:=][ \t]*[\"']?(?P<u>[^\s:\"']+):(?P<b>[^\s\"']+)",
    placeholder="<PASSWORD>",
    priority=STRUCTURE,
)
def bundler_credentials(m: re.Match[str], text: str) -> Span | None:
    """Bundler private-gem-source credentials: BUNDLE_<HOST>=user:password (e.g. Sidekiq Pro/Enterprise)."""
    password = m.group("b").rstrip("\"'")
    if is_placeholder(password) or is_template(password):
        return None
    return m.start("b"), m.start("b") + len(password)


@STRUCTURED(
    "xml-secret",
    ("</",),
    r"<(?P<t>password|passwd|secret|master|token|apikey|api-key|api_key|client-?secret|client_secret)>"
    r"[ \t]*(?P<b>[^<\s]+)[ \t]*</(?P=t)>",
    placeholder="<PASSWORD>",
    priority=STRUCTURE,
    lowered=True,
)
def xml_secret(m: re.Match[str], text: str) -> Span | None:
    """Secrets in XML elements, e.g. Maven settings <password>…</password> and <master>{…}</master>."""
    start, end = m.span("b")
    value = text[start:end]
    return None if is_placeholder(value) or is_template(value) else (start, end)


_LOCAL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}\Z")
_NOT_TLD = frozenset(["png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "js", "mjs", "cjs", "ts", "tsx", "jsx", "py", "css", "scss", "json", "md", "html", "txt", "yml", "yaml", "lock", "map", "min"])
_EXAMPLE_DOMAIN = re.compile(r"(?:^|\.)(?:example\.(?:com|org|net)|example|test|invalid|localhost|local)\Z", re.IGNORECASE)


@STRUCTURED(
    "email",
    ("@",),
    r"@(?P<d>[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.(?P<t>[A-Za-z]{2,24}))\b",
    placeholder="<EMAIL>",
    kind="pii",
    priority=PII,
)
def email(m: re.Match[str], text: str) -> Span | None:
    """E-mail addresses (personal data); example/test domains and `git@host:` remotes are left alone."""
    local = _LOCAL.search(text, max(0, m.start() - 64), m.start())
    if local is None or m.group("t").lower() in _NOT_TLD or _EXAMPLE_DOMAIN.search(m.group("d")):
        return None
    start = local.start()
    if text[max(0, start - 3) : start] == "://" or (local.group() == "git" and text[m.end() : m.end() + 1] == ":"):
        return None
    return start, m.end()
