"""Mining conventions: every miner proposes rules, each is measured on the code as `idiom lint` would
check it (measure.py), narrowed where its exceptions cluster (scope.py), and only rules with enough support
and confidence are kept, merged where two miners found the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from harvest.config import HarvestConfig
from harvest.conventions.corpus import Corpus
from harvest.conventions.measure import MAX_EVIDENCE
from harvest.conventions.miners import MINERS
from harvest.conventions.rules import Rule
from harvest.conventions.scope import settled

# How telling a rule from each miner is, most first: what the team chose over a real alternative,
# down to patterns that are simply absent.
SOURCE_ORDER = ("test-style", "layout", "imports", "routes", "commit-format", "naming", "review", "forbidden")


def keep(rule: Rule, config: HarvestConfig) -> Rule | None:
    """The rule as proposed, as a candidate (stated in review but not borne out), or None."""
    # A token a reviewer named (not a catalogued pattern) must hold everywhere today to become a rule.
    needed = 1.0 if rule.source == "review" and rule.id.startswith("review-") else config.min_confidence
    strong = rule.support >= config.min_support and rule.confidence >= needed
    if strong:
        return replace(rule, status="proposed")
    if rule.source == "review" and rule.support:
        return replace(rule, status="candidate")
    return None


def mine_conventions(corpus: Corpus, config: HarvestConfig) -> list[Rule]:
    """Every miner's rules, measured, narrowed where their exceptions cluster (with each cluster's own rule),
    thresholded, merged where two miners found the same; best first."""
    measured = []
    for miner in MINERS.values():
        for rule in miner(corpus, config):
            measured += settled(rule, corpus, config)
    kept = [r for r in (keep(rule, config) for rule in measured) if r is not None]
    return sorted(merge(kept), key=rank)


def rank(rule: Rule) -> tuple[bool, int, float, str]:
    """Proposed before candidates; rules reviewers asked for first, catalogue absences last; then by weight."""
    reviewed = any(e.startswith("PR #") for e in rule.evidence)
    order = 0 if reviewed else SOURCE_ORDER.index(rule.source) + 1 if rule.source in SOURCE_ORDER else len(SOURCE_ORDER)
    return rule.status != "proposed", order, -rule.confidence * rule.support, rule.id


def merge(rules: Sequence[Rule]) -> list[Rule]:
    """Rules two miners found alike (type, value, unit kind) as one: the best supported, with the review quotes.

    One miner's rules with the same check on different paths (file-name case per folder) stay apart.
    """
    merged: list[Rule] = []
    for rule in rules:
        at = next((i for i, r in enumerate(merged) if (r.type, r.value, r.unit_kind) == (rule.type, rule.value, rule.unit_kind)
                   and (r.source != rule.source or r.paths == rule.paths)), None)
        if at is None:
            merged.append(rule)
            continue
        current = merged[at]
        winner, other = (rule, current) if (rule.status, rule.support) > (current.status, current.support) else (current, rule)
        # Review quotes say why a rule exists: they travel with the merged rule.
        quotes = tuple(e for e in other.evidence if e.startswith("PR #") and e not in winner.evidence)
        merged[at] = replace(winner, evidence=(quotes + winner.evidence)[:MAX_EVIDENCE])
    ids: dict[str, int] = {}
    unique = []
    for rule in merged:
        ids[rule.id] = ids.get(rule.id, 0) + 1
        unique.append(rule if ids[rule.id] == 1 else replace(rule, id=f"{rule.id}-{ids[rule.id]}"))
    return unique
