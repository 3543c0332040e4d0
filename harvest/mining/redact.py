"""Run every mined text through the scrubber and keep a ledger of what was replaced, and where.

Everything the harvester writes is scrubbed in strict mode (files, diffs with their removed lines and
hunk headers, commit messages, PR bodies, review comments): it ends up in datasets, indexes, prompts and
model weights.

A line marked `pragma: allowlist secret` is scrubbed like any other: the marker is a developer's word to a
pre-commit scanner about their own file, and vouches for nothing once the line is a training example, an
indexed unit or a file uploaded to a fine-tuning API.

The ledger becomes `scrub-report.json`: counts by rule and by location kind, plus locations
(path, commit, line). It never holds a value.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from typing import Any

from harvest.records import SecretFinding
from harvest.scrub import STRICT, Allowlist, scrub


class Redactor:
    """Scrubs texts one at a time and remembers each finding with its location."""

    def __init__(self, allowlist: Allowlist | None = None) -> None:
        self.allowlist = allowlist
        self.findings: list[SecretFinding] = []

    def clean(self, text: str, location: str, path: str = "", commit: str = "") -> str:
        """`text` with secrets replaced; each finding is recorded at its line in `text`."""
        if not text:
            return text
        result = scrub(text, self.allowlist, path=path or None, profile=STRICT)
        self.findings.extend(SecretFinding(f.rule, f.kind, location, path, commit, f.line) for f in result.findings)
        return result.text

    def clean_hunk(self, text: str, old_start: int, new_start: int, path: str, commit: str) -> str:
        """A diff hunk's text; a finding carries its line in the file after the change, or before it
        for a removed line (secrets that only ever lived in history are found on removed lines)."""
        result = scrub(text, self.allowlist, path=path or None, profile=STRICT)
        if result.findings:
            rows = text.split("\n")
            for f in result.findings:
                before = rows[: f.line - 1]
                if rows[f.line - 1].startswith("-"):
                    line = old_start + sum(1 for row in before if not row.startswith("+"))
                else:
                    line = new_start + sum(1 for row in before if not row.startswith("-"))
                self.findings.append(SecretFinding(f.rule, f.kind, "history-diff", path, commit, line))
        return result.text

    def clean_header(self, header: str, path: str, commit: str) -> str:
        """A hunk's `@@` line. Git appends to it the nearest line above the hunk that looks like a function
        header, and for files without a diff driver that is any line starting with a letter, `_` or `$`:
        `SECRET_KEY = "…"` as readily as `def main():`. So the header is repository text too. Its findings
        carry line 0: git does not say which line of the file it copied."""
        if header.endswith("@@"):  # no function context: nothing but numbers
            return header
        result = scrub(header, self.allowlist, path=path or None, profile=STRICT)
        self.findings.extend(SecretFinding(f.rule, f.kind, "history-diff", path, commit, 0) for f in result.findings)
        return result.text

    def report(self, history_findings: int) -> dict[str, Any]:
        """The scrub report: totals, counts by rule and by location kind, and every location, the history
        walk's `history_findings` first (a re-harvest takes each old commit's findings from them)."""
        secrets = [f for f in self.findings if f.kind == "secret"]
        return {
            "total": len(self.findings),
            "secrets": len(secrets),
            "by_rule": dict(Counter(f.rule for f in self.findings).most_common()),
            "by_location": dict(Counter(f.location for f in self.findings).most_common()),
            "secrets_only_in_history": len(_history_only(secrets)),
            "history_findings": history_findings,
            "findings": [asdict(f) for f in self.findings],
        }


def _history_only(secrets: list[SecretFinding]) -> set[tuple[str, str]]:
    """(path, rule) pairs seen in history diffs but not in any file at HEAD."""
    at_head = {(f.path, f.rule) for f in secrets if f.location == "head-file"}
    return {(f.path, f.rule) for f in secrets if f.location == "history-diff"} - at_head
