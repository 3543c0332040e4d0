"""Commit message format: conventional commits (with the types this team uses), ticket prefixes, `[tag]`
prefixes, gitmoji, or capitalised subjects without a trailing period. Merge, revert, fixup, bot and
release-automation subjects are not the team's writing and are left out (`Corpus.subjects`)."""

from __future__ import annotations

import re
from collections import Counter

from harvest.config import HarvestConfig
from harvest.conventions.corpus import Corpus
from harvest.conventions.rules import Rule

CONVENTIONAL = re.compile(r"^([a-z]+)(?:\([^)]*\))?!?: \S")  # types are lowercase words
SHAPES = {
    "ticket": (r"^\[?[A-Z][A-Z0-9]+-\d+\]?:? \S", "Start commit subjects with the ticket id (`ABC-123 …`)"),
    "tag": (r"^\[[\w./ -]+\] \S", "Start commit subjects with a `[area]` tag"),
    "emoji": (r"^[^\w\s\[(]+\s+[A-Z]", "Start commit subjects with an emoji (gitmoji) and a capitalised verb"),
    "capitalised": (r"^[A-Z][^\n]*[^.\s]$", "Write commit subjects capitalised, without a trailing period"),
}


def commit_format(corpus: Corpus, _config: HarvestConfig) -> list[Rule]:
    """The commit subject shape most of the team's commits have (thresholds decide if it is a rule)."""
    subjects = corpus.subjects()
    if not subjects:
        return []
    types = Counter(m.group(1) for s in subjects if (m := CONVENTIONAL.match(s)))
    candidates = []
    if types:
        used = "|".join(sorted(types))
        candidates.append(Rule("commit-subject-conventional", "commit-format", rf"^(?:{used})(?:\([^)\n]+\))?!?: \S",
                               f"Write commit subjects as `type(scope): message` with type one of {', '.join(sorted(types))} "
                               "(merge, revert and fixup commits aside)",
                               source="commit-format"))
    candidates += [Rule(f"commit-subject-{name}", "commit-format", pattern, message, source="commit-format")
                   for name, (pattern, message) in SHAPES.items()]
    # Propose the one shape most subjects follow; others would be restatements at lower confidence.
    scored = [(sum(1 for s in subjects if re.search(r.value, s)), r) for r in candidates]
    return [max(scored, key=lambda t: t[0])[1]]
