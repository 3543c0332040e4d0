"""The export formats load with 🤗 datasets exactly as written."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from datasets import load_dataset

from harvest.dataset.formats import FORMATS
from tests.harvest.pairs_helpers import pair, write_splits

ODD = 'def quote():\n    return "\\"caf\xe9\\" \\\\ 日本"  # tabs\there\n'


def _pairs() -> list:
    splits = ["train"] * 20 + ["eval"] * 5
    instructions = [pair(ODD if n == 3 else f"def f{n}():\n    return {n}\n", path=f"m{n}.py", id=f"p{n}", split=s,
                         context="ctx" if n % 2 else "", prompt=f"Write f{n}") for n, s in enumerate(splits)]
    spans = [dataclasses.replace(p, id=f"fim-{p.id}", kind="fim", completion=f"return {n}", prefix=ODD + "    ",
                                 suffix="\n", span="line", order=("psm", "spm")[n % 2])
             for n, p in enumerate(instructions)]
    return [p for both in zip(instructions, spans, strict=True) for p in both]


def test_every_file_loads_unchanged_with_datasets(tmp_path: Path) -> None:
    counts = write_splits(tmp_path / "out", _pairs(), "You write code like the team.")
    assert counts == {name: {"train": 20, "eval": 5, "test": 0} for name in FORMATS}
    fim = [json.loads(line) for line in (tmp_path / "out" / "fim" / "train.jsonl").read_text().splitlines()]
    assert fim[1] == {"prefix": ODD + "    ", "suffix": "\n", "middle": "return 1", "path": "m1.py",
                      "language": "python", "span": "line", "order": "spm"}
    trl = [json.loads(line) for line in (tmp_path / "out" / "trl" / "train.jsonl").read_text().splitlines()]
    assert trl[1]["prompt"] == "Write f1\n\nctx"  # instruction rows hold no fim pair
    for name in FORMATS:
        for split in ("train", "eval"):
            path = tmp_path / "out" / name / f"{split}.jsonl"
            written = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
            loaded = load_dataset("json", data_files=str(path), split="train", cache_dir=str(tmp_path / "cache"))
            assert [dict(row) for row in loaded] == written
        assert (tmp_path / "out" / name / "test.jsonl").read_text() == ""


def test_rows_hold_only_what_each_format_defines() -> None:
    p = pair(context="the context", prompt="Write it")
    assert FORMATS["openai"](p, "sys")["messages"] == [
        {"role": "system", "content": "sys"}, {"role": "user", "content": "Write it\n\nthe context"},
        {"role": "assistant", "content": p.completion}]
    assert FORMATS["trl"](p, "sys") == {"prompt": "Write it\n\nthe context", "completion": p.completion}
    assert FORMATS["instruct"](p, "sys") == {"instruction": "Write it", "input": "the context", "output": p.completion}
    assert all(render.__doc__ for render in FORMATS.values())
