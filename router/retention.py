"""Retained code: what became of accepted completions, in the request log's `retention` table.

The language server (server/lsp/retention.py) measures, for each accepted completion, how many of its
characters are still in the document 30 s, 2 min and 10 min after acceptance; this module stores those
figures, reads them back for the router's statistics and the ROI report, and, after a harvest, marks each
one committed or not by searching the scrubbed completion in the added lines of the commits since.

Retained characters at a checkpoint: the length of the longest common subsequence of the accepted text and
the text now in the range the completion occupies (the range followed through every edit), so a character
counts when it survived, in order, and a deleted or replaced one does not.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rapidfuzz.distance import LCSseq
from sqlalchemy import bindparam, case, func, select
from sqlalchemy.engine import Connection

from harvest.records import CommitRecord
from router.database import database
from router.kinds import INLINE
from router.storage.location import exists, repository_key
from router.storage.schema import CHECKPOINTS_S, now, requests, retention

# A completion reached a commit when at least this share of its non-blank lines is among one commit's added lines.
COMMITTED_LINES = 0.5
DEFINITION = ("Retained characters at 30 s, 2 min and 10 min after a developer accepted a completion: the length "
              "of the longest common subsequence of the accepted text and the text then in the range the "
              "completion occupies, followed through every edit; shown as a share of the accepted characters. A "
              "document closed or a server stopped before a checkpoint gives it the last measure. Committed: at "
              "least half of the non-blank lines of the completion are among the added lines of one commit "
              "authored after the acceptance, found at the next harvest.")

_KNOWN = select(retention.c.request_id).where(retention.c.request_id == bindparam("request_id"))


def retained_characters(accepted: str, now_in_range: str) -> int:
    """The characters of `accepted` that are still in `now_in_range`, in order (see the module's docstring)."""
    return int(LCSseq.similarity(accepted, now_in_range))


def start_retention(repo: Path, request_id: int, characters: int) -> None:
    """Begin the record of an accepted completion of `characters`; a second acceptance of it changes nothing."""
    with database(repo) as db:
        if db.execute(_KNOWN, {"request_id": request_id}).first() is None:
            db.execute(retention.insert(), {"request_id": request_id, "accepted_at": now(), "characters": characters})


def record_retention(repo: Path, request_id: int, retained: dict[int, int], tracked_s: float) -> None:
    """Store the characters retained at each checkpoint measured so far (seconds → characters), and how long
    the completion was followed."""
    columns = {f"retained_{seconds}s": count for seconds, count in retained.items() if seconds in CHECKPOINTS_S}
    tracked = round(tracked_s, 3)
    # Saves run in worker threads: one that lands after a later one must not shorten how long it was followed.
    longest = case((retention.c.tracked_s > tracked, retention.c.tracked_s), else_=tracked)
    with database(repo) as db:
        db.execute(retention.update().where(retention.c.request_id == request_id).values(**columns, tracked_s=longest))


def retention_rows(db: Connection, repository: str) -> list[dict[str, Any]]:
    """Every retention row of `repository`, with its request's strategy and kind."""
    rows = db.execute(select(retention, requests.c.strategy, requests.c.kind)
                      .join(requests, requests.c.id == retention.c.request_id)
                      .where(requests.c.repository == repository).order_by(retention.c.request_id)).mappings()
    return [dict(row) for row in rows]


def retained_summary(repo: Path) -> dict[str, dict[str, Any]]:
    """Per strategy: accepted completions followed, their characters, the share retained at each checkpoint, and
    how many reached a commit (yes / no / unknown)."""
    if not exists(repo):
        return {}
    with database(repo) as db:
        rows = retention_rows(db, repository_key(repo))
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = found.setdefault(row["strategy"], {"followed": 0, "characters": 0,
                                                   **{f"retained_{s}s": 0 for s in CHECKPOINTS_S},
                                                   "measured_characters": {s: 0 for s in CHECKPOINTS_S},
                                                   "committed": {"yes": 0, "no": 0, "unknown": 0}})
        entry["followed"] += 1
        entry["characters"] += row["characters"]
        entry["committed"][row["committed"]] += 1
        for seconds in CHECKPOINTS_S:
            if row[f"retained_{seconds}s"] is not None:
                entry[f"retained_{seconds}s"] += row[f"retained_{seconds}s"]
                entry["measured_characters"][seconds] += row["characters"]
    for entry in found.values():
        measured = entry.pop("measured_characters")
        for seconds in CHECKPOINTS_S:
            entry[f"share_{seconds}s"] = (round(entry[f"retained_{seconds}s"] / measured[seconds], 3)
                                          if measured[seconds] else None)
    return found


def inline_kept(repo: Path) -> dict[str, dict[str, Any]]:
    """Per strategy, its inline completions (the editor's ghost text): how many were logged, what they cost,
    how many accepted ones were followed, and their characters still there at the last checkpoint measured
    (10 minutes, else the latest before a close)."""
    if not exists(repo):
        return {}
    key = repository_key(repo)
    with database(repo) as db:
        logged = db.execute(select(requests.c.strategy, func.count(), func.sum(requests.c.cost_usd))
                            .where(requests.c.repository == key, requests.c.kind == INLINE)
                            .group_by(requests.c.strategy)).all()
        rows = [row for row in retention_rows(db, key) if row["kind"] == INLINE]
    found = {strategy: {"requests": count, "cost_usd": round(float(cost or 0.0), 6), "followed": 0,
                        "kept_characters": 0} for strategy, count, cost in logged}
    for row in rows:
        entry = found.setdefault(row["strategy"], {"requests": 0, "cost_usd": 0.0, "followed": 0,
                                                   "kept_characters": 0})
        entry["followed"] += 1
        kept = next((row[f"retained_{s}s"] for s in reversed(CHECKPOINTS_S) if row[f"retained_{s}s"] is not None), 0)
        entry["kept_characters"] += kept
    return found


def _meaningful_lines(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines() if line.strip()}


def _added_lines(commit: CommitRecord) -> set[str]:
    return {line[1:].strip() for change in commit.changes for hunk in change.hunks
            for line in hunk.text.splitlines() if line.startswith("+") and line[1:].strip()}


def match_commits(repo: Path, commits: Iterable[CommitRecord]) -> int:
    """Mark each accepted completion not yet found in a commit against the harvested `commits` (scrubbed, as the
    request log's completions are), read once: "yes" with the sha when a commit after the acceptance added at
    least half of its non-blank lines, "no" when commits since changed its file without them, else "unknown".
    Returns how many were found."""
    if not exists(repo):
        return 0
    with database(repo) as db:
        pending = db.execute(select(retention.c.request_id, retention.c.accepted_at, requests.c.completion,
                                    requests.c.path)
                             .join(requests, requests.c.id == retention.c.request_id)
                             .where(requests.c.repository == repository_key(repo),
                                    retention.c.committed != "yes")).all()
    if not pending:
        return 0
    wanted = {row[0]: (datetime.datetime.fromisoformat(row[1]), _meaningful_lines(row[2]), row[3]) for row in pending}
    verdicts: dict[int, tuple[str, str]] = {request_id: ("unknown", "") for request_id in wanted}
    for commit in commits:
        when, added = datetime.datetime.fromisoformat(commit.author_date), None
        for request_id, (accepted_at, lines, path) in wanted.items():
            if when < accepted_at or verdicts[request_id][0] == "yes":
                continue
            added = _added_lines(commit) if added is None else added
            if lines and len(lines & added) >= COMMITTED_LINES * len(lines):
                verdicts[request_id] = ("yes", commit.sha)
            elif any(change.path == path for change in commit.changes):
                verdicts[request_id] = ("no", "")
    with database(repo) as db:
        for request_id, (verdict, sha) in verdicts.items():
            db.execute(retention.update().where(retention.c.request_id == request_id),
                       {"committed": verdict, "commit_sha": sha})
    return sum(verdict == "yes" for verdict, _ in verdicts.values())


def after_harvest(repo: Path, harvest: Path) -> str:
    """After `idiom harvest`: match the accepted completions against the commits it mined (a line to print, ""
    when there are none to match)."""
    from harvest.commitlog import CommitLog

    if not exists(repo):
        return ""
    found = match_commits(repo, CommitLog(harvest / "commits.jsonl"))
    return f"accepted completions found in a commit since: {found}" if found else ""
