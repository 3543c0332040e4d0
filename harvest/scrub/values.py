"""Judging candidate values: is this string random enough to be a credential, or filler, a template,
a code reference or prose? Shared by every detector so "placeholder" means one thing everywhere.

All functions are pure and cheap; they only run on the few strings a detector's regex matched.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache
from itertools import pairwise

# Runs of one non-digit character; digit runs are normal inside numeric ids (5111111).
_RUN = re.compile(r"([^0-9])\1{3,}", re.IGNORECASE | re.DOTALL)
_PLACEHOLDER_PART = re.compile(
    r"(?i:example|sample|dummy|placeholder|change_?me|changeit|redacted|replace_?me|insert|xxxx|password|passwd)"
    # Short words only as words: random tokens contain "FaKe" or "todo" by chance.
    r"|(?<![A-Za-z])(?:your|fake|todo|YOUR|FAKE|TODO|Your|Fake)(?![a-z])|\*\*\*|\.\.\.|<[^<>]*>|^\[[^\]]*\]$"
)
_PLACEHOLDER_WHOLE = frozenset(
    ["password", "passwd", "pass", "pwd", "secret", "token", "key", "apikey", "api_key", "api-key", "accesstoken", "access_token", "test", "testing", "tests", "none", "null", "nil", "true", "false", "undefined", "empty", "redacted", "hidden", "unset", "default", "foo", "bar", "baz", "qux", "todo", "tbd", "value", "string", "str", "required", "optional", "username", "user", "login", "changeme", "here", "mask", "masked", "private"]
)
_TEMPLATE = re.compile(
    r"\$\{|\{\{|\$\(|%\(|#\{|^\$[A-Za-z_]|^%[sdr]$|^%[A-Za-z_]+%$|\{\s*\d*\s*\}|\bos\.environ|process\.env"
    r"|getenv|\bENV\[|\bsecrets\.|^@[A-Za-z]"
)
# Unquoted YAML: a tag (`!Ref`, `!!str`, `!reset`: letters only, so `!Dd5G4s9` stays a password), an anchor
# (`&base`) or an alias (`*base`). Inside quotes these characters are just characters.
_YAML_REFERENCE = re.compile(r"^!!?[A-Za-z][A-Za-z-]*$|^&|^\*[A-Za-z]")
# A word (lower, Capitalised, CamelCase, ACRONYM) optionally ending in a short number/unit: pool2d, 7B.
# CamelCase humps have 2+ lower-case letters (Config, Video) except a final Id/X: random text (PsVwFn) fails.
_WORD_PIECE = re.compile(
    r"(?:[A-Z]?[a-z]+|[A-Z]+)(?:[A-Z][a-z]{2,})*(?:[A-Z][a-z]?)?[A-Z]*(?:\d{1,4}[A-Za-z]{0,2})?|\d{1,4}[A-Za-z]{0,2}"
)
_PIECES = re.compile(r"[^A-Za-z0-9]+")
_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*(?:(?:\.|::|->)[A-Za-z_$][\w$]*)*(?:\(.*|\[.*)?", re.DOTALL)
_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_HEX = re.compile(r"[0-9a-f]+|[0-9A-F]+")
_HEX_ANY = re.compile(r"[0-9a-fA-F]+")
_ASCENDING_3 = re.compile("|".join(a + chr(ord(a) + 1) + chr(ord(a) + 2) for a in "abcdefghijklmnopqrstuvwx01234567"))
_VOWEL = re.compile(r"[aeiouyAEIOUY]")
# A word as people type it in a phrase: lower, Capitalised or UPPER, digits only at the end (`db2`, `Summer`).
_PLAIN_WORD = re.compile(r"[a-z]+\d*|[A-Z][a-z]*\d*|[A-Z]+\d*|\d+")
_JOINED = re.compile(r"[a-z][A-Z]|[A-Za-z0-9][_.][A-Za-z]")  # camelCase or snake_case/dotted joints


def shannon_entropy(value: str) -> float:
    """Shannon entropy of `value` in bits per character."""
    n = len(value)
    if n == 0:
        return 0.0
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


@lru_cache(maxsize=4096)
def _expected_entropy(n: int, k: int) -> float:
    """Mean Shannon entropy of n characters drawn uniformly from an alphabet of k (exact, via binomials)."""
    p = 1.0 / k
    total, prob = 0.0, (1 - p) ** n
    for c in range(1, n + 1):
        prob *= (n - c + 1) / c * p / (1 - p)
        total += prob * (c / n) * math.log2(c / n)
    return -k * total


def _alphabet_size(value: str) -> int:
    """Size of the character classes `value` draws from (hex, digits, lower, upper, symbols)."""
    if _HEX_ANY.fullmatch(value):
        return 16 if _HEX.fullmatch(value) else 22
    size = 10 * any(c.isdigit() for c in value) + 26 * any(c.islower() for c in value)
    size += 26 * any(c.isupper() for c in value) + len({c for c in value if not c.isalnum()})
    return max(size, 2)


def random_threshold(value: str, margin: float = 0.4) -> float:
    """Entropy that random tokens of this length and alphabet reach: their mean minus `margin` bits
    (0.4 bits: ~98% of them)."""
    return _expected_entropy(len(value), _alphabet_size(value)) - margin


def is_hex(value: str) -> bool:
    """Single-case hexadecimal: the alphabet of digests and ids."""
    return _HEX.fullmatch(value) is not None


def _longest_ascending(value: str) -> int:
    best = run = 1
    for a, b in pairwise(value):
        run = run + 1 if ord(b) - ord(a) == 1 else 1
        best = max(best, run)
    return best


def is_filler(value: str) -> bool:
    """Low-information filler: repeated characters, a short repeated unit, or an alphabet run."""
    if len(value) < 4:
        return True
    # Most of the value sits in runs like xxxx / 0000 / ****: documentation, not a key.
    if sum(len(m.group()) for m in _RUN.finditer(value)) * 2 >= len(value):
        return True
    # Entropy of at most 2 bits/char covers any unit of <= 4 characters repeated (asdfasdf, TESTTEST).
    if len(value) >= 8 and shannon_entropy(value) <= 2.0:
        return True
    # An alphabet or digit run (abcdefghij…, 0123456789) that dominates the value is keyboard filler.
    lowered = value.lower()
    return _ASCENDING_3.search(lowered) is not None and _longest_ascending(lowered) >= max(10, len(value) // 4)


def is_placeholder(value: str) -> bool:
    """Documentation filler or a stand-in word (`EXAMPLE`, `<your-key>`, `changeme`, `xxxx`, `****`)."""
    stripped = value.strip("\"'`{}[]() ")
    if stripped.lower() in _PLACEHOLDER_WHOLE or is_filler(stripped):
        return True
    return _PLACEHOLDER_PART.search(value) is not None


def is_template(value: str, quoted: bool = False) -> bool:
    """A reference filled in elsewhere: `${VAR}`, `{{ var }}`, `$VAR`, `%s`, `os.environ[...]`, `{name}`, and
    unless the value was `quoted`, a YAML tag, anchor or alias (`!Ref`, `&base`, `*base`)."""
    if _TEMPLATE.search(value) or (not quoted and _YAML_REFERENCE.search(value)):
        return True
    inner = value[1:-1] if value[:1] in "{<[" and value[-1:] in "}>]" else ""
    return bool(inner) and is_wordy(inner)


def is_wordy(value: str) -> bool:
    """Made of words (identifiers, prose, MIME types, dotted names) rather than random characters."""
    pieces = [p for p in _PIECES.split(value) if p]
    return bool(pieces) and all(_WORD_PIECE.fullmatch(p) for p in pieces)


def is_phrase(value: str) -> bool:
    """Two or more plainly written words (`my-app-db`, `Please.Change.Me`): a name or a sentence, not a
    password. Random pieces (`oAfxU.YqX-MmzH`) fail: their case changes inside a piece."""
    pieces = [p for p in _PIECES.split(value) if p]
    return len(pieces) >= 2 and all(_PLAIN_WORD.fullmatch(p) for p in pieces)


def word_coverage(value: str) -> float:
    """Share of `value` covered by word-like pieces (3+ letters with a vowel): ~0.2 for random base62."""
    covered = sum(len(a) for a in _CAMEL.findall(value) if len(a) >= 3 and a.isalpha() and _VOWEL.search(a))
    return covered / len(value) if value else 0.0


def word_count(value: str) -> int:
    """Number of separator-delimited pieces in `value`."""
    return sum(1 for p in _PIECES.split(value) if p)


def is_compound_identifier(value: str) -> bool:
    """CamelCase or snake_case built from words, digits allowed anywhere (`V1SecretProjection`, `T5Config`)."""
    if not _JOINED.search(value):
        return False  # `hunter2horse` has no identifier joints: words typed as a password
    words = [a for a in _CAMEL.findall(value) if len(a) >= 3 and a.isalpha() and _VOWEL.search(a)]
    return len(words) >= 2 and word_coverage(value) >= 0.75


def has_random_piece(value: str) -> bool:
    """A dotted or snake_case value one of whose pieces mixes digits with both cases (`SMJ.fiLz56F`): names
    people write (`settings.DB_PASSWORD`, `config.v2`) do not; calls and subscripts are code anyway."""
    if "(" in value or "[" in value:
        return False
    return any(any(c.isdigit() for c in piece) and piece.lower() != piece and piece.upper() != piece
               for piece in re.split(r"[._]", value))


def is_code_reference(value: str) -> bool:
    """An unquoted value that reads as an expression: `settings.KEY`, `PROJECT_ALIAS`, `get_token()`."""
    if value[:1] in ("(", "[", "{"):
        return True
    if not _IDENTIFIER.fullmatch(value):
        return False
    # An identifier-shaped value is still a literal when it is random (`sl_key= abcd1234...`), dots included
    # (`aB3d.Ef9Gh` is a password; `settings.KEY` and `np.float64` are made of words). Calls and subscripts
    # are code whatever they hold.
    bare = "(" not in value and "[" not in value
    # People do not write 24+ characters of letters and digits as one identifier, nor random short ones.
    shape = len(value) >= 24 or word_coverage(value) < 0.5
    return not (bare and shape and any(c.isdigit() for c in value) and looks_random(value, 10))


def looks_random(value: str, min_length: int, floor: float = 2.5) -> bool:
    """At least `min_length` long, not digits only, not words or an identifier, not filler, >= `floor` bits/char."""
    if len(value) < min_length or value.isdigit() or is_wordy(value) or is_compound_identifier(value):
        return False
    return not is_placeholder(value) and shannon_entropy(value) >= floor


def name_words(name: str) -> list[str]:
    """Lower-case words of an identifier (`clientSecretKey` → client, secret, key), trailing numbers dropped."""
    words = [w.lower() for w in _CAMEL.findall(name)]
    while words and words[-1].isdigit():
        words.pop()
    return words
