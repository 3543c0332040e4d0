"""Score the scrubber on labelled cases (the shared corpus format): recall and false-positive rate
per source. Used by `idiom scrub --cases`, the corpus tests and the benchmark.

A positive counts as caught when `scrub` reports a secret finding and, when the case names its
secret, that value no longer appears in the scrubbed text. A negative is a false positive when
`scrub` reports any secret finding. Personal-data findings (e-mail) count for neither.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from harvest.errors import InputError
from harvest.scrub.allowlist import Allowlist
from harvest.scrub.engine import scrub
from harvest.scrub.profile import PRECISE, Profile

# Corpus rules that flag things which are not credentials (public IP addresses): not scored.
NOT_CREDENTIALS = frozenset({"detect-secrets:ip_public"})
_REQUIRED = ("id", "source", "label", "text")


@dataclass(frozen=True)
class Case:
    """One labelled text: does it hold a secret (`positive`) or not (`negative`)?"""

    id: str
    source: str
    label: str
    text: str
    rule_id: str = ""
    secret: str = ""
    path: str = ""


@dataclass
class SourceScore:
    """Recall and false-positive rate of one source's cases, with the ids behind each miss."""

    positives: int = 0
    caught: int = 0
    negatives: int = 0
    false_positives: int = 0
    excluded: int = 0
    missed_ids: list[str] = field(default_factory=list)
    false_positive_ids: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        """Share of positives caught (1.0 when there are none)."""
        return self.caught / self.positives if self.positives else 1.0

    @property
    def fp_rate(self) -> float:
        """Share of negatives flagged (0.0 when there are none)."""
        return self.false_positives / self.negatives if self.negatives else 0.0


def load_cases(path: Path) -> list[Case]:
    """Read a JSONL case file; a malformed line is an `InputError` naming the file and line."""
    cases = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read cases file {path}: {exc.strerror}; pass an existing .jsonl file") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{number}: not valid JSON ({exc.msg}); each line must be one JSON object") from None
        missing = [k for k in _REQUIRED if not isinstance(raw, dict) or k not in raw]
        if missing:
            raise InputError(f"{path}:{number}: case lacks {', '.join(missing)}; each case needs {', '.join(_REQUIRED)}")
        if raw["label"] not in ("positive", "negative"):
            raise InputError(f"{path}:{number}: label {raw['label']!r} must be 'positive' or 'negative'")
        cases.append(
            Case(str(raw["id"]), str(raw["source"]), raw["label"], str(raw["text"]),
                 str(raw.get("rule_id", "")), str(raw.get("secret", "")), str(raw.get("path", "")))
        )
    return cases


def is_flagged(case: Case, allowlist: Allowlist | None = None, profile: Profile = PRECISE) -> bool:
    """Whether the scrubber, in `profile`'s mode, treats the case as holding a secret (and removed the
    labelled value). A case with a file path is scrubbed under it, as the harvester passes paths."""
    result = scrub(case.text, allowlist, path=case.path or None, profile=profile)
    if not any(f.kind == "secret" for f in result.findings):
        return False
    return not (case.label == "positive" and case.secret and case.secret in result.text)


def evaluate(cases: Iterable[Case], flag: Callable[[Case], bool] = is_flagged) -> dict[str, SourceScore]:
    """Recall and false-positive rate per source; `flag` decides one case (default: this scrubber)."""
    scores: dict[str, SourceScore] = {}
    for case in cases:
        score = scores.setdefault(case.source, SourceScore())
        if case.rule_id in NOT_CREDENTIALS:
            score.excluded += 1
            continue
        flagged = flag(case)
        if case.label == "positive":
            score.positives += 1
            score.caught += flagged
            if not flagged:
                score.missed_ids.append(case.id)
        else:
            score.negatives += 1
            score.false_positives += flagged
            if flagged:
                score.false_positive_ids.append(case.id)
    return scores
