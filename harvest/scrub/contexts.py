"""Context detectors: credentials recognised by the statement, command or file format they stand in,
where no `name = value` gives them away — SQL user statements, client command lines, PowerShell secure
strings, connection parameters, Kubernetes env and Secret blocks, Dockerfile `ENV`, JWK private members,
.netrc and .pgpass entries, XML key/value settings and labelled lines in notes.

Each detector's pattern starts with a literal (the statement or command word), so the regex engine finds
candidates at C speed; Python reads the surrounding syntax only for those. Every check takes the scrub
`profile`: a value in one of these contexts is judged by `password_literal` or `key_literal`
(`assignments.py`), which take any literal of `context_min_length`+ characters in strict mode and keep
placeholders and templates out in both.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Callable
from functools import lru_cache

from harvest.scrub.assignments import (
    credential_judge,
    escapes_trimmed,
    key_literal,
    name_start,
    password_literal,
)
from harvest.scrub.base import STRUCTURE, Collector, Span
from harvest.scrub.profile import Profile
from harvest.scrub.values import is_code_reference, looks_random, name_words

CONTEXTS = Collector()

# One shell or SQL word: single-quoted, double-quoted or bare (up to a space or an operator).
_WORD = r"(?:'(?P<sq>[^'\n]{0,256})'|\"(?P<dq>[^\"\n]{0,256})\"|(?P<uq>[^\s'\"`;|&<>()]{1,256}))"
# What may stand between a command and the option we look for: the rest of one command on one line.
_ARGS = r"(?:[ \t][^\n|;&]{0,300}?)?[ \t]"


def _word(m: re.Match[str]) -> tuple[int, int, bool] | None:
    """(start, end, quoted) of the `_WORD` a match read, or None when it read nothing."""
    for group, quoted in (("sq", True), ("dq", True), ("uq", False)):
        if group in m.re.groupindex and m.group(group) is not None:
            value = m.group(group) if quoted else escapes_trimmed(m.group(group))
            return m.start(group), m.start(group) + len(value), quoted
    return None


def _judged(m: re.Match[str], text: str, judge: Callable[[str, Profile, bool], bool], profile: Profile) -> Span | None:
    """The span of the word a match read when `judge` takes its value as a credential."""
    word = _word(m)
    if word is None:
        return None
    start, end, quoted = word
    return (start, end) if judge(text[start:end], profile, quoted) else None


def _line_start(text: str, pos: int, limit: int = 4096) -> int:
    """Start of the line holding `pos`, looking back at most `limit` characters (minified one-line files)."""
    floor = max(0, pos - limit)
    newline = text.rfind("\n", floor, pos)
    return newline + 1 if newline != -1 or floor == 0 else floor


# --- SQL -------------------------------------------------------------------------------------------------

_USER_STATEMENT = re.compile(r"(?:create|alter)\s+(?:user|role|login)\b|set\s+password\b|grant\b")
_SQL_NOT_VALUES = frozenset({"random", "values", "password", "null", "external", "externally", "globally"})


@CONTEXTS(
    "sql-password",
    ("identified", "password"),  # `set password` holds "password"
    (r"identified\s+(?:with\s+[\w$'\"]+\s+)?by\s+(?:password\s+)?" + _WORD,
     r"set[ \t]+password[ \t]+(?:for[ \t]+[^\s=]{1,128}[ \t]*)?=[ \t]*(?:password\([ \t]*)?" + _WORD,
     r"password[ \t]*(?:\n[ \t]*)?(?:=[ \t]*)?(?:password\([ \t]*)?(?:'(?P<sq>[^'\n]{0,256})'|\"(?P<dq>[^\"\n]{0,256})\")"),
    placeholder="<PASSWORD>",
    priority=STRUCTURE,
    lowered=True,
)
def sql_password(m: re.Match[str], text: str, profile: Profile) -> Span | None:
    """Passwords in SQL user statements: `IDENTIFIED BY '…'` (MySQL, Oracle, also unquoted), `[ENCRYPTED]
    PASSWORD '…'` in CREATE/ALTER USER/ROLE/LOGIN (PostgreSQL, SQL Server, Snowflake), `SET PASSWORD … = '…'`."""
    low_start = m.start()
    if low_start and (text[low_start - 1].isalnum() or text[low_start - 1] in "_'\"-."):
        return None  # part of a longer name (`db_password '…'`, `"password" '…'`)
    word = _word(m)
    if word is None:
        return None
    start, end, quoted = word
    value = text[start:end]
    if not quoted and (value.lower() in _SQL_NOT_VALUES or not value[0].isalnum()):
        return None  # a keyword (`IDENTIFIED BY RANDOM PASSWORD`) or a bind parameter (`:pw`, `?`, `@pw`)
    if not m.group().startswith("set"):  # `identified by` and `password '…'` only inside a user statement
        statement = max(text.rfind(";", max(0, low_start - 400), low_start), low_start - 400, 0)
        if not _USER_STATEMENT.search(text[statement:low_start].lower()):
            return None  # "identified by name": prose
    return (start, end) if password_literal(value, profile, quoted) else None


# --- command lines -----------------------------------------------------------------------------------------

@CONTEXTS(
    "mysql-password",
    ("mysql", "mariadb"),
    tuple(cli + r"[\w-]*" + _ARGS + r"-p(?P<sp>[ \t]+)?(?=[^\s-])" + _WORD for cli in ("mysql", "mariadb")),
    placeholder="<PASSWORD>",
    priority=STRUCTURE,
    lowered=True,
)
def mysql_password(m: re.Match[str], text: str, profile: Profile) -> Span | None:
    """Passwords given to the MySQL/MariaDB clients (`mysql`, `mysqldump`, `mysqladmin`, `mariadb-dump`…):
    `-pX` attached, and `-p X` only when X cannot be the database name (`mysql -p shop` prompts, then
    opens `shop`): quoted, holding a character a bare database name cannot, or random."""
    if m.start() and (text[m.start() - 1].isalnum() or text[m.start() - 1] == "_"):
        return None
    word = _word(m)
    if word is None:
        return None
    start, end, quoted = word
    value = text[start:end]
    flag = m.start("sp") if m.group("sp") is not None else start - quoted
    if text[flag - 1 : flag] != "p":
        return None  # `-P3306` is the port (the pattern ran on lower-cased text)
    if m.group("sp") is not None and not quoted and re.fullmatch(r"[\w$]+", value) and not looks_random(value, 8):
        return None  # `mysql -p shop`: a prompt, then the database
    return (start, end) if password_literal(value, profile, quoted) else None


# Registry clients whose `login` takes `-p PASSWORD` (`crane auth login`, `helm registry login`).
_LOGIN_CLIS = ("docker", "podman", "buildah", "skopeo", "nerdctl", "oras", "registry", "auth")
_REGISTRY_CLIS = re.compile(rf"(?:{'|'.join(_LOGIN_CLIS)})[ \t]+\Z", re.IGNORECASE)
# What reads a password from a pipe: `sudo -S`, `docker login --password-stdin`, `passwd --stdin`.
_PIPED_INTO = re.compile(r"sudo[ \t](?:[^\n|;&]*[ \t])?-S\b|--password-stdin|passwd[ \t]+--stdin")


@CONTEXTS(
    "command-password",
    # Each keyword names the command or option itself, so these patterns run only on texts that use them.
    ("sshpass", "redis-cli", "mongo", "pgpassword", "mysql_pwd", "pass:", "openssl enc", "smbclient", "net user",
     "rabbitmqctl", "sudo -s", "--password-stdin", "passwd --stdin", "sqlcmd", "bcp ", "psexec", "ldap",
     *(f"{cli} login" for cli in _LOGIN_CLIS)),
    (r"login" + _ARGS + r"-p[ \t]+" + _WORD,
     r"sshpass" + _ARGS + r"-p[ \t]*" + _WORD,
     r"redis-cli" + _ARGS + r"-a[ \t]+" + _WORD,
     r"mongo(?:sh|dump|restore|import|export|stat|top)?" + _ARGS + r"-p[ \t]+" + _WORD,
     r"pgpassword=" + _WORD,
     r"mysql_pwd=" + _WORD,
     r"-pass(?:in|out)?[ \t]+pass:" + _WORD,
     r"openssl[ \t]+enc" + _ARGS + r"-k[ \t]+" + _WORD,
     r"smbclient" + _ARGS + r"(?:-u|--user(?:name)?)(?:[ \t]+|=)[\"']?[^\s%'\"]{1,64}%" + _WORD,
     r"net[ \t]+user[ \t]+[^\s/]{1,64}[ \t]+" + _WORD,
     r"rabbitmqctl[ \t]+(?:add_user|change_password)[ \t]+\S{1,64}[ \t]+" + _WORD,
     r"echo[ \t]+(?:-n[ \t]+)?" + _WORD + r"[ \t]*\|[ \t]*(?P<pipe>[^\n]{1,200})",
     r"sqlcmd" + _ARGS + r"-p[ \t]*" + _WORD,
     r"bcp" + _ARGS + r"-p[ \t]*" + _WORD,
     r"psexec(?:64)?" + _ARGS + r"-p[ \t]+" + _WORD,
     r"ldap(?:search|add|modify|delete|passwd|compare|modrdn|whoami)" + _ARGS + r"-w[ \t]+" + _WORD),
    placeholder="<PASSWORD>",
    priority=STRUCTURE,
    lowered=True,
)
def command_password(m: re.Match[str], text: str, profile: Profile) -> Span | None:
    """Passwords given to clients on the command line, each as its documentation spells the option:
    `docker login -p X` (podman, buildah, skopeo, nerdctl, oras, crane), `sshpass -p X`, `redis-cli -a X`,
    `mongosh -p X`, `openssl … -passout pass:X`, `openssl enc -k X`, `smbclient -U user%X`,
    `net user NAME X`, `rabbitmqctl add_user NAME X`, `echo X | sudo -S` / `| docker login --password-stdin`,
    `sqlcmd`/`bcp -P X`, `psexec -p X`, `ldapsearch -w X`, and the clients' password variables
    `PGPASSWORD=X psql`, `MYSQL_PWD=X`."""
    head = m.group()
    if m.start() and (text[m.start() - 1].isalnum() or text[m.start() - 1] == "_"):
        return None  # `my_mysql_pwd=`, `xlogin`: a longer word
    word = _word(m)
    if word is None:
        return None
    start, end, quoted = word
    value = text[start:end]
    if head.startswith("login") and not _REGISTRY_CLIS.search(text, max(0, m.start() - 24), m.start()):
        return None  # `-p` of some other `login` command
    if head.startswith("echo") and not _PIPED_INTO.search(text, m.start("pipe"), m.end("pipe")):
        return None  # piped into something that does not read a password (`sudo -S` is case-sensitive)
    if head.startswith("net") and (value == "*" or value.startswith("/")):
        return None  # `net user NAME *` prompts
    if head.startswith(("sqlcmd", "bcp")) and text[head.rindex("-p") + m.start() + 1] != "P":
        return None  # sqlcmd and bcp take the password as `-P`; `-p` prints statistics
    if head.startswith("ldap") and text[head.rindex("-w") + m.start() + 1] != "w":
        return None  # `-W` prompts for the password
    return (start, end) if password_literal(value, profile, quoted) else None


_HTPASSWD = re.compile(r"htpasswd[ \t]+(?P<opts>(?:-[a-z]+[ \t]+)+)(?P<args>[^\n|;&]{1,400})")


@CONTEXTS("htpasswd-password", ("htpasswd",), _HTPASSWD.pattern, placeholder="<PASSWORD>", priority=STRUCTURE,
          lowered=True)
def htpasswd_password(m: re.Match[str], text: str, profile: Profile) -> Span | None:
    """The password argument of htpasswd in batch mode (`-b`): file, user, password (`-n`: no file)."""
    opts = m.group("opts").replace("-", "")
    if "b" not in opts:
        return None  # without -b htpasswd prompts for the password
    words = [w for w in re.finditer(r"'[^'\n]*'|\"[^\"\n]*\"|[^\s'\"]+", m.group("args"))
             if not w.group().startswith(("-", "["))]
    position = 1 if "n" in opts else 2
    if len(words) <= position:
        return None
    word = words[position]
    start, end = m.start("args") + word.start(), m.start("args") + word.end()
    quoted = text[start] in "'\""
    if quoted:
        start, end = start + 1, end - 1
    return (start, end) if password_literal(text[start:end], profile, quoted) else None


@CONTEXTS(
    "powershell-secure-string",
    ("convertto-securestring",),
    r"convertto-securestring(?P<args>[^\n|;)]{0,400})",
    placeholder="<PASSWORD>",
    priority=STRUCTURE,
    lowered=True,
)
def powershell_secure_string(m: re.Match[str], text: str, profile: Profile) -> Span | None:
    """The plain text turned into a SecureString: `ConvertTo-SecureString [-String] '…' -AsPlainText`, the
    arguments in any order. Without `-AsPlainText` the input is an encrypted string, not a password."""
    args = m.group("args")
    if "-asplaintext" not in args:
        return None
    skip = False  # the next word is the argument of -Key/-SecureKey, not the string
    for token in re.finditer(r"'(?P<s>[^'\n]*)'|\"(?P<d>[^\"\n]*)\"|\S+", args):
        group = "s" if token.group("s") is not None else "d" if token.group("d") is not None else None
        if group is None and token.group().startswith("-"):
            skip = token.group() in ("-key", "-securekey")
            continue
        if skip:
            skip = False
            continue
        if group is None:
            return None  # `$plain`, `$env:PASSWORD`: a variable
        start, end = m.start("args") + token.start(group), m.start("args") + token.end(group)
        return (start, end) if password_literal(text[start:end], profile, True) else None
    return None


# --- connection strings ----------------------------------------------------------------------------------------

_CONNECTION_KEY = re.compile(
    r"(?:^|[;?&\s\"'{(])(?:host|hostaddr|server|data source|address|addr|dbname|database|initial catalog|user|user id"
    r"|uid|username|port|driver|dsn|sslmode)[ \t]*=|jdbc:|odbc"
)


@CONTEXTS(
    "connection-password",
    ("password=", "pwd=", "password =", "pwd ="),
    tuple(k + r"[ \t]*=[ \t]*(?:\{(?P<br>[^}\n]{1,256})\}|'(?P<sq>[^'\n]{1,256})'|(?P<uq>[^;&\s'\"<>`()]{1,256})(?![(\w]))"
          for k in ("password", "pwd")),
    placeholder="<PASSWORD>",
    priority=STRUCTURE,
    lowered=True,
)
def connection_password(m: re.Match[str], text: str, profile: Profile) -> Span | None:
    """`password=`/`pwd=` among connection parameters: JDBC URLs (`?user=…&password=…`, `;password=…`),
    ODBC and ADO.NET strings (`Server=…;Uid=…;Pwd={…};`), libpq conninfo (`host=… password=…`), mount
    options (`-o username=…,password=…`)."""
    before = text[m.start() - 1 : m.start()]
    if before and before not in ";?&, \t\"'{":
        return None  # `db_password=`: a name of its own (the assignment rules read it)
    if before in " \t" and text[max(0, m.start() - 64) : m.start()].rstrip(" \t")[-1:] in (",", "("):
        return None  # keyword arguments in code (`connect(host=h, password=pw)`); `-o user=u,password=p` is not
    line_start = _line_start(text, m.start())
    line_end = text.find("\n", m.end())
    window = text[max(line_start, m.start() - 300) : m.start()] + text[m.end() : line_end if line_end != -1 else None][:300]
    if not _CONNECTION_KEY.search(window.lower()):
        return None
    group = "br" if m.group("br") is not None else "sq" if m.group("sq") is not None else "uq"
    start, end = m.span(group)
    if group == "uq" and (start - m.start() > len("password=") or text[end : end + 1] == "="):
        return None  # `password = port = None`: spaced or chained, code rather than a parameter list
    if group == "br" and is_code_reference(text[start:end]):
        return None  # `Password={make_password()}` in an f-string: code, not ODBC's braces
    if group == "uq":
        end = start + len(escapes_trimmed(text[start:end]))
    return (start, end) if password_literal(text[start:end], profile, group != "uq") else None


# --- containers -----------------------------------------------------------------------------------------------


@CONTEXTS(
    "dockerfile-env",
    ("env ",),
    r"env[ \t]+(?P<n>[A-Za-z_][\w.-]{0,127})[ \t]+(?P<v>[^\s=][^\n]{0,1023})",
    priority=STRUCTURE,
    lowered=True,
)
def dockerfile_env(m: re.Match[str], text: str, profile: Profile) -> Span | None:
    """Dockerfile `ENV NAME value` (the older, space-separated form) under a password/key/token name; the
    `ENV NAME=value` and `ARG NAME=value` forms are assignments the generic rules read."""
    line = _line_start(text, m.start())
    if text[line : m.start()].strip(" \t+-") or text[m.start() : m.start() + 3] != "ENV":
        return None  # only the instruction at the start of a line, written in capitals as Dockerfiles do
    judge = credential_judge(text[m.start("n") : m.end("n")])
    if judge is None:
        return None
    start, end = m.span("v")
    value = text[start:end].rstrip(" \t\r\\")
    quoted = len(value) >= 2 and value[0] == value[-1] and value[0] in "'\""
    if quoted:
        start, value = start + 1, value[1:-1]
    return (start, start + len(value)) if judge(value, profile, quoted) else None


_YAML_SCALAR = r"(?:'(?P<sq>[^'\n]{0,1024})'|\"(?P<dq>[^\"\n]{0,1024})\"|(?P<uq>[^\s'\"#][^\n#]{0,1023}?))[ \t]*(?:#[^\n]*)?(?:\r?\n|$)"


@CONTEXTS(
    "k8s-env-value",
    ("value:",),
    r"name:[ \t]*(?P<nq>[\"']?)(?P<n>[\w.-]{1,128})(?P=nq)[ \t]*\r?\n[ \t]*value:[ \t]*" + _YAML_SCALAR,
    priority=STRUCTURE,
    lowered=True,
)
def k8s_env_value(m: re.Match[str], text: str, profile: Profile) -> Span | None:
    """Kubernetes (and other `- name: … / value: …` lists) env entries whose name is a password/key/token:
    `- name: DB_PASSWORD` then `value: …` on the next line. `valueFrom: secretKeyRef` is a reference."""
    judge = credential_judge(text[m.start("n") : m.end("n")])
    return None if judge is None else _judged(m, text, judge, profile)


_SECRET_KIND = re.compile(r"^kind:[ \t]*[\"']?secret[\"']?[ \t]*$", re.MULTILINE)
_BLOCK_HEADER = re.compile(r"^(?P<ind>[ \t]*)(?P<h>stringdata|data):[ \t]*(?:#[^\n]*)?$", re.MULTILINE)


@lru_cache(maxsize=8)
def _secret_blocks(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each `stringData:` block, and of each `data:` block in a document of kind Secret:
    computed once per text (the cache is keyed by the text), so each entry is placed by a lookup."""
    low = (text.replace("\u0130", "I") if "\u0130" in text else text).lower()  # same offsets (see engine.py)
    blocks = []
    for header in _BLOCK_HEADER.finditer(low):
        if header["h"] == "data":  # a ConfigMap has `data:` too: the YAML document must be a Secret
            begin, end = low.rfind("\n---", 0, header.start()) + 1, low.find("\n---", header.end())
            if not _SECRET_KIND.search(low, begin, end if end != -1 else len(low)):
                continue
        closing = re.compile(rf"\n[ \t]{{0,{len(header['ind'])}}}(?=[^\s#])").search(low, header.end())
        blocks.append((header.end(), closing.start() if closing else len(low)))
    return tuple(blocks)


@CONTEXTS(
    "k8s-secret-data",
    ("stringdata:", "kind: secret"),
    r"\n(?P<ind>[ \t]+)(?P<n>[^\s:#'\"][^:\n]{0,127}):[ \t]+" + _YAML_SCALAR,
    priority=STRUCTURE,
    lowered=True,
)
def k8s_secret_data(m: re.Match[str], text: str, profile: Profile) -> Span | None:
    """Entries of a Kubernetes Secret's `stringData:` block (plain values) and `data:` block (base64 of the
    values) whatever their names: the manifest says they are secret. Password/key names are judged as such,
    other names (`username`, `host`) need a random value in precise mode."""
    blocks = _secret_blocks(text)
    i = bisect.bisect_right(blocks, (m.start(), len(text))) - 1
    if i < 0 or not blocks[i][0] <= m.start() < blocks[i][1]:
        return None
    judge = credential_judge(text[m.start("n") : m.end("n")]) or (password_literal if profile.strict else key_literal)
    return _judged(m, text, judge, profile)


# --- key material -------------------------------------------------------------------------------------------

JWK_PUBLIC_MEMBERS = frozenset({"n", "e", "x", "y", "crv", "kid", "kty", "alg", "use", "x5c", "x5t", "x5u"})
_OCT = re.compile(r"[\"']?kty[\"']?[ \t]*:[ \t]*[\"']?oct\b")


def jwk_object(text: str, pos: int) -> str | None:
    """The object around `pos` when it is a JWK (has a `kty` member), else None. YAML has no braces: there
    the object is the 8 KB around `pos`."""
    opening = text.rfind("{", max(0, pos - 8192), pos)
    if opening == -1:
        window = text[max(0, pos - 8192) : pos + 8192]
        return window if "kty" in window.lower() else None
    closing = text.find("}", pos)
    body = text[opening : closing + 1 if closing != -1 else pos + 8192]
    return body if "kty" in body.lower() else None


@CONTEXTS(
    "jwk-private-key",
    ('"kty"', "'kty'", "kty:"),
    # JSON (`"d": "…"`, also single-quoted) and JavaScript/YAML objects with bare member names (`d: '…'`)
    tuple(before + r"(?P<m>dp|dq|qi|d|p|q|k)" + after + r"[ \t]*:[ \t]*[\"']?(?P<v>[A-Za-z0-9_\-+/=]{1,4096})"
          for before, after in (("\"", "\""), ("'", "'"), (r"(?<![\w$.\"'-])", ""))),
    priority=STRUCTURE,
)
def jwk_private_key(m: re.Match[str], text: str, profile: Profile) -> Span | None:
    """Private members of a JSON Web Key (RFC 7517/7518): `d` of EC/OKP/RSA keys, the RSA primes and CRT
    values `p`, `q`, `dp`, `dq`, `qi`, and `k` of a symmetric (`"kty": "oct"`) key. Public members (`n`,
    `e`, `x`, `y`) are left alone."""
    body = jwk_object(text, m.start())
    if body is None or (m.group("m") == "k" and not _OCT.search(body.lower())):
        return None
    after = text[m.end() : m.end() + 1]
    if after and not (after in "\"'," or after.isspace() or after == "}"):
        return None  # the value goes on: not one base64url string
    return m.span("v") if key_literal(m.group("v"), profile, True) else None


# --- credential files -------------------------------------------------------------------------------------

# Tokens are separated by blanks or newlines; in a diff hunk each new line starts with its +/- marker.
_NETRC_SEP = r"(?:[ \t]|\r?\n[+ -]?)+"
_NETRC_ENTRY = re.compile(rf"(?:^|[\s\"'+-])(?:machine{_NETRC_SEP}\S+|default)(?:{_NETRC_SEP}(?:login|account|port)"
                          rf"{_NETRC_SEP}\S+)*{_NETRC_SEP}\Z")


@CONTEXTS(
    "netrc-password",
    ("machine ", "machine\t", "default login"),
    r"password[ \t]+(?P<uq>[^\s\"'`]{1,256})",
    placeholder="<PASSWORD>",
    priority=STRUCTURE,
    lowered=True,
)
def netrc_password(m: re.Match[str], text: str, profile: Profile) -> Span | None:
    """`.netrc` entries: `machine HOST login USER password PASS` on one line or several (also `default`)."""
    if not _NETRC_ENTRY.search(text, max(0, m.start() - 400), m.start()):
        return None
    start, end = m.span("uq")
    return (start, end) if password_literal(text[start:end], profile) else None


@CONTEXTS(
    "pgpass-password",
    ("pgpass", ":5432:", ":*:"),
    r"(?P<h>[\w.*\[\]-]{1,253}):(?P<port>\d{1,5}|\*):(?P<db>[^:\s\"']{1,63}):(?P<u>[^:\s\"']{1,63}):"
    r"(?P<v>(?:[^:\s\"'\\]|\\[:\\]){1,256})(?=[\s\"']|\\[nrt]|$)",
    placeholder="<PASSWORD>",
    priority=STRUCTURE,
)
def pgpass_password(m: re.Match[str], text: str, profile: Profile) -> Span | None:
    """PostgreSQL `.pgpass` lines `host:port:database:user:password` (`*` wildcards, `\\:` escapes)."""
    if m.start() and not text[m.start() - 1].isspace() and text[m.start() - 1] not in "\"'":
        return None
    user, value = m.group("u"), m.group("v")
    if value.lower() == user.lower():
        return None
    return m.span("v") if password_literal(value, profile) else None


# --- calls in code ---------------------------------------------------------------------------------------------

_SETTER_VERBS = frozenset({"set", "with", "use"})
_QUOTED_ARG = r"[ \t]*(?:\"(?P<dq>[^\"\\\n]{1,256})\"|'(?P<sq>[^'\\\n]{1,256})')[ \t]*[,)]"


@CONTEXTS(
    "credential-setter",
    ("password(", "passwd(", "secret(", "key(", "token("),
    tuple(k + r"\(" + _QUOTED_ARG for k in ("password", "passwd", "secret", "key", "token")),
    priority=STRUCTURE,
    lowered=True,
)
def credential_setter(m: re.Match[str], text: str, profile: Profile) -> Span | None:
    """A literal handed to a setter or builder of a credential: `setPassword("…")`, `withApiKey("…")`,
    `.password("…")`, `.clientSecret('…')`. Other verbs (`check_password("…")`, `get_secret("name")`)
    take something else than the credential itself."""
    begin = name_start(text, m.start())
    dot = text.rfind(".", begin, m.start() + 1)
    name = text[dot + 1 if dot != -1 else begin : m.start() + m.group().index("(")]
    words = name_words(name)
    if not words:
        return None
    if words[0] in _SETTER_VERBS:
        words = words[1:]
    elif dot == -1 and text[begin - 1 : begin] != ".":
        return None  # a plain function (`hash_password("…")`): builders and setters are methods
    if not words or any(w in _NOT_CREDENTIAL_VERBS for w in words):
        return None
    judge = credential_judge("_".join(words))
    return None if judge is None else _judged(m, text, judge, profile)


_NOT_CREDENTIAL_VERBS = frozenset({"get", "check", "verify", "hash", "validate", "encode", "decode", "encrypt", "decrypt",
                                   "compare", "reset", "find", "load", "read", "fetch", "lookup", "generate", "create",
                                   "has", "is", "make", "new", "delete", "remove", "rotate", "mask", "format", "parse"})


@CONTEXTS(
    "credential-constructor",
    ("credential(", "credentials(", "authentication("),
    tuple(k + r"\([ \t]*(?:\"[^\"\n]{1,128}\"|'[^'\n]{1,128}')[ \t]*,[ \t]*(?:\"(?P<dq>[^\"\\\n]{1,256})\"|"
          r"'(?P<sq>[^'\\\n]{1,256})')" for k in ("credential", "credentials", "authentication")),
    placeholder="<PASSWORD>",
    priority=STRUCTURE,
    lowered=True,
)
def credential_constructor(m: re.Match[str], text: str, profile: Profile) -> Span | None:
    """The password of a user/password credential built from two literals: .NET `NetworkCredential("u", "…")`,
    Apache `UsernamePasswordCredentials("u", "…")`, Java `PasswordAuthentication("u", "…".toCharArray())`,
    AWS `BasicAWSCredentials("AKIA…", "…")`."""
    return _judged(m, text, password_literal, profile)


# --- XML settings and labelled lines ------------------------------------------------------------------------


@CONTEXTS(
    "xml-setting",
    ("value=", "<entry"),
    (*(a + r"[ \t]*=[ \t]*(?P<nq>[\"'])(?P<n>[^\"'<>\n]{1,128})(?P=nq)[ \t\r\n]+value[ \t]*=[ \t]*"
       r"(?P<vq>[\"'])(?P<v>[^\"'<>\n]{1,1024})(?P=vq)" for a in ("key", "name")),
     r"<entry[ \t]+key[ \t]*=[ \t]*(?P<nq>[\"'])(?P<n>[^\"'<>\n]{1,128})(?P=nq)[ \t]*>(?P<v>[^<\n]{1,1024})</entry>"),
    priority=STRUCTURE,
    lowered=True,
)
def xml_setting(m: re.Match[str], text: str, profile: Profile) -> Span | None:
    """XML settings named by one attribute and valued by the next: .NET `<add key="ApiKey" value="…"/>`,
    Spring `<property name="password" value="…"/>`, `<setting name="API_KEY" value="…"/>`, and Java's XML
    properties `<entry key="db.password">…</entry>`. The value is
    judged unescaped (`&amp;` is one character of it) and replaced as written."""
    if not text[m.start() - 1 : m.start()].isspace() and not m.group().startswith("<"):
        return None  # `data-key=`, `keyname=`: another attribute
    judge = credential_judge(text[m.start("n") : m.end("n")])
    if judge is None:
        return None
    start, end = m.span("v")
    return (start, end) if judge(html.unescape(text[start:end]), profile, True) else None


_LABEL = r"[ \t]+[-\u2013\u2014][ \t]+(?P<uq>[^\s]{1,256})[ \t]*(?:\r?\n|$)"
_LABELS = ("password", "passwd", "passphrase", "secret", "key", "token")


@CONTEXTS(
    "labelled-secret",
    # the label and its dash as keywords: "key" alone is in nearly every text
    tuple(f"{label} {dash}" for label in _LABELS for dash in "-\u2013\u2014"),
    tuple(k + _LABEL for k in _LABELS),
    priority=STRUCTURE,
    lowered=True,
)
def labelled_secret(m: re.Match[str], text: str, profile: Profile) -> Span | None:
    """A credential written as a labelled line in notes or prose, `Password - …`, `License key – …`: the
    value is the line's last word (`Password - see the vault` is a sentence). `Label: value` lines are
    assignments the generic rules read."""
    judge = credential_judge(text[name_start(text, m.start()) : m.start() + len(m.group().split()[0])])
    start, end = m.span("uq")
    return (start, end) if judge is not None and judge(text[start:end], profile, False) else None
