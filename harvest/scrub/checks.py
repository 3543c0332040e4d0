"""Confirmation checks for provider rules: the code half of `rules/providers.yaml`.

A rule's regex finds candidates; its `check` (named in the rule file) turns a match into the span to
replace, or None. Most rules use `token`; the rest need context a regex cannot express cheaply (the
characters before an anchor, a JWT header that must decode, a length that depends on the prefix).
Every check is a pure function `(match, text, rule) -> span | None` in the `CHECKS` registry.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable

from harvest.scrub.base import ProviderRule, Span
from harvest.scrub.values import (
    is_placeholder,
    is_wordy,
    looks_random,
    random_threshold,
    shannon_entropy,
)

_WORDCHAR = re.compile(r"[A-Za-z0-9_]")


def _glued(ch: str, extra: str) -> bool:
    return bool(ch) and (_WORDCHAR.match(ch) is not None or ch in extra)


def bounded(m: re.Match[str], text: str, extra: str = "") -> bool:
    """The match is not glued to word characters (or `extra`) on either side."""
    start, end = m.span()
    return not _glued(text[start - 1 : start], extra) and not _glued(text[end : end + 1], extra)


def token(m: re.Match[str], text: str, body: str = "b", extra: str = "") -> Span | None:
    """Standard check for prefixed tokens: bounded, and the random part is not filler or a placeholder."""
    if not bounded(m, text, extra):
        return None
    value = m.group(body) if body in m.re.groupindex else m.group()
    return None if is_placeholder(value) else m.span()


RuleCheck = Callable[[re.Match[str], str, ProviderRule], "Span | None"]
CHECKS: dict[str, RuleCheck] = {}


def check(name: str) -> Callable[[RuleCheck], RuleCheck]:
    """Register a check under the name rule files use."""

    def register(fn: RuleCheck) -> RuleCheck:
        CHECKS[name] = fn
        return fn

    return register


@check("token")
def standard_token(m: re.Match[str], text: str, rule: ProviderRule) -> Span | None:
    """Not glued to word characters (or the rule's `boundary` characters); group `b` is not filler."""
    return token(m, text, extra=rule.boundary)


@check("random-body")
def random_body(m: re.Match[str], text: str, rule: ProviderRule) -> Span | None:
    """Like `token`, but group `b` must also read as random (not words, an identifier or filler): for prefixes
    that also start ordinary names (`secret-`, `ser.`, `as-`), where only the body tells a key from a name."""
    if not bounded(m, text, rule.boundary):
        return None
    # min_entropy 0 (unset) falls back to looks_random's own floor.
    floor = rule.min_entropy or 2.5
    return m.span() if looks_random(m.group("b"), rule.min_length, floor=floor) else None


@check("unbounded")
def unbounded(m: re.Match[str], text: str, rule: ProviderRule) -> Span | None:
    """The whole match unless group `b` is filler: for anchors inside URLs, where neighbours are normal."""
    return None if is_placeholder(m.group("b")) else m.span()


@check("value")
def value_only(m: re.Match[str], text: str, rule: ProviderRule) -> Span | None:
    """Only group `b` (the name or URL around it stays), unless it is filler."""
    start, end = m.span("b")
    return None if is_placeholder(text[start:end]) else (start, end)


@check("random")
def random_value(m: re.Match[str], text: str, rule: ProviderRule) -> Span | None:
    """Only group `b`, when it is random: at least `min_length` long and `min_entropy` bits/char."""
    start, end = m.span("b")
    return (start, end) if looks_random(text[start:end], rule.min_length, floor=rule.min_entropy) else None


_WORD = re.compile(r"\w")


@check("stripe-key")
def stripe_key(m: re.Match[str], text: str, rule: ProviderRule) -> Span | None:
    """The match starts after the s/r of sk_/rk_ (one anchor for both): that letter must be there, unglued."""
    start = m.start() - 1
    if start < 0 or text[start] not in "sr" or (start and _WORD.match(text[start - 1])):
        return None
    after = text[m.end() : m.end() + 1]
    return None if is_placeholder(m.group("b")) or _WORD.match(after) else (start, m.end())


@check("aws-secret-key")
def aws_secret_key(m: re.Match[str], text: str, rule: ProviderRule) -> Span | None:
    """The name says AWS (…secret_access_key, or aws_ right before secret) and the value is random."""
    if not m.group("n") and not text[max(0, m.start() - 4) : m.start()].lower().rstrip("_").endswith("aws"):
        return None
    start, end = m.span("b")
    return (start, end) if looks_random(text[start:end], 40, floor=4.0) else None


_AZURE_HEAD = re.compile(r"[\w~.-]{3}\d\Z")
_AZURE_CHAR = re.compile(r"[\w~.-]")


@check("azure-ad-client-secret")
def azure_ad_client_secret(m: re.Match[str], text: str, rule: ProviderRule) -> Span | None:
    """The anchor is Q~: the 3 characters and digit before it belong to the secret."""
    start = m.start() - 4
    if start < 0 or not _AZURE_HEAD.search(text, start, m.start()):
        return None
    if start and _AZURE_CHAR.match(text[start - 1]):
        return None
    return None if is_placeholder(m.group("b")) else (start, m.end())


_GITLAB_LENGTHS = {"imt": (25, 25), "ptt": (40, 40), "oas": (64, 64), "agent": (50, 400)}


@check("gitlab-token")
def gitlab_token(m: re.Match[str], text: str, rule: ProviderRule) -> Span | None:
    """GitLab documents a length per token kind (group `k`); others are 20-400."""
    low, high = _GITLAB_LENGTHS.get(m.group("k"), (20, 400))
    return token(m, text, extra="-.") if low <= len(m.group("b")) <= high else None


_SLACK_SHAPE = re.compile(r"(?:\d{1,2}-)?(?:[A-Za-z0-9]{6,}-){1,4}[A-Za-z0-9]{8,}|\d-[A-Za-z0-9]{40,}")


@check("slack-token")
def slack_token(m: re.Match[str], text: str, rule: ProviderRule) -> Span | None:
    """The body has Slack's dash-separated segment shape."""
    if not _SLACK_SHAPE.fullmatch(m.group("b")):
        return None
    return token(m, text, extra="-")


_MAILCHIMP_HEAD = re.compile(r"(?<![A-Za-z0-9])[0-9a-f]{32}\Z")


@check("mailchimp-key")
def mailchimp_key(m: re.Match[str], text: str, rule: ProviderRule) -> Span | None:
    """The anchor is the -usNN datacenter suffix: 32 hex must precede it."""
    head = _MAILCHIMP_HEAD.search(text, max(0, m.start() - 33), m.start())
    if head is None or is_placeholder(head.group()):
        return None
    return head.start(), m.end()


_DISCORD_HEAD = re.compile(r"(?<![\w-])[\w-]{24,26}\Z")


@check("discord-bot-token")
def discord_bot_token(m: re.Match[str], text: str, rule: ProviderRule) -> Span | None:
    """The anchor is .timestamp.hmac: the base64 user id must precede it, and the whole must be random."""
    head = _DISCORD_HEAD.search(text, max(0, m.start() - 27), m.start())
    if head is None:
        return None
    whole = text[head.start() : m.end()]
    if is_wordy(whole) or is_placeholder(m.group("b")) or shannon_entropy(whole) < random_threshold(whole):
        return None
    return head.start(), m.end()


_TELEGRAM_HEAD = re.compile(r"(?<![\w:])\d{8,10}\Z")


@check("telegram-bot-token")
def telegram_bot_token(m: re.Match[str], text: str, rule: ProviderRule) -> Span | None:
    """The anchor is :AA…: the numeric bot id must precede it."""
    head = _TELEGRAM_HEAD.search(text, max(0, m.start() - 11), m.start())
    if head is None or is_placeholder(m.group("b")):
        return None
    return head.start(), m.end()


_APP_ID = re.compile(r"(?<![\w])\d{15,16}\Z")


@check("facebook-app-token")
def facebook_app_token(m: re.Match[str], text: str, rule: ProviderRule) -> Span | None:
    """The anchor is |token: a 15-16 digit app id must precede it, and the token must be random."""
    head = _APP_ID.search(text, max(0, m.start() - 17), m.start())
    if head is None or not looks_random(m.group("b"), 27):
        return None
    return head.start(), m.end()


_TF_HEAD = re.compile(r"(?<![\w])[a-zA-Z0-9]{14}\Z")


@check("terraform-cloud-token")
def terraform_cloud_token(m: re.Match[str], text: str, rule: ProviderRule) -> Span | None:
    """The anchor is .atlasv1.: the 14-character id must precede it."""
    head = _TF_HEAD.search(text, max(0, m.start() - 14), m.start())
    if head is None or is_placeholder(head.group() + m.group("b")):
        return None
    return head.start(), m.end()


@check("vault-legacy-token")
def vault_legacy_token(m: re.Match[str], text: str, rule: ProviderRule) -> Span | None:
    """s. + 24 is also a property access: the body must mix digits and both cases and not read as words."""
    body = m.group("b")
    mixed = any(c.isdigit() for c in body) and any(c.islower() for c in body) and any(c.isupper() for c in body)
    return token(m, text) if mixed and not is_wordy(body) else None


@check("octopus-deploy-key")
def octopus_deploy_key(m: re.Match[str], text: str, rule: ProviderRule) -> Span | None:
    """API- + 26 capitals is also a constant name: the body must mix letters and digits."""
    body = m.group("b")
    return token(m, text) if any(c.isdigit() for c in body) and any(c.isalpha() for c in body) else None


def _jwt_header(segment: str) -> dict[str, object] | None:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except ValueError:
        return None
    return decoded if isinstance(decoded, dict) else None


@check("jwt")
def jwt(m: re.Match[str], text: str, rule: ProviderRule) -> Span | None:
    """The header segment must decode to JSON naming alg/typ/kid/enc."""
    if not bounded(m, text, "-"):
        return None
    header = _jwt_header(m.group().split(".", 1)[0].rstrip("="))
    return m.span() if header and {"alg", "typ", "kid", "enc"} & header.keys() else None
