"""Rules stated in code review: "use `it(` rather than `test(`", "no inline colours", "avoid `any`".

Each statement becomes a not-regex rule on files like the one commented on, then is measured on the
code at HEAD like any mined rule: borne out, it is proposed; not (yet), it is kept as a candidate.
"""

from __future__ import annotations

import re

from harvest.classify import language_of
from harvest.config import HarvestConfig
from harvest.conventions.mine import Corpus
from harvest.conventions.miners.base import folder_globs, suffix
from harvest.conventions.miners.forbidden import catalogue_pattern
from harvest.conventions.miners.testing import FORBID
from harvest.conventions.rules import Rule

PREFER = re.compile(r"\b(?:use|prefer|we use)\b[^.\n]*?`(?P<good>[^`]+)`[^.\n]*?"
                    r"\b(?:rather than|instead of|not|over)\b[^.`\n]*`(?P<bad>[^`]+)`", re.IGNORECASE)
FORBIDS = re.compile(r"\b(?:no|avoid|don't use|do not use|never use|never)\s+(?:inline\s+)?`(?P<bad>[^`]+)`",
                     re.IGNORECASE)
COLOUR_TALK = re.compile(r"\b(?:no|avoid|never|don't use)\b[^.\n]*\b(?:inline\s+)?(?:hex\s+)?colou?rs?\b", re.IGNORECASE)
KNOWN_CALLS = {"test(": FORBID["it"], "it(": FORBID["test"]}


def review(corpus: Corpus, _config: HarvestConfig) -> list[Rule]:
    """A rule per rule-like statement in review comments, scoped to files like the commented one."""
    rules = []
    for pr in corpus.prs:
        for comment in pr.comments:
            if comment.in_reply_to or not comment.path:
                continue
            statement = _statement(comment.body)
            if statement is None:
                continue
            rule_id, pattern, message = statement
            scope = [f.path for f in corpus.files if suffix(f.path) == suffix(comment.path)
                     and language_of(f.path) == language_of(comment.path)]
            if not scope:
                continue
            quote = " ".join(comment.body.split())[:100]
            rules.append(Rule(rule_id, "not-regex", pattern, message, folder_globs(scope),
                              evidence=(f"PR #{pr.number} review by @{comment.author}: \"{quote}\"",), source="review"))
    return rules


def _statement(body: str) -> tuple[str, str, str] | None:
    """(rule id, forbidden pattern, message) for a comment that states a rule, else None."""
    prefer = PREFER.search(body)
    forbids = FORBIDS.search(body)
    bad = (prefer or forbids).group("bad") if (prefer or forbids) else ""
    if bad in KNOWN_CALLS:
        good = prefer.group("good") if prefer else ""
        return f"specs-use-{good.rstrip('(') or 'other'}-not-{bad.rstrip('(')}", KNOWN_CALLS[bad], \
            f"Write test cases with `{good}`, never `{bad}`" if good else f"Never use `{bad}`"
    candidate = catalogue_pattern(bad) if bad else None
    if candidate is None and COLOUR_TALK.search(body):
        candidate = catalogue_pattern("colours")
    if candidate is not None:
        return candidate.id, candidate.pattern, candidate.message
    if not bad or len(bad) < 2:
        return None
    good = prefer.group("good") if prefer else ""
    slug = re.sub(r"[^a-z0-9]+", "-", bad.lower()).strip("-") or "pattern"
    start = r"\b" if re.match(r"\w", bad) else ""
    end = r"\b" if re.search(r"\w$", bad) else ""
    message = f"Use `{good}`, not `{bad}`" if good else f"Avoid `{bad}`"
    return f"review-no-{slug}", start + re.escape(bad) + end, message + " (asked in review)"
