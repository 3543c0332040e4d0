"""Pairs from code review: a reviewer's comment and the code it was written on → the code as merged.

The reviewed code is the comment's diff hunk; the merged code is the new side of the PR's combined diff
(from history) where it best matches that hunk, so the pair shows reviewers teaching by example.
Comments that only reply or approve, and PRs whose merged diff was not mined, yield nothing.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from harvest.classify import language_of
from harvest.pairs.sources import Sources, make_pair
from harvest.records import Pair, PullRequest

MIN_SIMILARITY = 0.3  # share of reviewed lines a merged hunk must still contain to be "the same code"
REVIEWED_LINES = 12
AFTER_LINES = 3


def review_pairs(sources: Sources) -> Iterator[Pair]:
    """Review comments on a diff hunk → that region of the PR's merged diff, when the PR changed it."""
    for pr in sources.prs:
        for comment in pr.comments:
            if comment.in_reply_to or not comment.diff_hunk or not comment.body.strip():
                continue
            # GitHub's diff_hunk runs from the hunk start to the commented line: its tail is what was discussed.
            reviewed = new_side(comment.diff_hunk).splitlines()[-REVIEWED_LINES:]
            merged = _merged_region(pr, comment.path, reviewed)
            if not merged:
                continue
            prompt = (f"A reviewer commented on `{comment.path}` in PR #{pr.number} ({pr.title}):\n\n"
                      f"> {_quote(comment.body)}\n\nRevise the code below accordingly.")
            yield make_pair(sources, "review", language_of(comment.path) or "text", comment.path, prompt, merged,
                            context="\n".join(reviewed) + "\n", commit=pr.merge_commit or pr.head_sha,
                            key=str(comment.id))


def new_side(diff_text: str) -> str:
    """The code after a diff hunk: context and added lines, without the `@@` header and prefixes."""
    return "".join(line[1:] + "\n" for line in diff_text.split("\n") if line[:1] in (" ", "+"))


def _merged_region(pr: PullRequest, path: str, reviewed: list[str]) -> str:
    """The lines of the PR's merged diff that best cover `reviewed`, or "" when the PR left them as they were."""
    best: tuple[float, list[str], list] = (MIN_SIMILARITY, [], [])
    for hunk in (h for c in pr.changes if c.path == path for h in c.hunks):
        merged = new_side(hunk.text).splitlines()
        blocks = [b for b in difflib.SequenceMatcher(None, merged, reviewed, autojunk=False).get_matching_blocks()
                  if b.size]
        covered = sum(b.size for b in blocks) / max(len(reviewed), 1)
        if covered > best[0]:
            best = (covered, merged, blocks)
    _, merged, blocks = best
    if not blocks:
        return ""
    start = blocks[0].a
    # The fix usually lands at or right after the commented (last) line: keep what follows the match.
    tail = len(reviewed) - (blocks[-1].b + blocks[-1].size)
    end = min(len(merged), blocks[-1].a + blocks[-1].size + tail + AFTER_LINES)
    if merged[start:blocks[-1].a + blocks[-1].size + tail] == reviewed[blocks[0].b:]:
        return ""  # the reviewer approved of this code: nothing to learn as a revision
    return "\n".join(merged[start:end]) + "\n"


def _quote(body: str) -> str:
    return "\n> ".join(body.strip().splitlines())
