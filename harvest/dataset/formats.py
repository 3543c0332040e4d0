"""The export formats of a pair, and writing every format × split as JSONL.

Instruction pairs go to the three instruction formats; `fim` pairs only to `fim/`, as prefix/suffix/middle
rows (with the path, language, span type and order a FIM prompt builder may use), since they have no
instruction: a model family's FIM tokens are applied when training reads them. Rows carry only what each
format defines; the pair's metadata (kind, path, commit, weight) stays in `pairs.jsonl`, because OpenAI's
fine-tuning API rejects unknown top-level keys. A format's rows follow the order of its pairs in `pairs.jsonl`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from harvest.records import FIM_KIND, Pair

SPLITS = ("train", "eval", "test")


def user_message(pair: Pair) -> str:
    """The instruction, followed by its context when it has one."""
    return f"{pair.prompt}\n\n{pair.context}" if pair.context else pair.prompt


def _openai(pair: Pair, system: str) -> dict[str, Any]:
    """OpenAI chat fine-tuning: system, user, assistant messages."""
    return {"messages": [{"role": "system", "content": system}, {"role": "user", "content": user_message(pair)},
                         {"role": "assistant", "content": pair.completion}]}


def _trl(pair: Pair, _system: str) -> dict[str, Any]:
    """TRL's prompt/completion dataset: SFTTrainer trains on the completion only."""
    return {"prompt": user_message(pair), "completion": pair.completion}


def _instruct(pair: Pair, _system: str) -> dict[str, Any]:
    """Alpaca-style instruction, input and output."""
    return {"instruction": pair.prompt, "input": pair.context, "output": pair.completion}


def _fim(pair: Pair, _system: str) -> dict[str, Any]:
    """Fill-in-the-middle: the code before and after the span, the span, and how the pair was cut."""
    return {"prefix": pair.prefix, "suffix": pair.suffix, "middle": pair.completion, "path": pair.path,
            "language": pair.language, "span": pair.span, "order": pair.order}


FORMATS: dict[str, Callable[[Pair, str], dict[str, Any]]] = {"openai": _openai, "trl": _trl, "instruct": _instruct,
                                                             "fim": _fim}


def takes(name: str, pair: Pair) -> bool:
    """Whether format `name` holds `pair`: `fim` the fim pairs, the others every other pair."""
    return (name == "fim") == (pair.kind == FIM_KIND)


@contextmanager
def split_rows(out: Path, system_prompt: str, with_fim: bool) -> Iterator[SplitRows]:
    """The files `out/<format>/<split>.jsonl` of every format and split, empty ones too (`fim/` only `with_fim`,
    when there are fim pairs: a dataset built without them has no training file to check), open for a pair's
    rows at a time. `out` is a staged folder (harvest/atomic.py `staged_dir`), so they are written in place."""
    names = [name for name in FORMATS if with_fim or name != "fim"]
    with ExitStack() as stack:
        files: dict[tuple[str, str], BinaryIO] = {}
        for name in names:
            (out / name).mkdir(parents=True, exist_ok=True)
            for split in SPLITS:
                files[name, split] = stack.enter_context((out / name / f"{split}.jsonl").open("wb"))
        yield SplitRows(files, system_prompt, {name: dict.fromkeys(SPLITS, 0) for name in names})


@dataclass
class SplitRows:
    """Open format × split files; each pair's rows go to the files of its split, row by row (not a split
    rendered as one text: a long history's train split is most of its pairs' text)."""

    files: dict[tuple[str, str], BinaryIO]
    system_prompt: str
    counts: dict[str, dict[str, int]]  # format -> split -> rows written

    def write(self, pair: Pair) -> None:
        """Write `pair`'s row to each format that takes it, in its split's file."""
        for name, counts in self.counts.items():
            if takes(name, pair) and (name, pair.split) in self.files:
                self.files[name, pair.split].write(orjson.dumps(FORMATS[name](pair, self.system_prompt)) + b"\n")
                counts[pair.split] += 1
