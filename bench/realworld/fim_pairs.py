"""Fill-in-the-middle pairs on prepared clones of the real-world matrix (issue 18): counts and cost.

    python bench/realworld/fim_pairs.py CLONE [CLONE ...]

Each CLONE (a clone at its pinned commit, as bench/realworld/run.py prepares them under bench/.work/realworld)
is harvested the matrix's way, in-process, into a temporary IDIOM_HOME, with the matrix's held-out files
excluded (bench/realworld/holdout.py). The dataset is then built with `fim` on and off, twice each (the
faster of each kept), and the fim builder is timed alone. It prints, per repository, the fim pairs by language
and split against issue 18's target (figures.fim_coverage: ≥ 8% held out, ✗ when not), the strata the split
could not validate, the pairs by span type and order, the commit pairs the split dropped with and without fim,
and the seconds: the build with and without fim, and the fim builder alone. Spans are drawn the same way every
run, so only the seconds vary.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.environment import replaced_environment
from bench.realworld.catalog import tracked_files
from bench.realworld.figures import fim_coverage
from bench.realworld.harvesting import prepare
from bench.realworld.holdout import held_out


def measure(clone: Path) -> None:
    """Print the fim figures of one clone."""
    from harvest.config import load_harvest_config
    from harvest.dataset.build import build_dataset, load_corpus
    from harvest.dataset.split import uncovered_kinds
    from harvest.mining.pipeline import mine
    from harvest.pairs import build_pairs
    from harvest.pairs.sources import Sources
    from harvest.progress import progress_bar
    from harvest.records import FIM_KIND, Pair, Rejection, read_records

    with tempfile.TemporaryDirectory(prefix=f"idiom-fim-{clone.name}-") as scratch:
        workspace = prepare(Path(scratch), held_out(tracked_files(clone)))
        with replaced_environment(workspace.environment()):
            config = load_harvest_config(clone)
            harvest = Path(mine(clone, config, progress=False).output)
            seconds: dict[str, float] = {}
            drops: dict[str, int] = {}
            for fim in (True, False, True, False):  # twice each, alternating: the first build pays for warming up
                started = time.perf_counter()
                out = Path(build_dataset(harvest, dataclasses.replace(config, fim=fim), progress=False).output)
                name = f"fim {'on' if fim else 'off'}"
                seconds[f"build, {name}"] = min(seconds.get(f"build, {name}", float("inf")),
                                                time.perf_counter() - started)
                rejected = list(read_records(out / "rejected.jsonl", Rejection))
                drops[name] = sum(1 for r in rejected if r.stage == "split")
            out = Path(build_dataset(harvest, config, progress=False).output)
            rejected = list(read_records(out / "rejected.jsonl", Rejection))
            pairs = list(read_records(out / "pairs.jsonl", Pair))
            with progress_bar(False) as bar:
                corpus, _, head = load_corpus(harvest, config, bar)
            sources = Sources({f.path: f for f in corpus.files}, corpus.units, corpus.commits, corpus.prs, head,
                              {c.sha: c.author_date for c in corpus.commits}, config)
            started = time.perf_counter()
            built = build_pairs(sources, ["fim"])
            seconds["fim builder alone"] = time.perf_counter() - started
    fim = [p for p in pairs if p.kind == FIM_KIND]
    dropped = Counter(r.reason for r in rejected if r.kind == FIM_KIND)
    coverage = fim_coverage(dataclasses.asdict(p) for p in fim)
    print(f"\n## {clone.name}: {len(built)} fim pairs built, {len(fim)} kept "
          f"({', '.join(f'{reason} {n}' for reason, n in dropped.most_common()) or 'none dropped'})")
    print("| language | files | train | eval | test | held out |\n|---|---:|---:|---:|---:|---:|")
    for language, row in coverage["by_language"].items():
        files = len({p.path for p in fim if p.language == language})
        print(f"| {language} | {files} | {row['train']} | {row['eval']} | {row['test']} | {row['held_share']:.0%}"
              f"{'' if row['ok'] else ' ✗'} |")
    spans = Counter((p.span, p.order) for p in fim)
    print("spans (PSM/SPM): " + ", ".join(f"{span} {spans[(span, 'psm')]}/{spans[(span, 'spm')]}"
                                          for span in sorted({s for s, _ in spans})))
    print(f"held-out files with a span in train: {coverage['held_files_in_train']}")
    uncovered = {k: v for k, v in uncovered_kinds(pairs, config).items() if k.startswith(f"{FIM_KIND}/")}
    print(f"fim strata the split cannot validate: {uncovered or 'none'}")
    print(f"commit pairs dropped by the split: {drops}")
    print("seconds: " + ", ".join(f"{name} {value:.1f}" for name, value in seconds.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("clones", type=Path, nargs="+", metavar="CLONE")
    args = parser.parse_args(argv)
    for clone in args.clones:
        measure(clone)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
