"""The scrubber on the shared labelled corpus (../shared/corpus/secrets), per source.

Thresholds sit a little under the figures measured when the detectors were written (bench/RESULTS.md,
"## Scrubber"), so a regression fails while the held-out 30% of each set can differ a little.
`detect-secrets:ip_public` cases are not scored: public IP addresses are not credentials.

What keeps the numbers under the product target (recall >= 95%, FP <= 5%) is in RESULTS.md: positives
that are placeholders by our own rules (`AKCxxxxxxxxxx`, `ASIAZZZZ…`, `USERNAME:PASSWORD@`) and
negatives that are real-format credentials ruled out upstream for reasons outside the text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.secrets.corpus import ripsecrets_allowlist
from harvest.scrub import PRECISE, parse_allowlist, scrub
from harvest.scrub.evaluate import (
    NOT_CREDENTIALS,
    Case,
    evaluate,
    is_flagged,
    load_cases,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "secrets"

pytestmark = pytest.mark.skipif(not CORPUS.exists(), reason=f"shared corpus not found at {CORPUS}")

# source → (minimum recall, maximum false-positive rate); measured 82.4%/8.3%, 97.6%/9.6%, 87.8%/0%.
THRESHOLDS = {
    "Yelp/detect-secrets": (0.80, 0.10),
    "gitleaks/gitleaks": (0.95, 0.11),
    "sirwart/ripsecrets": (0.85, 0.05),
}
RIPSECRETS = "sirwart/ripsecrets"


def _cases() -> list[Case]:
    return [case for path in sorted(CORPUS.glob("*/*.jsonl")) for case in load_cases(path)]


def _flag(case: Case) -> bool:
    """ripsecrets' `.secretsignore` marks one value safe upstream; it reaches us as `.idiomignore` [values]."""
    ignore = ripsecrets_allowlist(CORPUS)
    return is_flagged(case, ignore if case.source == RIPSECRETS else None)


@pytest.fixture(scope="module")
def scores():
    return evaluate(_cases(), _flag)


@pytest.mark.parametrize("source", sorted(THRESHOLDS))
def test_recall_and_false_positive_rate(scores, source: str) -> None:
    minimum_recall, maximum_fp = THRESHOLDS[source]
    score = scores[source]
    assert score.recall >= minimum_recall, f"{source} missed {score.missed_ids}"
    assert score.fp_rate <= maximum_fp, f"{source} false positives {score.false_positive_ids}"


def test_public_ip_cases_are_excluded_not_counted(scores) -> None:
    ip_cases = [c for c in _cases() if c.rule_id in NOT_CREDENTIALS]
    assert ip_cases and scores["Yelp/detect-secrets"].excluded == len(ip_cases)


def test_caught_secrets_are_gone_from_the_text() -> None:
    for case in _cases():
        if case.label == "positive" and case.secret and is_flagged(case):
            assert case.secret not in scrub(case.text).text, case.id


def test_detect_secrets_sample_files() -> None:
    """Whole files upstream scans: a diff, INI with a pragma, a private key, a comment-only YAML."""
    data = CORPUS / "detect-secrets" / "test_data"
    text = (data / "config.ini").read_text()
    found = {(f.rule, f.line) for f in scrub(text, path="config.ini", profile=PRECISE).findings}
    assert ("password-assignment", 2) in found
    assert ("password-assignment", 26) not in found  # `password = … # pragma: allowlist secret`
    unmarked = text.replace("# pragma: allowlist secret", "")
    assert ("password-assignment", 26) in {(f.rule, f.line) for f in scrub(unmarked, path="config.ini").findings}
    assert [f.rule for f in scrub((data / "files" / "private_key").read_text()).findings] == ["private-key"]
    assert scrub((data / "only_comments.yaml").read_text(), path="only_comments.yaml").findings == ()
    env = scrub((data / "config.env").read_text(), path="config.env")
    assert [f.rule for f in env.findings] == ["high-entropy"]


def test_ripsecrets_none_file_has_no_findings_with_its_allowlist() -> None:
    ignore = parse_allowlist((CORPUS / "ripsecrets" / ".secretsignore").read_text().replace("[secrets]", "[values]"))
    text = (CORPUS / "ripsecrets" / "test" / "none").read_text()
    assert [f for f in scrub(text, ignore, profile=PRECISE).findings if f.kind == "secret"] == []
