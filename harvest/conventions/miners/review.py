"""Rules stated in code review: "use `it(` rather than `test(`", "no inline colours", "avoid `any`".

Each statement becomes a not-regex rule on files like the one commented on (same extension, language
and kind; for a review's summary, like the files the PR changed), then is measured on the code at HEAD
like any mined rule: borne out, it is proposed; not (yet), it is kept as a candidate.
"""

from __future__ import annotations

import re

from harvest.classify import kind_of, language_of
from harvest.config import HarvestConfig
from harvest.conventions.corpus import Corpus
from harvest.conventions.miners.base import folder_globs, suffix
from harvest.conventions.miners.forbidden import catalogue_pattern
from harvest.conventions.miners.testing import FORBID
from harvest.conventions.rules import Rule
from harvest.records import PullRequest

# A code token: in backticks, or call-like (`test()`); sentence text may hold backticked dots (`conftest.py`).
TOKEN = r"(?:`(?P<{0}>[^`\n]+)`|(?P<{0}_call>\b[A-Za-z_$][\w$.]*\(\)))"
TEXT = r"(?:[^.\n`]|`[^`\n]*`)*?"
PREFER = re.compile(rf"\b(?:use|prefer|write)\b{TEXT}{TOKEN.format('good')}{TEXT}"
                    rf"\b(?:rather than|instead of|not|over)\b[^.`\n]*?{TOKEN.format('bad')}", re.IGNORECASE)
FORBIDS = re.compile(rf"\b(?:no|avoid|don't use|do not use|never use|never)\s+(?:inline\s+)?{TOKEN.format('bad')}",
                     re.IGNORECASE)
COLOUR_TALK = re.compile(r"\b(?:no|avoid|never|don't use)\b[^.\n]*\b(?:inline\s+)?(?:hex\s+)?colou?rs?\b", re.IGNORECASE)
KNOWN_CALLS = {"test(": FORBID["it"], "it(": FORBID["test"]}


def review(corpus: Corpus, _config: HarvestConfig) -> list[Rule]:
    """A rule per rule-like statement in review comments and review summaries, scoped to files like theirs."""
    rules = []
    kinds = {f.path: f.kind for f in corpus.files}  # as harvested; a path gone since by the path rules
    for pr in corpus.prs:
        stated = [(c.author, c.body, (c.path,)) for c in pr.comments if not c.in_reply_to and c.path]
        stated += [(r.author, r.body, _changed(pr)) for r in pr.reviews if r.body]
        for author, body, paths in stated:
            statement = _statement(body)
            shapes = {(suffix(p), language_of(p), kinds.get(p) or kind_of(p)) for p in paths}
            scope = [f.path for f in corpus.files if (suffix(f.path), f.language, f.kind) in shapes]
            if statement is None or not scope:
                continue
            rule_id, pattern, message = statement
            quote = (body.strip().splitlines() or [""])[0][:100]
            rules.append(Rule(rule_id, "not-regex", pattern, message, folder_globs(scope),
                              evidence=(f"PR #{pr.number} review by @{author}: \"{quote}\"",), source="review"))
    return rules


def _changed(pr: PullRequest) -> tuple[str, ...]:
    """The files a PR touched that still exist: what its review summary is about."""
    return tuple(sorted({c.path for c in pr.changes if c.status != "deleted"}))


def _token(match: re.Match[str] | None, group: str) -> str:
    """The code token a statement names, calls normalised to `name(` (`test()` → `test(`)."""
    if match is None:
        return ""
    token = match.group(group) or match.group(f"{group}_call") or ""
    return token.removesuffix(")") if token.endswith("()") else token


def _statement(body: str) -> tuple[str, str, str] | None:
    """(rule id, forbidden pattern, message) for a text that states a rule, else None."""
    prefer = PREFER.search(body)
    good = _token(prefer, "good")
    bad = _token(prefer, "bad") or _token(FORBIDS.search(body), "bad")
    if bad in KNOWN_CALLS:
        name = bad.rstrip("(")
        return (f"specs-use-{good.rstrip('(') or 'other'}-not-{name}", KNOWN_CALLS[bad],
                f"Write test cases with `{good}`, never `{bad}`" if good else f"Never use `{bad}`")
    candidate = catalogue_pattern(bad) if bad else None
    if candidate is None and COLOUR_TALK.search(body):
        candidate = catalogue_pattern("colours")
    if candidate is not None:
        return candidate.id, candidate.pattern, candidate.message
    if len(bad) < 2:
        return None
    slug = re.sub(r"[^a-z0-9]+", "-", bad.lower()).strip("-") or "pattern"
    start = r"\b" if re.match(r"\w", bad) else ""
    end = r"\b" if re.search(r"\w$", bad) else ""
    message = f"Use `{good}`, not `{bad}`" if good else f"Avoid `{bad}`"
    return f"review-no-{slug}", start + re.escape(bad) + end, message + " (asked in review)"
