"""The scrubber against detect-secrets (1.5.0, default plugins), measured in the same run.

    python bench/scrub_bench.py [--mb 4.5] [--no-write]

Prints (1) recall and false-positive rate per labelled corpus source (../shared/corpus/secrets) for
both, (2) throughput in MB/s of both on the same ~4.5 MB of real source code (every 5th .py/.js/.ts/
.json/.md file of this venv's site-packages, sorted, files over 256 KB skipped), (3) the ratio. Then
rewrites the "## Scrubber" section of bench/RESULTS.md with the figures and this command.
"""

from __future__ import annotations

import argparse
import os
import site
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "corpus" / "secrets"
RESULTS = ROOT / "bench" / "RESULTS.md"
EXTENSIONS = {".py", ".js", ".ts", ".json", ".md"}
TARGET_RATIO, TARGET_RECALL, TARGET_FP = 40.0, 0.95, 0.05
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


def corpus_scores(work: Path):
    """Scores per source on every labelled case of the shared corpus: ours, detect-secrets scanning each
    case as a file (how `detect-secrets scan` runs), and detect-secrets' ad-hoc `scan_line` per line."""
    from detect_secrets.core.scan import scan_line
    from detect_secrets.core.secrets_collection import SecretsCollection
    from detect_secrets.settings import default_settings

    from harvest.scrub.allowlist import parse_allowlist
    from harvest.scrub.evaluate import evaluate, is_flagged, load_cases

    cases = [c for f in sorted(SHARED.glob("*/*.jsonl")) for c in load_cases(f)]
    # ripsecrets' own .secretsignore lists one value as known-safe; give it to us as .idiomignore [values].
    ignore = (SHARED / "ripsecrets" / ".secretsignore").read_text().replace("[secrets]", "[values]")
    rip_allowlist = parse_allowlist(ignore)
    ours = evaluate(cases, lambda c: is_flagged(c, rip_allowlist if c.source == "sirwart/ripsecrets" else None))

    def as_file(case) -> bool:
        path = work / "case"
        path.write_text(case.text)
        collection = SecretsCollection()
        collection.scan_file(str(path))
        return bool(collection.data)

    with default_settings():
        files = evaluate(cases, as_file)
        lines = evaluate(cases, lambda c: any(any(True for _ in scan_line(line)) for line in c.text.splitlines()))
    return ours, files, lines


def throughput(files: list[tuple[Path, str]]) -> tuple[float, float, float, int]:
    """(ours MB/s whole files, ours MB/s hunk-sized calls, detect-secrets MB/s, bytes)."""
    from detect_secrets.core.secrets_collection import SecretsCollection
    from detect_secrets.settings import default_settings

    from harvest.scrub import scrub

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

    ours = best_of(lambda: [scrub(t, path=p) for p, t in texts])
    ours_hunks = best_of(lambda: [scrub(h) for h in hunks])
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


def _cell(caught: int, positives: int, fps: int, negatives: int) -> str:
    return f"{caught / positives:.1%} ({caught}/{positives}) | {fps / negatives:.1%} ({fps}/{negatives})"


def _table(*tools) -> list[str]:
    """Rows: one per source plus all sources pooled; columns: recall and FP rate of each tool."""
    rows = ["| source | idiomatic recall | FP rate | detect-secrets (files) recall | FP rate"
            " | detect-secrets (`scan_line`) recall | FP rate |", "|---|---|---|---|---|---|---|"]
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
    lines = []
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=4.5, help="megabytes of source code to time (default 4.5)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/RESULTS.md alone")
    args = parser.parse_args()
    if not SHARED.exists():
        print(f"scrub bench skipped: no labelled corpus at {SHARED}")
        return 0
    work = ROOT / "bench" / ".work" / "scrub"
    work.mkdir(parents=True, exist_ok=True)
    ours, files_mode, lines_mode = corpus_scores(work)
    print("\n".join(_table(ours, files_mode, lines_mode)))
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
    section = "\n".join([
        "## Scrubber", "",
        f"Measured {date.today().isoformat()} on {os.cpu_count()} CPUs with:", "",
        "    .venv/bin/python bench/scrub_bench.py", "",
        "Corpus: every case in `../shared/corpus/secrets/*/*.jsonl`. A positive counts as caught when a secret",
        "finding is reported and its labelled value is gone from the scrubbed text; a negative is a false positive",
        "when any secret finding is reported. `detect-secrets:ip_public` cases are excluded for both tools (public IP",
        "addresses are not credentials). Idiomatic gets ripsecrets' own `.secretsignore` value list as `.idiomignore`",
        "`[values]`. detect-secrets runs with `default_settings()` twice: each case written to a file and scanned with",
        "`SecretsCollection.scan_file` (as `detect-secrets scan` does), and ad hoc with `scan_line` on each line",
        "(eager keyword search, no file filters).", "",
        *_table(ours, files_mode, lines_mode), "", *speed, "", "### Against the targets", "", *_verdict(ours, ratio), "",
        BLOCKERS,
        "Cases behind the misses and false positives (ids only, never values):", "", *misses, "",
    ])
    if not args.no_write:
        write_results(section + "\n")
        print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
