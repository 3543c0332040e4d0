"""`idiom harvest --repos … --merge NAME`: one organisation-wide dataset from the repositories' datasets.

Every repository's train, eval and test rows, in every format, are concatenated in the list's order; the
rows of `pairs.jsonl` carry the pair's `repository` (the format rows carry only what their format defines,
as in any dataset: OpenAI's fine-tuning API rejects unknown keys, and a format's rows follow `pairs.jsonl`'s
order). Held-out stays held out across repositories too: a pair that (nearly) repeats another repository's
eval or test pair is dropped from the lower split, as one dataset's build does within a repository
(harvest/dataset/split.py `decontaminate`). The manifest lists each input dataset by its manifest's hash.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson

from harvest import __version__
from harvest.atomic import atomic_write_json, staged_dir, write_jsonl
from harvest.dataset.formats import FORMATS, SPLITS, takes
from harvest.dataset.split import decontaminate
from harvest.errors import InputError
from harvest.lock import writing
from harvest.records import Pair, read_records
from harvest.store import MANIFEST, Artifacts, ensure_home


@dataclass
class MergeSummary:
    """What the merged dataset holds, for the summary and `--json`."""

    name: str
    output: str
    repositories: list[str]
    pairs: dict[str, int] = field(default_factory=dict)  # split -> count
    dropped_across: int = 0  # pairs that repeated another repository's held-out pair


def merge_datasets(root: Path, name: str, inputs: Sequence[tuple[str, Path]], threshold: float) -> MergeSummary:
    """Write `root`'s `.idiom/datasets/<name>/` from `inputs` (repository label, dataset folder), holding
    `root`'s writer lock; `threshold` is the near-duplicate Jaccard similarity the builds use."""
    out = Artifacts(root).datasets / name
    if clash := merge_clash(out, [dataset for _, dataset in inputs]):
        raise InputError(clash)
    with writing(ensure_home(root), "harvest --merge"):
        pairs = {label: list(read_records(dataset / "pairs.jsonl", Pair)) for label, dataset in inputs}
        tagged = [replace(p, id=_tag(label, p.id)) for label, own in pairs.items() for p in own]
        kept_pairs, rejected = decontaminate(tagged, threshold)
        kept = {p.id for p in kept_pairs}
        summary = MergeSummary(name, str(out), [label for label, _ in inputs],
                               dict(Counter(p.split for p in kept_pairs)), len(rejected))
        with staged_dir(out) as stage:
            with (stage / "pairs.jsonl").open("wb") as rows:
                for label, dataset in inputs:
                    for row in _lines(dataset / "pairs.jsonl"):
                        record = orjson.loads(row)
                        if _tag(label, record["id"]) in kept:
                            rows.write(orjson.dumps(record | {"repository": label}) + b"\n")
            write_jsonl(stage / "rejected.jsonl", rejected)
            formats = _write_formats(stage, inputs, pairs, kept)
            atomic_write_json(stage / MANIFEST, _manifest(summary, inputs, pairs, kept, formats, rejected))
    return summary


def merge_clash(out: Path, datasets: Sequence[Path]) -> str:
    """Why the merged dataset cannot go to `out` ("" when it can): it would replace a repository's own."""
    for dataset in datasets:
        if dataset.resolve() == out.resolve():
            return (f"--merge {out.name} would replace the dataset of the repository in {dataset.parents[2]}; "
                    "choose another name")
    return ""


def _write_formats(stage: Path, inputs: Sequence[tuple[str, Path]], pairs: dict[str, list[Pair]],
                   kept: set[str]) -> dict[str, dict[str, int]]:
    """Each format × split: the inputs' rows in order, less those of dropped pairs; `fim/` only when a kept
    pair is one (as `split_rows` does for one dataset). Returns the row counts."""
    counts: dict[str, dict[str, int]] = {}
    for form in FORMATS:
        if form == "fim" and not any(takes(form, p) and _tag(label, p.id) in kept
                                     for label, own in pairs.items() for p in own):
            continue
        counts[form] = {}
        (stage / form).mkdir()
        for split in SPLITS:
            written = 0
            with (stage / form / f"{split}.jsonl").open("wb") as out:
                for label, dataset in inputs:
                    owners = [p for p in pairs[label] if p.split == split and takes(form, p)]
                    file = dataset / form / f"{split}.jsonl"
                    rows = _lines(file) if file.exists() else []
                    if len(rows) != len(owners):
                        raise InputError(f"{file} has {len(rows)} rows for {len(owners)} pairs in {dataset / 'pairs.jsonl'}; "
                                         f"rebuild it with `idiom dataset build` in that repository")
                    for row, pair in zip(rows, owners, strict=True):
                        if _tag(label, pair.id) in kept:
                            out.write(row + b"\n")
                            written += 1
            counts[form][split] = written
    return counts


def _manifest(summary: MergeSummary, inputs: Sequence[tuple[str, Path]], pairs: dict[str, list[Pair]], kept: set[str],
              formats: dict[str, dict[str, int]], rejected: Sequence[Any]) -> dict[str, Any]:
    """The inputs by their manifests' hashes (each of which hashes its harvest, which hashes its repository)."""
    listed = []
    for label, dataset in inputs:
        manifest = dataset / MANIFEST
        own = [p for p in pairs[label] if _tag(label, p.id) in kept]
        listed.append({"repository": label, "dataset": str(dataset),
                       "dataset_manifest_sha256": hashlib.sha256(manifest.read_bytes()).hexdigest(),
                       "head": orjson.loads(manifest.read_bytes())["inputs"]["head"],
                       "pairs": dict(Counter(p.split for p in own))})
    return {"tool": f"idiomatic {__version__}", "merged": True, "inputs": listed,
            "counts": {"pairs": summary.pairs, "formats": formats,
                       "rejected": dict(Counter(r.reason for r in rejected))}}


def _tag(label: str, pair_id: str) -> str:
    """A pair's id across repositories (ids are unique within one dataset only)."""
    return f"{label}/{pair_id}"


def _lines(path: Path) -> list[bytes]:
    return [line for line in path.read_bytes().splitlines() if line.strip()]
