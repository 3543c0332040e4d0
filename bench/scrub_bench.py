"""The scrubber against detect-secrets (1.5.0, default plugins), measured in the same run.

    python bench/scrub_bench.py [--mb 4.5] [--no-write] [--final]

Prints (1) recall and false-positive rate per labelled corpus source (../shared/corpus/secrets) for
both, (2) leave-one-source-out figures over those three sources, (3) both tools on the written set's
`dev` split (bench/secrets/written/; its `held-back` split only with --final, once, at the end of a
tuning effort), (4) throughput in MB/s of both on the same ~4.5 MB of real source code (every 5th
.py/.js/.ts/.json/.md file of this venv's site-packages, sorted, files over 256 KB skipped), (5) the
ratio. Then rewrites the "## Scrubber" section of bench/RESULTS.md with the figures and this command.
"""

from __future__ import annotations

import argparse
import os
import site
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.secrets.corpus import load_written, ripsecrets_allowlist
from harvest.scrub import PRECISE, scrub
from harvest.scrub.evaluate import Case, SourceScore, evaluate, is_flagged, load_cases

SHARED = ROOT.parent / "shared" / "corpus" / "secrets"
RESULTS = ROOT / "bench" / "RESULTS.md"
EXTENSIONS = {".py", ".js", ".ts", ".json", ".md"}
TARGET_RATIO, TARGET_RECALL, TARGET_FP = 40.0, 0.95, 0.05
LOSO_RECALL = 0.90  # issue 16's target for the leave-one-source-out mean
# Why the recall/FP target is out of reach on these labels; the id lists under it are regenerated each run.
BLOCKERS = """\
What blocks recall >= 95% / FP <= 5% (read against the id lists below):

- **Recall.** Almost every miss is a positive whose value is filler or a stand-in that the scrubber's
  built-in placeholder rules keep on purpose: `AKCxxxxxxxxxx` / `AP6xxxxxxxxxx` (Artifactory),
  `ACxxxx…` / `SKxxxx…` (Twilio), `ASIAZZZZZZZZZZZZZZZZ` and siblings, AWS's documented `…EXAMPLEKEY`,
  `user:password@` / `USERNAME:PASSWORD@` URLs, `hooks.slack.com/services/Txxxxxxxx/…`, `_authToken=xxxx…`,
  `AGE-SECRET-KEY-1QQQ…`, a Bedrock key made of `EXAMPLE` repeats, an Anthropic key spelling `fake`, and one
  alphabet run (`abcdefghijabcdefghij…`). gitleaks labels the same shapes *negative* (`ghp_xxxx…`,
  `AKIAXXXX…`, `xoxb-xxx…`), so no rule can satisfy both sets; we keep placeholders, as specified. The
  other two misses are not credentials on their own: a `"type": "service_account"` line (the key in such a
  file is caught) and a MessageBird *client id*.
- **False positives.** Most are real-format credentials that upstream rules out for reasons outside the
  text: 11 published Google API keys (`AIzaSy…`) on gitleaks' allow list, indistinguishable from live keys
  without that list (a team lists such keys under `.idiomignore` `[values]`); Anthropic api/admin keys
  labelled negative for the *other* Anthropic rule; a JWT sent as `Basic`; and values under secret names
  that miss one vendor's exact length (IBM keys with `extra` appended, a 64-hex `meraki_token` with a suffix,
  `_authToken=<uuid>` after a malformed registry URL, two `xoxp-` values of the wrong shape). For a scrubber
  these are the safe errors: a scrubbed non-secret costs a placeholder in training data, a missed one leaks.
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


def corpus_scores(work: Path):
    """Scores per source on every labelled case of the shared corpus: ours, then detect-secrets as files
    and per line."""
    cases = [c for f in sorted(SHARED.glob("*/*.jsonl")) for c in load_cases(f)]
    rip_allowlist = ripsecrets_allowlist(SHARED)
    ours = evaluate(cases, lambda c: is_flagged(c, rip_allowlist if c.source == "sirwart/ripsecrets" else None))
    return ours, *detect_secrets_scores(cases, work)


def written_scores(work: Path, final: bool):
    """Split name → (ours, detect-secrets files, detect-secrets lines, our recall per kind of positive) on
    the written set, each scored as one source; `held-back` is read only when `final`."""
    scores = {}
    for split, cases in load_written(final).items():
        ours = evaluate(cases, is_flagged)
        # Provider tokens and credentials in context fail for different reasons (issue 16's two shapes).
        kinds = {kind: next(iter(evaluate(group, is_flagged).values()), SourceScore())
                 for kind in ("provider", "context")
                 if (group := [c for c in cases if c.id.startswith(f"written:{kind}:")])}
        scores[split] = (ours, *detect_secrets_scores(cases, work, file_names=True), kinds)
    return scores


def leave_one_source_out(ours: dict[str, SourceScore]) -> list[tuple[str, float, float]]:
    """(held-out source, recall, FP rate) for each source, then ("mean", …) over them.

    Nothing in `scrub` is fitted: its thresholds are module constants, so "tune on two sources" selects
    nothing and the figure on a held-out source is the fixed detectors' figure on it. This is the honest
    leave-one-source-out figure for the product as it is; the mean is unweighted, one vote per source."""
    rows = [(source, s.recall, s.fp_rate) for source, s in ours.items()]
    mean_recall = sum(r for _, r, _ in rows) / len(rows)
    mean_fp = sum(f for _, _, f in rows) / len(rows)
    return [*rows, ("mean", mean_recall, mean_fp)]


def _loso_table(ours: list[tuple[str, float, float]], theirs: list[tuple[str, float, float]]) -> list[str]:
    """Held-out source rows (then the mean): ours beside detect-secrets scanning files (nothing fitted either)."""
    lines = [("| held-out source (fixed detectors: nothing is fitted yet) | idiomatic recall | FP rate"
             " | detect-secrets (files) recall | FP rate |"), "|---|---|---|---|---|"]
    for (source, r, f), (_, tr, tf) in zip(ours, theirs, strict=True):
        name = "**mean**" if source == "mean" else source
        lines.append(f"| {name} | {r:.1%} | {f:.1%} | {tr:.1%} | {tf:.1%} |")
    return lines


def _miss_counts(score: SourceScore) -> str:
    """Misses and false positives grouped by the written case's template (ids end in `:<n>`)."""
    def grouped(ids: list[str]) -> str:
        counts = Counter(i.rsplit(":", 1)[0].removeprefix("written:") for i in ids)
        return ", ".join(f"{k} ({n})" for k, n in sorted(counts.items())) or "none"
    return f"missed {grouped(score.missed_ids)}; false positives {grouped(score.false_positive_ids)}"


def throughput(files: list[tuple[Path, str]]) -> tuple[float, float, float, int]:
    """(ours MB/s whole files, ours MB/s hunk-sized calls, detect-secrets MB/s, bytes)."""
    from detect_secrets.core.secrets_collection import SecretsCollection
    from detect_secrets.settings import default_settings

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

    ours = best_of(lambda: [scrub(t, path=p, profile=PRECISE) for p, t in texts])
    ours_hunks = best_of(lambda: [scrub(h, profile=PRECISE) for h in hunks])
    with default_settings():
        warm = SecretsCollection()
        for path, _ in files[:20]:
            warm.scan_file(str(path))
        collection = SecretsCollection()
        start = time.perf_counter()
        for path, _ in files:
            collection.scan_file(str(path))
        theirs = time.perf_counter() - start
    return size / ours / 1e6, size / ours_hunks / 1e6, size / theirs / 1e6, size


def _rate(part: int, whole: int) -> str:
    return f"{part / whole:.1%} ({part}/{whole})" if whole else "n/a (0 cases)"


def _cell(caught: int, positives: int, fps: int, negatives: int) -> str:
    return f"{_rate(caught, positives)} | {_rate(fps, negatives)}"


def _table(*tools) -> list[str]:
    """Rows: one per source plus all sources pooled; columns: recall and FP rate of each tool."""
    rows = [("| source | idiomatic recall | FP rate | detect-secrets (files) recall | FP rate"
             " | detect-secrets (`scan_line`) recall | FP rate |"), "|---|---|---|---|---|---|---|"]
    for source in tools[0]:
        cells = [_cell(t[source].caught, t[source].positives, t[source].false_positives, t[source].negatives) for t in tools]
        rows.append(f"| {source} | " + " | ".join(cells) + " |")
    pooled = [
        _cell(*(sum(getattr(s, k) for s in t.values()) for k in ("caught", "positives", "false_positives", "negatives")))
        for t in tools
    ]
    rows.append("| all | " + " | ".join(pooled) + " |")
    return rows


def _verdict(ours, ratio: float) -> list[str]:
    _, recall, fp = leave_one_source_out(ours)[-1]
    met = recall >= LOSO_RECALL and fp <= TARGET_FP
    lines = [f"- Issue 16, leave-one-source-out mean (recall >= {LOSO_RECALL:.0%}, FP <= {TARGET_FP:.0%}, precise mode):"
             f" recall {recall:.1%}, FP {fp:.1%} -> " + ("**met**." if met else "**missed**.")]
    if ratio >= TARGET_RATIO:
        lines.append(f"- Speed target (>= {TARGET_RATIO:.0f}x detect-secrets): **met** ({ratio:.0f}x).")
    else:
        lines.append(f"- Speed target (>= {TARGET_RATIO:.0f}x detect-secrets): **missed** ({ratio:.0f}x).")
    for source, s in ours.items():
        ok = s.recall >= TARGET_RECALL and s.fp_rate <= TARGET_FP
        lines.append(
            f"- {source}: recall {s.recall:.1%}, FP {s.fp_rate:.1%} -> target (recall >= 95%, FP <= 5%) "
            + ("**met**." if ok else "**missed**.")
        )
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


LOSO_NOTE = """\
Leave-one-source-out: for each of the three sources, the scrubber's thresholds would be chosen on the other
two and measured on it. Today nothing is chosen: every numeric knob that decides a finding is a module
constant in `harvest/scrub/` (entropy floor `random_threshold` = expected entropy of a random string of that
length and alphabet minus 0.4 bits; `looks_random` minimum lengths 8/10 and 2.5 bits/char; the entropy
detector's 20-character minimum; 2.5 bits/char for URL passwords; 40 base64 characters for a key body), not
a parameter of `scrub`, and no tuning loop exists. So the figure on a held-out source is the fixed detectors'
figure on it, and the mean weighs each source once. Read it as an upper bound: those constants and rules were
written by people who had seen all three sources. The written set below is the out-of-sample check. Once the
knobs become parameters, the rule to pick them on the two training sources should be the best recall at
FP <= 5% (the issue states its target as recall under an FP cap; an F-score would trade recall for precision
the target does not ask for), on a small grid per knob.
"""


def _written_section(written: dict, final: bool) -> list[str]:
    """Both tools on each written split read this run, the misses grouped by template, and what was not read."""
    lines = [("| split | idiomatic recall | FP rate | detect-secrets (files) recall | FP rate"
              " | detect-secrets (`scan_line`) recall | FP rate |"), "|---|---|---|---|---|---|---|"]
    for split, tools in written.items():
        scores = [next(iter(t.values())) for t in tools[:3]]  # the written set is one source
        cells = [_cell(s.caught, s.positives, s.false_positives, s.negatives) for s in scores]
        lines.append(f"| {split} | " + " | ".join(cells) + " |")
    lines.append("")
    for split, tools in written.items():
        by_kind = ", ".join(f"{kind} {_rate(k.caught, k.positives)}" for kind, k in tools[3].items())
        lines.append(f"- {split}: idiomatic recall by kind: {by_kind}")
        lines.append(f"- {split}: {_miss_counts(next(iter(tools[0].values())))}")
    if not final:
        lines += ["", "Held-back split: **not read** (pass `--final`, once, when issue 16's tuning is done)."]
    return lines


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
    ours, files_mode, lines_mode = corpus_scores(work)
    print("\n".join(_table(ours, files_mode, lines_mode)))
    loso = _loso_table(leave_one_source_out(ours), leave_one_source_out(files_mode))
    print("\n".join(loso))
    written = written_scores(work, args.final)
    written_lines = _written_section(written, args.final)
    print("\n".join(written_lines))
    code = source_files(args.mb)
    ours_mbs, hunk_mbs, theirs_mbs, size = throughput(code)
    ratio = ours_mbs / theirs_mbs
    speed = [
        f"| tool | MB/s on {size / 1e6:.2f} MB ({len(code)} files) |", "|---|---|",
        f"| idiomatic `scrub`, whole files (best of 3) | {ours_mbs:.2f} |",
        f"| idiomatic `scrub`, 1.5 KB hunk-sized calls (best of 3) | {hunk_mbs:.2f} |",
        f"| detect-secrets `SecretsCollection.scan_file` (1 run after warm-up) | {theirs_mbs:.3f} |",
        f"| **ratio idiomatic / detect-secrets** | **{ratio:.0f}x** |",
    ]
    print("\n".join(speed))
    misses = [f"  - {source}: missed {', '.join(s.missed_ids) or 'none'}; false positives {', '.join(s.false_positive_ids) or 'none'}"
              for source, s in ours.items()]
    command = ".venv/bin/python bench/scrub_bench.py" + (" --final" if args.final else "")
    section = "\n".join([
        "## Scrubber", "",
        f"Measured {date.today().isoformat()} on {os.cpu_count()} CPUs with:", "",
        f"    {command}", "",
        "### Leave-one-source-out (headline)", "", *loso, "", LOSO_NOTE,
        "### In-sample: the shared corpus", "",
        "Corpus: every case in `../shared/corpus/secrets/*/*.jsonl`. A positive counts as caught when a secret",
        "finding is reported and its labelled value is gone from the scrubbed text; a negative is a false positive",
        "when any secret finding is reported. `detect-secrets:ip_public` cases are excluded for both tools (public IP",
        "addresses are not credentials). Idiomatic gets ripsecrets' own `.secretsignore` value list as `.idiomignore`",
        "`[values]`. detect-secrets runs with `default_settings()` twice: each case written to a file and scanned with",
        "`SecretsCollection.scan_file` (as `detect-secrets scan` does), and ad hoc with `scan_line` on each line",
        "(eager keyword search, no file filters).", "",
        *_table(ours, files_mode, lines_mode), "",
        "### Written set (bench/secrets/written/)", "",
        "Cases written for issue 16 from public facts by `python -m bench.secrets.write` (seeded): provider tokens",
        "shaped as each provider's documentation describes them (page cited in each case's `doc`), placed in",
        "config files; credentials in the contexts the issue lists; realistic negatives (identifiers, templates,",
        "digests, UUIDs, placeholders, lock-file integrity). A seeded hash puts ~30% in `held-back`. Same scoring as",
        "above; the scrubber gets each case's file path (as the harvester passes it), detect-secrets scans a file",
        "of the same name. Shapes whose page documents only the prefix say so (`length_documented: false`).", "",
        *written_lines, "",
        "### Throughput", "", *speed, "", "### Against the targets", "", *_verdict(ours, ratio), "",
        BLOCKERS,
        "Cases behind the misses and false positives (ids only, never values):", "", *misses, "",
    ])
    if not args.no_write:
        write_results(section + "\n")
        print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
