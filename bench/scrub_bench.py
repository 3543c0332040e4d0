"""The scrubber, in both modes, against detect-secrets (1.5.0, default plugins), measured in the same run.

    python bench/scrub_bench.py [--mb 4.5] [--no-write] [--final]

Labelled data: the shared corpus (../shared/corpus/secrets: three public scanners' test cases, one source
each) and the written set (bench/secrets/written/: `dev` always, `held-back` only with --final).

Prints, for `precise` and `strict` (harvest/scrub/profile.py):
(1) leave-one-source-out, the headline: for each shared source, the knobs (the numeric `Profile` fields the
    mode reads) are chosen on the other two by a small grid, one knob at a time around the defaults, repeated
    from the winner (bench/secrets/grid.py; strict's grid stops where the issue's definition of strict
    would: context_min_length <= 6, token_min_length <= 32), then measured on the held-out source. The rule:
    best pooled recall
    on the training sources at FP <= 5% (precise) / FP <= 15% (strict); when the knobs cannot reach the cap
    there, the best recall at FP no higher than the defaults' own; ties go to the point closest to the
    defaults. Per fold: chosen knobs, training and held-out figures; then the mean over the three (one vote
    per source). detect-secrets beside it (nothing fitted);
(2) the same rule on all three sources plus the written `dev` split pooled: the knobs it would ship, beside
    the values in profile.py (which it is meant to match);
(3) one side-by-side table: per mode and detect-secrets, in-sample (shared corpus pooled, and mean over its
    sources), leave-one-source-out mean, written dev, written held-back ("not read" without --final), and the
    throughput ratio against detect-secrets;
(4) the detail: in-sample per source, the written splits (misses grouped by template), throughput in MB/s of
    both modes and detect-secrets on the same ~4.5 MB of real source code (every 5th .py/.js/.ts/.json/.md
    file of this venv's site-packages, sorted, files over 256 KB skipped), the targets, the missed ids.
Then rewrites the "## Scrubber" section of bench/RESULTS.md (unless --no-write). Never pass --final while
tuning: the held-back split measures the result once, at the end.
"""

from __future__ import annotations

import argparse
import os
import re
import site
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.secrets import grid
from bench.secrets.corpus import DEV, HELD_BACK, load_written, ripsecrets_allowlist
from harvest.scrub import PRECISE, STRICT, scrub
from harvest.scrub.evaluate import NOT_CREDENTIALS, Case, SourceScore, evaluate, is_flagged, load_cases
from harvest.scrub.profile import Profile
from harvest.scrub.values import is_placeholder

SHARED = ROOT.parent / "shared" / "corpus" / "secrets"
RESULTS = ROOT / "bench" / "RESULTS.md"
EXTENSIONS = {".py", ".js", ".ts", ".json", ".md"}
MODES = (PRECISE, STRICT)
TARGET_RATIO = 40.0
# Issue 16's leave-one-source-out targets per mode: (recall at least, FP rate at most).
TARGETS = {"precise": (0.90, 0.05), "strict": (0.97, 0.15)}
RIPSECRETS = "sirwart/ripsecrets"
WRITTEN_SOURCE = "idiomatic/written"
# Why the targets are out of reach on these labels; the id lists under it are regenerated each run.
BLOCKERS = """\
What blocks the targets (read against the id lists below):

- **The knobs move little on the shared corpus.** In precise mode no grid value of any knob changes more
  than a case or two of the three sources, and none brings a pair of them under FP 5%: the false positives
  and misses come from rules the knobs do not touch (provider formats, placeholders). In strict mode the
  knobs trade FP against the written set's recall (`entropy_margin`, `token_min_length` decide what the
  `random-token` detector replaces), not the shared corpus's recall, which strict does not raise at all:
  its misses are the precise mode's. So the leave-one-source-out figures mostly measure the detectors.
- **Recall.** Almost every miss is a positive whose value is filler or a stand-in that the scrubber's
  built-in placeholder rules keep on purpose: `AKCxxxxxxxxxx` / `AP6xxxxxxxxxx` (Artifactory),
  `ACxxxx…` / `SKxxxx…` (Twilio), `ASIAZZZZZZZZZZZZZZZZ` and siblings, AWS's documented `…EXAMPLEKEY`,
  `user:password@` / `USERNAME:PASSWORD@` URLs, `hooks.slack.com/services/Txxxxxxxx/…`, `_authToken=xxxx…`,
  `AGE-SECRET-KEY-1QQQ…`, a Bedrock key made of `EXAMPLE` repeats, an Anthropic key spelling `fake`, and one
  alphabet run (`abcdefghijabcdefghij…`). gitleaks labels the same shapes *negative* (`ghp_xxxx…`,
  `AKIAXXXX…`, `xoxb-xxx…`), so no rule can satisfy both sets; we keep placeholders, as specified. The
  other two misses are not credentials on their own: a `"type": "service_account"` line (the key in such a
  file is caught) and a MessageBird *client id*.
- **False positives (precise).** Most are real-format credentials that upstream rules out for reasons outside
  the text: 11 published Google API keys (`AIzaSy…`) on gitleaks' allow list, indistinguishable from live keys
  without that list (a team lists such keys under `.idiomignore` `[values]`); Anthropic api/admin keys
  labelled negative for the *other* Anthropic rule; a JWT sent as `Basic`; and values under secret names
  that miss one vendor's exact length (IBM keys with `extra` appended, a 64-hex `meraki_token` with a suffix,
  `_authToken=<uuid>` after a malformed registry URL, two `xoxp-` values of the wrong shape). For a scrubber
  these are the safe errors: a scrubbed non-secret costs a placeholder in training data, a missed one leaks.
- **False positives (strict)** add what strict replaces by design, the `random-token` detector's long random
  strings that the upstream label calls a non-secret (30 of the 31 extra on the shared corpus today): a value
  one vendor's rule rejects for its prefix or length (`foo_…`, `bot…:…`, `pypi-…` cut short), tokens under
  names that are not credentials (`public_key`, `sumOfExposures`), a Google Docs id in a URL, a pasted JWT. A
  training example loses a value that was not a secret; that is the trade the issue asks strict to make. The
  grid cannot remove them without dropping random tokens as such (see the leave-one-source-out note).
  Strict also scrubs lines marked `pragma: allowlist secret`, so ripsecrets' one live-format key behind
  that marker, labelled negative upstream, is a false positive there (1 of its 12 negatives).
"""
LOSO_NOTE = """\
Leave-one-source-out: for each of the three shared sources, the mode's knobs (the numeric `Profile` fields it
reads: `password_min_length`, `secret_min_length`, `random_floor`, `entropy_margin`, and in strict mode
`context_min_length`, `token_min_length`) are chosen on the other two and the choice is measured on the third.
Grid (`bench/secrets/grid.py`): five values per knob around the defaults; one knob at a time from the
defaults, then again from the winner until it stays (at most three rounds), instead of a product, which would
need 5^6 runs for strict. Two bounds keep the grid inside what the knobs mean: `entropy_margin` >= 0.2 (at 0
only half of truly random tokens pass the entropy check), and in strict mode `context_min_length` <= 6 and
`token_min_length` <= 32 (issue 16 defines strict as replacing those). Without them the rule picks
`entropy_margin` = 0 for strict: under its cap on these labels by letting half of all random tokens through.
Rule: the best pooled recall on the two training sources with pooled FP <= 5% (precise) or <= 15% (strict),
the issue's caps (a point over the cap ranks by how far over, so the search walks towards it). When the
search ends over the cap, the knobs cannot meet it there (the false positives come from rules they do not
touch), and buying one false positive less with recall would fit single cases: the search runs again with the
defaults' own FP as the cap, so recall may rise and FP may not. Ties go to the point fewest grid steps from
the defaults, then to the lower FP. The mean weighs each held-out source once. Only the knobs are fitted: the
detectors themselves were written by people who had seen all three sources, so this is still an upper bound
for cases from elsewhere; the written set's held-back split is the out-of-sample check. detect-secrets has
nothing to fit: its held-out figure is its in-sample one.
"""


def source_files(megabytes: float) -> list[tuple[Path, str]]:
    """Deterministic sample of real source code: (path, text) until `megabytes` are collected."""
    packages = Path(site.getsitepackages()[0])
    candidates = sorted(p for p in packages.rglob("*") if p.suffix in EXTENSIONS and p.is_file())
    chosen, total = [], 0
    for path in candidates[::5]:
        data = path.read_bytes()
        if len(data) > 256_000 or b"\0" in data[:8192]:
            continue
        chosen.append((path, data.decode("utf-8", errors="replace")))
        total += len(data)
        if total >= megabytes * 1e6:
            break
    return chosen


def labelled_sets(final: bool) -> tuple[list[Case], dict[str, list[Case]]]:
    """The shared corpus's cases and the written splits (`held-back` only when `final`)."""
    return [c for f in sorted(SHARED.glob("*/*.jsonl")) for c in load_cases(f)], load_written(final)


def scorer(cases: list[Case]) -> grid.Scorer:
    """Profile → our score per source on `cases`, each profile scored once (the grid revisits points).
    ripsecrets' cases get its own `.secretsignore` values as `.idiomignore` `[values]`."""
    rip_allowlist = ripsecrets_allowlist(SHARED)

    @cache
    def score(profile: Profile) -> dict[str, SourceScore]:
        return evaluate(cases, lambda c: is_flagged(c, rip_allowlist if c.source == RIPSECRETS else None, profile))

    return score


def detect_secrets_scores(cases: list[Case], work: Path, file_names: bool = False):
    """detect-secrets on `cases`: each case scanned as a file (how `detect-secrets scan` runs; named after
    the case's own path when `file_names`, so its file filters apply) and ad hoc with `scan_line` per line."""
    from detect_secrets.core.scan import scan_line
    from detect_secrets.core.secrets_collection import SecretsCollection
    from detect_secrets.settings import default_settings

    def as_file(case: Case) -> bool:
        path = work / (Path(case.path).name if file_names and case.path else "case")
        path.write_text(case.text)
        collection = SecretsCollection()
        collection.scan_file(str(path))
        path.unlink()
        return bool(collection.data)

    with default_settings():
        files = evaluate(cases, as_file)
        lines = evaluate(cases, lambda c: any(any(True for _ in scan_line(line)) for line in c.text.splitlines()))
    return files, lines


@dataclass
class WrittenSplit:
    """One written split scored by both modes (with recall per kind of positive) and by detect-secrets."""

    ours: dict[str, SourceScore]  # mode name → score (the split is one source)
    kinds: dict[str, dict[str, SourceScore]]  # mode name → "provider"/"context" → score
    files: SourceScore
    lines: SourceScore


def written_scores(splits: dict[str, list[Case]], work: Path) -> dict[str, WrittenSplit]:
    """Split name → both modes and detect-secrets on it, each split scored as one source."""
    scored = {}
    for split, cases in splits.items():
        ours, kinds = {}, {}
        for mode in MODES:
            flag: Callable[[Case], bool] = lambda c, m=mode: is_flagged(c, None, m)
            ours[mode.name] = next(iter(evaluate(cases, flag).values()), SourceScore())
            # Provider tokens and credentials in context fail for different reasons (issue 16's two shapes).
            kinds[mode.name] = {kind: next(iter(evaluate(group, flag).values()), SourceScore())
                                for kind in ("provider", "context")
                                if (group := [c for c in cases if c.id.startswith(f"written:{kind}:")])}
        files, lines = detect_secrets_scores(cases, work, file_names=True)
        scored[split] = WrittenSplit(ours, kinds, *(next(iter(t.values()), SourceScore()) for t in (files, lines)))
    return scored


def scrub_speed(files: list[tuple[Path, str]], profile: Profile) -> tuple[float, float]:
    """(MB/s on whole files, MB/s on 1.5 KB hunk-sized calls) of `scrub` in `profile`'s mode, best of 3."""
    size = sum(len(text.encode()) for _, text in files)
    texts = [(str(p), t) for p, t in files]
    hunks = [t[i : i + 1500] for _, t in texts for i in range(0, len(t), 1500)]

    def best_of(run, repeats: int = 3) -> float:
        run()  # warm-up: regex caches, first-touch allocations
        timings = []
        for _ in range(repeats):
            start = time.perf_counter()
            run()
            timings.append(time.perf_counter() - start)
        return min(timings)

    whole = best_of(lambda: [scrub(t, path=p, profile=profile) for p, t in texts])
    hunked = best_of(lambda: [scrub(h, profile=profile) for h in hunks])
    return size / whole / 1e6, size / hunked / 1e6


def detect_secrets_speed(files: list[tuple[Path, str]]) -> float:
    """MB/s of detect-secrets' `SecretsCollection.scan_file` on `files` (one run after a warm-up)."""
    from detect_secrets.core.secrets_collection import SecretsCollection
    from detect_secrets.settings import default_settings

    size = sum(len(text.encode()) for _, text in files)
    with default_settings():
        warm = SecretsCollection()
        for path, _ in files[:20]:
            warm.scan_file(str(path))
        collection = SecretsCollection()
        start = time.perf_counter()
        for path, _ in files:
            collection.scan_file(str(path))
        theirs = time.perf_counter() - start
    return size / theirs / 1e6


def throughput(files: list[tuple[Path, str]], profile: Profile = PRECISE) -> tuple[float, float, float, int]:
    """(ours MB/s whole files, ours MB/s hunk-sized calls, detect-secrets MB/s, bytes) for one mode."""
    ours, hunks = scrub_speed(files, profile)
    return ours, hunks, detect_secrets_speed(files), sum(len(text.encode()) for _, text in files)


def _rate(part: int, whole: int) -> str:
    return f"{part / whole:.1%} ({part}/{whole})" if whole else "n/a (0 cases)"


def _cell(caught: int, positives: int, fps: int, negatives: int) -> str:
    return f"{_rate(caught, positives)} | {_rate(fps, negatives)}"


def _pair(recall: float, fp: float) -> str:
    """A recall / FP-rate cell of the side-by-side table."""
    return f"{recall:.1%} / {fp:.1%}"


def _pooled_pair(scores: dict[str, SourceScore]) -> str:
    t = grid.pooled(scores, scores)
    return _pair(float(t.recall), float(t.fp_rate))


def _mean_pair(scores: dict[str, SourceScore]) -> str:
    return _pair(sum(s.recall for s in scores.values()) / len(scores), sum(s.fp_rate for s in scores.values()) / len(scores))


def _table(*tools: dict[str, SourceScore]) -> list[str]:
    """Rows: one per source plus all sources pooled; columns: recall and FP rate of each tool (precise, strict,
    detect-secrets as files, detect-secrets per line)."""
    rows = [("| source | precise recall | FP rate | strict recall | FP rate | detect-secrets (files) recall | FP rate"
             " | detect-secrets (`scan_line`) recall | FP rate |"), "|---|---|---|---|---|---|---|---|---|"]
    for source in tools[0]:
        cells = [_cell(t[source].caught, t[source].positives, t[source].false_positives, t[source].negatives) for t in tools]
        rows.append(f"| {source} | " + " | ".join(cells) + " |")
    pooled = [_cell(*(sum(getattr(s, k) for s in t.values()) for k in ("caught", "positives", "false_positives", "negatives")))
              for t in tools]
    rows.append("| all | " + " | ".join(pooled) + " |")
    return rows


def _loso_table(folds: dict[str, list[grid.HeldOut]], theirs: dict[str, SourceScore]) -> list[str]:
    """Per mode and held-out source: the knobs chosen on the other two, the figures there and on the held-out
    source, detect-secrets (files, nothing fitted) on it; then each mode's mean."""
    lines = [("| mode | held-out source | knobs chosen on the other two (vs defaults) | training recall / FP"
              " | held-out recall | held-out FP | detect-secrets (files) recall | FP |"),
             "|---|---|---|---|---|---|---|---|"]
    for mode in MODES:
        for f in folds[mode.name]:
            t = theirs[f.source]
            lines.append(f"| {mode.name} | {f.source} | {grid.changed(f.chosen, mode)} | "
                         f"{_pair(float(f.train.recall), float(f.train.fp_rate))} | "
                         f"{_cell(f.test.caught, f.test.positives, f.test.false_positives, f.test.negatives)} | "
                         f"{t.recall:.1%} | {t.fp_rate:.1%} |")
        recall, fp = grid.mean(folds[mode.name])
        lines.append(f"| {mode.name} | **mean** | | | **{recall:.1%}** | **{fp:.1%}** | "
                     f"{sum(s.recall for s in theirs.values()) / len(theirs):.1%} | "
                     f"{sum(s.fp_rate for s in theirs.values()) / len(theirs):.1%} |")
    return lines


def _shipped_lines(picks: dict[str, tuple[Profile, grid.Tally]], sources: list[str]) -> list[str]:
    """What the rule picks on every labelled source but held-back, beside what profile.py ships."""
    lines = [f"Shipped defaults: the same rule on {', '.join(sources)} pooled",
             "(the written `dev` split is written for tuning and holds the credential contexts the shared corpus",
             "lacks; `held-back` stays out) picks:", ""]
    for mode in MODES:
        chosen, tally = picks[mode.name]
        ships = "= profile.py" if chosen == mode else "**differs from profile.py**"
        lines.append(f"- {mode.name}: {grid.changed(chosen, mode)} ({ships}); pooled recall {float(tally.recall):.1%},"
                     f" FP {float(tally.fp_rate):.1%} (cap {float(grid.FP_CAP[mode.name]):.0%}).")
    return lines


def _side_by_side(shared: dict[str, dict[str, SourceScore]], folds: dict[str, list[grid.HeldOut]],
                  written: dict[str, WrittenSplit], ratios: dict[str, float]) -> list[str]:
    """One row per mode and detect-secrets; cells are recall / FP rate."""
    lines = [("| recall / FP rate | in-sample: shared corpus pooled | in-sample: mean over its 3 sources"
              " | **leave-one-source-out mean** | written dev | written held-back | throughput vs detect-secrets |"),
             "|---|---|---|---|---|---|---|"]

    def split_cell(split: str, score: Callable[[WrittenSplit], SourceScore]) -> str:
        if split not in written:
            return "not read"
        s = score(written[split])
        return _pair(s.recall, s.fp_rate)

    for mode in MODES:
        scores = shared[mode.name]
        lines.append(f"| {mode.name} | {_pooled_pair(scores)} | {_mean_pair(scores)} | **{_pair(*grid.mean(folds[mode.name]))}** | "
                     f"{split_cell(DEV, lambda w, m=mode.name: w.ours[m])} | "
                     f"{split_cell(HELD_BACK, lambda w, m=mode.name: w.ours[m])} | {ratios[mode.name]:.0f}x |")
    theirs = shared["detect-secrets"]
    lines.append(f"| detect-secrets (files; nothing fitted) | {_pooled_pair(theirs)} | {_mean_pair(theirs)} | "
                 f"{_mean_pair(theirs)} | {split_cell(DEV, lambda w: w.files)} | {split_cell(HELD_BACK, lambda w: w.files)} | 1x |")
    return lines


_TOKEN = re.compile(r"[A-Za-z0-9_+/=.-]{8,}")


def placeholder_shaped(case: Case) -> bool:
    """The case's labelled value (or, without one, any 8+ character token in it) is filler or a stand-in by
    the scrubber's placeholder rule (`values.is_placeholder`): `AKCxxxxxxxxxx`, `…EXAMPLEKEY`, `USERNAME:PASSWORD`."""
    values = [case.secret] if case.secret else _TOKEN.findall(case.text)
    return any(is_placeholder(v) for v in values)


def placeholder_lines(cases: list[Case], shared: dict[str, dict[str, SourceScore]]) -> list[str]:
    """What the placeholder allowlist costs and saves on the shared corpus, per mode: positives it keeps
    (missed by design), negatives of the same shape left alone, and recall with those positives set aside."""
    shaped = {c.id: c.label for c in cases if c.rule_id not in NOT_CREDENTIALS and placeholder_shaped(c)}
    positives = {i for i, label in shaped.items() if label == "positive"}
    negatives = set(shaped) - positives
    lines = [f"Placeholder allowlist, measured on the shared corpus: {len(positives)} positives and {len(negatives)}"
             " negatives hold a placeholder-shaped value (the sources disagree on such shapes: `AKCxxxx…` is a"
             " positive in detect-secrets, `ghp_xxxx…` a negative in gitleaks)."]
    for mode in MODES:
        scores = shared[mode.name]
        missed = {i for s in scores.values() for i in s.missed_ids}
        flagged = {i for s in scores.values() for i in s.false_positive_ids}
        caught = sum(s.caught for s in scores.values())
        others = sum(s.positives for s in scores.values()) - len(positives)
        lines.append(f"- {mode.name}: keeps {len(positives & missed)} of the {len(positives)} placeholder-shaped positives "
                     f"({len(positives & missed)} of its {len(missed)} misses); flags {len(negatives & flagged)} of the "
                     f"{len(negatives)} placeholder-shaped negatives; recall on the other positives "
                     f"{_rate(caught - (len(positives) - len(positives & missed)), others)}.")
    return lines


def _miss_counts(score: SourceScore) -> str:
    """Misses and false positives grouped by the written case's template (ids end in `:<n>`)."""
    def grouped(ids: list[str]) -> str:
        counts = Counter(i.rsplit(":", 1)[0].removeprefix("written:") for i in ids)
        return ", ".join(f"{k} ({n})" for k, n in sorted(counts.items())) or "none"
    return f"missed {grouped(score.missed_ids)}; false positives {grouped(score.false_positive_ids)}"


def _written_section(written: dict[str, WrittenSplit], final: bool) -> list[str]:
    """Both modes and detect-secrets on each written split read this run, the misses grouped by template, and
    what was not read."""
    lines = [("| split | precise recall | FP rate | strict recall | FP rate | detect-secrets (files) recall | FP rate"
              " | detect-secrets (`scan_line`) recall | FP rate |"), "|---|---|---|---|---|---|---|---|---|"]
    for split, w in written.items():
        scores = [*(w.ours[m.name] for m in MODES), w.files, w.lines]
        lines.append(f"| {split} | " + " | ".join(_cell(s.caught, s.positives, s.false_positives, s.negatives) for s in scores) + " |")
    lines.append("")
    for split, w in written.items():
        for mode in MODES:
            by_kind = ", ".join(f"{kind} {_rate(k.caught, k.positives)}" for kind, k in w.kinds[mode.name].items())
            lines.append(f"- {split}, {mode.name}: recall by kind: {by_kind}")
            lines.append(f"- {split}, {mode.name}: {_miss_counts(w.ours[mode.name])}")
    if not final:
        lines += ["", "Held-back split: **not read** (pass `--final`, once, when issue 16's tuning is done)."]
    return lines


def _verdict(folds: dict[str, list[grid.HeldOut]], ratios: dict[str, float]) -> list[str]:
    lines = []
    for mode in MODES:
        recall, fp = grid.mean(folds[mode.name])
        want_recall, want_fp = TARGETS[mode.name]
        met = recall >= want_recall and fp <= want_fp
        lines.append(f"- Issue 16, {mode.name} mode, leave-one-source-out mean (recall >= {want_recall:.0%}, FP <= {want_fp:.0%}):"
                     f" recall {recall:.1%}, FP {fp:.1%} -> " + ("**met**." if met else "**missed**."))
    for mode in MODES:
        ratio = ratios[mode.name]
        lines.append(f"- Speed target, {mode.name} mode (>= {TARGET_RATIO:.0f}x detect-secrets): "
                     + ("**met**" if ratio >= TARGET_RATIO else "**missed**") + f" ({ratio:.0f}x).")
    return lines


def write_results(section: str) -> None:
    """Replace (or append) the "## Scrubber" section of RESULTS.md, leaving other sections intact."""
    text = RESULTS.read_text() if RESULTS.exists() else "Latest benchmark figures and the commands that produced them.\n"
    start = text.find("## Scrubber")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + (text[end + 1 :] if end != -1 else "")
    RESULTS.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=4.5, help="megabytes of source code to time (default 4.5)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/RESULTS.md alone")
    parser.add_argument("--final", action="store_true",
                        help="also score the written set's held-back split (once, after tuning is finished)")
    args = parser.parse_args()
    if not SHARED.exists():
        print(f"scrub bench skipped: no labelled corpus at {SHARED}")
        return 0
    work = ROOT / "bench" / ".work" / "scrub"
    work.mkdir(parents=True, exist_ok=True)
    shared_cases, splits = labelled_sets(args.final)
    sources = list(dict.fromkeys(c.source for c in shared_cases))
    # One scorer over the shared corpus and the dev split: the grid reads the sources it is told to.
    score = scorer(shared_cases + splits[DEV])
    folds = {mode.name: grid.leave_one_source_out(score, mode, sources) for mode in MODES}
    tuning = [*sources, WRITTEN_SOURCE]
    picks = {mode.name: grid.choose(score, mode, tuning) for mode in MODES}
    files_mode, lines_mode = detect_secrets_scores(shared_cases, work)
    shared = {mode.name: {s: score(mode)[s] for s in sources} for mode in MODES}
    shared["detect-secrets"] = files_mode
    loso = _loso_table(folds, files_mode)
    shipped = _shipped_lines(picks, tuning)
    print("\n".join([*loso, "", *shipped]))
    written = written_scores(splits, work)
    written_lines = _written_section(written, args.final)
    print("\n".join(written_lines))
    code = source_files(args.mb)
    size = sum(len(text.encode()) for _, text in code)
    speeds = {mode.name: scrub_speed(code, mode) for mode in MODES}
    theirs_mbs = detect_secrets_speed(code)
    ratios = {name: whole / theirs_mbs for name, (whole, _) in speeds.items()}
    speed = [f"| tool | MB/s on {size / 1e6:.2f} MB ({len(code)} files) |", "|---|---|"]
    for name, (whole, hunks) in speeds.items():
        speed += [f"| idiomatic `scrub`, {name}, whole files (best of 3) | {whole:.2f} |",
                  f"| idiomatic `scrub`, {name}, 1.5 KB hunk-sized calls (best of 3) | {hunks:.2f} |"]
    speed.append(f"| detect-secrets `SecretsCollection.scan_file` (1 run after warm-up) | {theirs_mbs:.3f} |")
    speed += [f"| **ratio idiomatic {name} / detect-secrets** | **{ratio:.0f}x** |" for name, ratio in ratios.items()]
    print("\n".join(speed))
    side = _side_by_side(shared, folds, written, ratios)
    print("\n".join([*side, "", *placeholder_lines(shared_cases, shared)]))
    misses = [f"  - {mode.name}, {source}: missed {', '.join(s.missed_ids) or 'none'}; false positives "
              f"{', '.join(s.false_positive_ids) or 'none'}" for mode in MODES for source, s in shared[mode.name].items()]
    command = ".venv/bin/python bench/scrub_bench.py" + (" --final" if args.final else "")
    section = "\n".join([
        "## Scrubber", "",
        f"Measured {date.today().isoformat()} on {os.cpu_count()} CPUs with:", "",
        f"    {command}", "",
        "Two modes (`harvest/scrub/profile.py`): `precise` (the default of `idiom scrub`, a pre-commit gate) and",
        "`strict` (the default for everything the harvester writes and every prompt sent to a provider). The",
        "headline is leave-one-source-out: knobs chosen on two shared sources, measured on the third.", "",
        *side, "",
        "### Leave-one-source-out, per held-out source", "", *loso, "", LOSO_NOTE, *shipped, "",
        "### In-sample: the shared corpus", "",
        "Corpus: every case in `../shared/corpus/secrets/*/*.jsonl`. A positive counts as caught when a secret",
        "finding is reported and its labelled value is gone from the scrubbed text; a negative is a false positive",
        "when any secret finding is reported. `detect-secrets:ip_public` cases are excluded for both tools (public IP",
        "addresses are not credentials). Idiomatic gets ripsecrets' own `.secretsignore` value list as `.idiomignore`",
        "`[values]`. detect-secrets runs with `default_settings()` twice: each case written to a file and scanned with",
        "`SecretsCollection.scan_file` (as `detect-secrets scan` does), and ad hoc with `scan_line` on each line",
        "(eager keyword search, no file filters).", "",
        *_table(shared["precise"], shared["strict"], files_mode, lines_mode), "",
        "### Written set (bench/secrets/written/)", "",
        "Cases written for issue 16 from public facts by `python -m bench.secrets.write` (seeded): provider tokens",
        "shaped as each provider's documentation describes them (page cited in each case's `doc`), placed in",
        "config files; credentials in the contexts the issue lists; realistic negatives (identifiers, templates,",
        "digests, UUIDs, placeholders, lock-file integrity). A seeded hash puts ~30% in `held-back`. Same scoring as",
        "above; the scrubber gets each case's file path (as the harvester passes it), detect-secrets scans a file",
        "of the same name. Shapes whose page documents only the prefix say so (`length_documented: false`).", "",
        *written_lines, "",
        "### Throughput", "",
        "Both modes and detect-secrets on the same files in the same run; strict also runs the `random-token`",
        "detector over every text.", "", *speed, "",
        "### Against the targets", "", *_verdict(folds, ratios), "", *placeholder_lines(shared_cases, shared), "",
        BLOCKERS,
        "Cases behind the misses and false positives, in-sample (ids only, never values):", "", *misses, "",
    ])
    if not args.no_write:
        write_results(section + "\n")
        print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
