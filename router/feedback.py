"""Learning from use: what developers did with routed answers.

`accepted`, `rejected` or `edited` (with the text they kept) is recorded against a logged request.
Per (kind, strategy), accepted answers count as passes and the others as failures, added to the
validation results the policy reads (a Beta posterior with a uniform prior, summarised by its counts).
Rejected and edited answers, with what the developer kept, become candidate examples and training
pairs that a person reviews (`idiom feedback export`). All text is scrubbed before it is stored.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from harvest.errors import InputError
from harvest.store import Artifacts
from router.database import database

OUTCOMES = ("accepted", "rejected", "edited")


def record_feedback(repo: Path, request_id: int, outcome: str, final_text: str = "") -> None:
    """Store what the developer did with the answer to request `request_id`."""
    from harvest.scrub import STRICT, scrub

    if outcome not in OUTCOMES:
        raise InputError(f"feedback outcome {outcome!r}; valid: {', '.join(OUTCOMES)}")
    if not Artifacts(repo).db.is_file():  # nothing was logged, so nothing to make here
        raise InputError(f"no request {request_id}: {repo} has no request log yet (`idiom generate` and the editor "
                         "log the requests they answer)")
    with database(repo) as db:
        if db.execute("SELECT 1 FROM requests WHERE id = ?", (request_id,)).fetchone() is None:
            raise InputError(f"no request {request_id} in the request log of {repo}")
        # A kept line marked `pragma: allowlist secret` is scrubbed too: candidates become training pairs.
        kept = scrub(final_text, profile=STRICT).text
        db.execute("INSERT INTO feedback (request_id, at, outcome, final_text) VALUES (?, ?, ?, ?)",
                   (request_id, time.strftime("%Y-%m-%dT%H:%M:%S%z"), outcome, kept))


def feedback_counts(repo: Path, kind: str) -> dict[str, tuple[int, int]]:
    """strategy → (accepted, answers with feedback) for requests of `kind` (all kinds when it has none)."""
    if not Artifacts(repo).db.is_file():
        return {}
    with database(repo) as db:
        rows = db.execute("SELECT r.strategy, r.kind, SUM(f.outcome = 'accepted'), COUNT(*) FROM feedback f "
                          "JOIN requests r ON r.id = f.request_id WHERE r.outcome = 'answered' "
                          "GROUP BY r.strategy, r.kind").fetchall()
    chosen = [row for row in rows if row[1] == kind] or rows
    counts: dict[str, tuple[int, int]] = {}
    for strategy, _, accepted, total in chosen:
        before = counts.get(strategy, (0, 0))
        counts[strategy] = (before[0] + accepted, before[1] + total)
    return counts


def candidates(repo: Path) -> Iterator[dict[str, Any]]:
    """Rejected and edited answers with what the developer kept: review them before using them."""
    if not Artifacts(repo).db.is_file():  # reading must not make an empty database
        return
    with database(repo) as db:
        rows = db.execute("SELECT r.id, r.kind, r.language, r.path, r.strategy, r.instruction, r.completion, "
                          "f.outcome, f.final_text FROM feedback f JOIN requests r ON r.id = f.request_id "
                          "WHERE f.outcome != 'accepted' AND f.final_text != '' ORDER BY f.id").fetchall()
    for row in rows:
        yield {"request": row[0], "kind": row[1], "language": row[2], "path": row[3], "strategy": row[4],
               "prompt": row[5], "completion": row[8], "rejected": row[6], "outcome": row[7]}
