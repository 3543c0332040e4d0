"""Pull requests and their reviews, from history and from a GitHub-REST-shaped export.

History gives the PR number, title and combined diff (squash subjects ending in `(#N)`, merge
commits `Merge pull request #N from …`, `refs/pull/N/head` refs); an export (`--prs FILE.json`, the
`/pulls` objects each with its `/reviews` and `/comments` lists) adds bodies and review comments.
Texts arrive here already scrubbed (history) or are scrubbed through `clean` (export).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from harvest.errors import InputError
from harvest.records import CommitRecord, FileChange, PullRequest, Review, ReviewComment

SQUASH_SUBJECT = re.compile(r"^(?P<title>.*?)\s*\(#(?P<number>\d+)\)\s*$")
MERGE_SUBJECT = re.compile(r"^Merge pull request #(?P<number>\d+) from (?P<head>\S+)")
PULL_REF = re.compile(r"^refs/pull/(?P<number>\d+)/head$")

Clean = Callable[[str, str, str], str]  # (text, path, commit) → scrubbed text


def prs_from_history(commits: Iterable[CommitRecord]) -> dict[int, PullRequest]:
    """PRs recognised from squash subjects and merge commits, with the diff each one merged."""
    prs: dict[int, PullRequest] = {}
    for commit in commits:
        subject, _, rest = commit.message.partition("\n")
        merge = MERGE_SUBJECT.match(subject)
        squash = SQUASH_SUBJECT.match(subject) if not merge else None
        if merge and commit.is_merge:
            number = int(merge["number"])
            title = next((line.strip() for line in rest.splitlines() if line.strip()), subject)
            pr = PullRequest(number, title, ("merge",), head_ref=merge["head"], head_sha=commit.parents[1],
                             base_sha=commit.parents[0], merge_commit=commit.sha, merged_at=commit.author_date,
                             changes=commit.changes)
        elif squash and not commit.is_merge:
            number = int(squash["number"])
            pr = PullRequest(number, squash["title"], ("squash",), body=rest.strip(), author=commit.author,
                             base_sha=commit.parents[0] if commit.parents else "", merge_commit=commit.sha,
                             merged_at=commit.author_date, changes=commit.changes)
        else:
            continue
        # Newest first: a later revert or re-land of the same number does not replace the original.
        prs.setdefault(number, pr)
    return prs


def pull_refs(refs: Iterable[tuple[str, str]]) -> dict[int, str]:
    """{PR number: head sha} for `refs/pull/N/head` refs, as GitHub mirrors carry them."""
    found = {}
    for name, sha in refs:
        match = PULL_REF.match(name)
        if match:
            found[int(match["number"])] = sha
    return found


def add_pull_refs(prs: dict[int, PullRequest], heads: dict[int, str],
                  diff_of: Callable[[str], tuple[str, tuple[FileChange, ...]]]) -> None:
    """Record each pull ref's head; PRs known only by ref get their diff from `diff_of(head)`."""
    for number, head in sorted(heads.items()):
        pr = prs.get(number)
        if pr:
            prs[number] = replace(pr, head_sha=pr.head_sha or head, sources=_union(pr.sources, "ref"))
        else:
            base, changes = diff_of(head)
            prs[number] = PullRequest(number, f"pull request #{number}", ("ref",), head_sha=head,
                                      base_sha=base, changes=changes)


def load_export(path: Path) -> list[dict[str, Any]]:
    """Read and check a PR export; any shape error names the file and the item."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: PR export not found; pass the file written from GitHub's /pulls API") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: PR export is not valid JSON ({exc})") from None
    hint = "expected a JSON array of GitHub /pulls objects, each with 'reviews' and 'comments' lists"
    if not isinstance(data, list):
        raise InputError(f"{path}: {hint}")
    for index, item in enumerate(data):
        if not isinstance(item, dict) or not isinstance(item.get("number"), int):
            raise InputError(f"{path}: item {index} has no integer 'number'; {hint}")
        for key in ("reviews", "comments"):
            entries = item.get(key, [])
            if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
                raise InputError(f"{path}: PR #{item['number']} '{key}' must be a list of objects; {hint}")
    return data


def attach_export(prs: dict[int, PullRequest], items: list[dict[str, Any]],
                  commits_by_sha: dict[str, CommitRecord], clean: Clean) -> None:
    """Merge export data into `prs` (adding PRs history did not show), scrubbing every text."""
    for item in items:
        number = item["number"]
        merge_sha = item.get("merge_commit_sha") or ""
        known = prs.get(number) or PullRequest(
            number, "", (), changes=commits_by_sha[merge_sha].changes if merge_sha in commits_by_sha else ())
        head, base = item.get("head") or {}, item.get("base") or {}
        prs[number] = replace(
            known,
            title=clean(item.get("title") or "", "", merge_sha) or known.title,
            body=clean(item.get("body") or "", "", merge_sha),
            author=_login(item.get("user")) or known.author,
            head_ref=head.get("ref") or known.head_ref,
            base_ref=base.get("ref") or known.base_ref,
            head_sha=head.get("sha") or known.head_sha,
            base_sha=base.get("sha") or known.base_sha,
            merge_commit=merge_sha or known.merge_commit,
            merged_at=item.get("merged_at") or known.merged_at,
            sources=_union(known.sources, "export"),
            reviews=tuple(_review(r, clean) for r in item.get("reviews", [])),
            comments=tuple(_comment(c, clean) for c in item.get("comments", [])),
        )


def _review(raw: dict[str, Any], clean: Clean) -> Review:
    return Review(id=int(raw.get("id") or 0), author=_login(raw.get("user")), state=raw.get("state") or "",
                  body=clean(raw.get("body") or "", "", raw.get("commit_id") or ""),
                  commit_id=raw.get("commit_id") or "", submitted_at=raw.get("submitted_at") or "")


def _comment(raw: dict[str, Any], clean: Clean) -> ReviewComment:
    path, commit = raw.get("path") or "", raw.get("commit_id") or ""
    return ReviewComment(
        id=int(raw.get("id") or 0), author=_login(raw.get("user")), body=clean(raw.get("body") or "", path, commit),
        path=path, diff_hunk=clean(raw.get("diff_hunk") or "", path, commit), line=raw.get("line"),
        original_line=raw.get("original_line"), commit_id=commit,
        original_commit_id=raw.get("original_commit_id") or "", in_reply_to=raw.get("in_reply_to_id"),
        created_at=raw.get("created_at") or "",
    )


def _login(user: Any) -> str:
    return user.get("login", "") if isinstance(user, dict) else ""


def _union(sources: tuple[str, ...], source: str) -> tuple[str, ...]:
    return sources if source in sources else sources + (source,)
