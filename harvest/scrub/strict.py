"""Strict-only detectors: what the strict mode replaces beyond the precise rules (see `profile.py`).

`random-token` replaces long random tokens wherever they stand, with no name or provider prefix to go
by: in a training example a false positive costs one placeholder, a miss a memorised credential. It
leaves alone what reads as code (identifiers, paths, slugs, words), public material (certificates,
public keys, a public JWK's members) and the hashes a repository is full of (lock-file integrity,
`sha256:` digests, git object ids, UUIDs, `data:` URIs).
"""

from __future__ import annotations

import re

from harvest.scrub.base import ENTROPY, Collector, Span
from harvest.scrub.contexts import JWK_PUBLIC_MEMBERS, jwk_object
from harvest.scrub.profile import Profile
from harvest.scrub.values import (
    is_compound_identifier,
    is_hex,
    is_placeholder,
    is_wordy,
    random_threshold,
    shannon_entropy,
    word_coverage,
)

STRICT_ONLY = Collector()

# Lock files and checksum lists hold nothing but digests of published packages.
_DIGEST_FILES = ("package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "poetry.lock", "uv.lock",
                 "pipfile.lock", "cargo.lock", "gemfile.lock", "composer.lock", "go.sum", "gradle.lockfile",
                 "packages.lock.json", "flake.lock", "pubspec.lock", "mix.lock", "podfile.lock")
# What stands before a digest or an encoded blob (`sha512-…` is inside the match, `sha256:…`, `h1:…` and
# `;base64,…` just before it).
_DIGEST_PREFIX = re.compile(r"(?:sha(?:1|224|256|384|512)|md5|blake2b?|h1)[-:=]", re.IGNORECASE)
_BEFORE_DIGEST = re.compile(r"(?:(?:sha(?:1|224|256|384|512)|md5|blake2b?|h1):|base64,)\Z", re.IGNORECASE)
# UUIDs name rows, fixtures and requests everywhere; one under a key or token name is the named
# detectors' business (`generic-secret`), not this one's.
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
# Blocks of public material: a certificate's or public key's base64 lines are not secrets.
_PUBLIC_BLOCKS = ("-----BEGIN CERTIFICATE", "-----BEGIN TRUSTED CERTIFICATE", "-----BEGIN X509 CRL", "-----BEGIN PUBLIC KEY",
                  "-----BEGIN RSA PUBLIC KEY", "-----BEGIN PGP PUBLIC KEY", "-----BEGIN PGP SIGNATURE", "-----BEGIN SSH2 PUBLIC KEY")
# The member name a JSON/JS/YAML value stands under: `"n": "…`, `x: …`.
_MEMBER = re.compile(r"[\"']?([A-Za-z0-9_]{1,8})[\"']?[ \t]*:[ \t]*[\"']?\Z")
_SEPARATORS = re.compile(r"[-_]")
_DIGIT = re.compile(r"[0-9]")
_LETTER = re.compile(r"[A-Za-z]")
# A slug (`photo-1497366754035-f200968a6e72`, `finder-pref-9k2-cds-checkbox`) has several short pieces
# written in one case or Capitalised; a random token with `-`/`_` in its alphabet mixes cases in its pieces.
SLUG_PIECE = 16
WORDS_SHARE = 0.7
# A path segment people write (`hooks`, `add-to-project`, `v1`); a random base64 piece is all lower-case
# letters for 5+ characters about 1% of the time (26/64 per character).
_PATH_WORD = re.compile(r"[a-z][a-z-]{4,}|v\d+")
# Git object ids (SHA-1, SHA-256) and SHA-256 digests: pinned actions (`uses: org/action@<sha>`), lock
# entries, reverts. A key of that shape under a credential name is caught by `generic-secret`.
_DIGEST_HEX_LENGTHS = frozenset({40, 64})
# Words on the line that say a hex run is a hash or an id rather than a key.
_HASH_WORDS = re.compile(r"commit|sha|hash|digest|checksum|revision|\brev\b|integrity|md5|etag|fingerprint|merge|"
                         r"revert|cherry|object|blob|tree|\bid\b|_id\b|uuid|nonce", re.IGNORECASE)


def _digest_file(path: str | None) -> bool:
    return bool(path) and path.rsplit("/", 1)[-1].lower().endswith(_DIGEST_FILES)


def _in_public_block(text: str, start: int) -> bool:
    """Inside a PEM/PGP block of public material (no END marker between its BEGIN and `start`)."""
    begin = text.rfind("-----BEGIN ", 0, start)
    return begin != -1 and text.startswith(_PUBLIC_BLOCKS, begin) and text.find("-----END", begin, start) == -1


def _slug(value: str) -> bool:
    """Several short pieces each written as people write (`photo-1497366754035-f200968a6e72`,
    `8496288690317-Trigger-Zaps`); random base64url mixes cases inside its pieces."""
    pieces = _SEPARATORS.split(value)
    plain = all(p.islower() or p.isupper() or p.istitle() or p.isdigit() or not p for p in pieces)
    return plain and len(pieces) >= 3 and max(map(len, pieces)) < SLUG_PIECE


def _line_of(text: str, start: int, end: int) -> str:
    return text[text.rfind("\n", 0, start) + 1 : (text.find("\n", end) + 1 or len(text) + 1) - 1]


@STRICT_ONLY("random-token", (), r"(?<![A-Za-z0-9_+/=-])[A-Za-z0-9_+/=-]{32,1024}", priority=ENTROPY, strict_only=True,
             gate=r"[A-Za-z0-9_+/=-]{32}")  # in about one hunk of nine: the rest skip the regex
def random_token(m: re.Match[str], text: str, path: str | None, profile: Profile) -> Span | None:
    """Strict mode: any base64/base62/hex token of `token_min_length`+ characters with high entropy,
    unless it reads as code or is a known kind of hash."""
    # Cheapest tests first, of the token and of what stands beside it: long names lack a digit or a letter,
    # lock files' and manifests' digests say so just before; the entropy and word tests, and the reads far
    # back in the text, come last.
    token, (start, end) = m.group(), m.span()
    if not _DIGIT.search(token) or not _LETTER.search(token) or _marked(text, start, end, path):
        return None
    span = _random_span(token, text, start, profile)
    return None if span is None or _public_material(text, start) else span


def _random_span(token: str, text: str, start: int, profile: Profile) -> Span | None:
    """The random part of `token` (at `start` in `text`): all of it, a path's random segment, or None."""
    segments = list(re.finditer(r"[^/]+", token))
    if len(segments) > 1 and any(_PATH_WORD.fullmatch(s.group()) for s in segments):
        # A path or URL (base64 has slashes too, but no words between them): judge each segment, so
        # `/hooks/<random>` loses the random part only.
        for segment in segments:
            if _random(segment.group(), text, start + segment.start(), profile):
                return start + segment.start(), start + segment.end()
        return None
    return (start, start + len(token)) if _random(token, text, start, profile) else None


def _marked(text: str, start: int, end: int, path: str | None) -> bool:
    """Whether what stands right beside `text[start:end]`, or the file, says it is no secret: an e-mail's local
    part, a regex character class, a digest."""
    if text[end : end + 1] == "@" or (text[start - 1 : start] == "[" and text[end : end + 1] == "]"):
        return True  # an e-mail's local part (personal data, its own rule) or a regex character class
    return bool(_DIGEST_PREFIX.match(text, start, end) or _BEFORE_DIGEST.search(text, max(0, start - 8), start)
                or _digest_file(path))


def _public_material(text: str, start: int) -> bool:
    """Whether the token at `start` is public key material: in a certificate's or public key's block, or a
    public JWK's modulus or curve point (its private members have their own rule)."""
    if _in_public_block(text, start):
        return True
    member = _MEMBER.search(text, max(0, start - 16), start)
    return bool(member and member.group(1).lower() in JWK_PUBLIC_MEMBERS and jwk_object(text, start) is not None)


def _random(token: str, text: str, start: int, profile: Profile) -> bool:
    """A token long and random enough for strict mode, and not a known kind of hash."""
    value = token.rstrip("=")
    if len(value) < profile.token_min_length:
        return False
    if not _DIGIT.search(value) or not _LETTER.search(value) or _slug(value):
        return False
    if _UUID.fullmatch(value) or is_hex(value) and (len(value) in _DIGEST_HEX_LENGTHS or _HASH_WORDS.search(_line_of(text, start, start + len(token)))):
        return False
    # Random base62 of 32+ characters covers ~0.2 of itself with word-like pieces, and 0.5 in ~5% of draws;
    # names past 0.7 that are not compound identifiers are rare.
    if is_wordy(value) or is_compound_identifier(value) or word_coverage(value) >= WORDS_SHARE or is_placeholder(value):
        return False
    return shannon_entropy(value) >= random_threshold(value, profile.entropy_margin)
