"""Training data for a fine-tuning run: the dataset's TRL (or OpenAI chat) rows of a split, optionally
only some pair kinds, and the prompt format the model is trained with and later served with."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harvest.artifacts import read_json_lines
from harvest.dataset.formats import takes
from harvest.records import Pair, read_records
from router.contracts import Message
from router.errors import TrainingError

Prompter = Callable[[Pair, str], str]  # a pair's training prompt from the one its row holds (rag_data.py)


def split_rows(dataset: Path, split: str, kinds: tuple[str, ...] = (), form: str = "trl",
               prompter: Prompter | None = None) -> list[dict[str, Any]]:
    """Rows of `<dataset>/<form>/<split>.jsonl`, only those of `kinds` when given, each prompt rewritten by
    `prompter` when given (a "trl" row's prompt).

    Rows are written in the order of the split's pairs in `pairs.jsonl`, which carry the kind.
    """
    path = dataset / form / f"{split}.jsonl"
    if not path.is_file():
        raise TrainingError(f"no {path}; build the dataset with `idiom harvest` or `idiom dataset build`")
    rows = read_json_lines(path, "rebuild the dataset with `idiom dataset build`")
    if not kinds and prompter is None:
        return rows
    pairs = [p for p in read_records(dataset / "pairs.jsonl", Pair) if p.split == split and takes(form, p)]
    if len(pairs) != len(rows):
        raise TrainingError(f"{path} and pairs.jsonl disagree ({len(rows)} rows, {len(pairs)} pairs); "
                            "rebuild the dataset with `idiom dataset build`")
    return [row | {"prompt": prompter(pair, row["prompt"])} if prompter else row
            for row, pair in zip(rows, pairs, strict=True) if not kinds or pair.kind in kinds]


def training_rows(dataset: Path, kinds: tuple[str, ...] = (), form: str = "trl",
                  prompter: Prompter | None = None) -> list[dict[str, Any]]:
    """The training split's rows (only those of `kinds` when given); none is an error: nothing to train on."""
    rows = split_rows(dataset, "train", kinds, form, prompter)
    if not rows:
        which = f" of kinds {', '.join(kinds)}" if kinds else ""
        raise TrainingError(f"no training pairs{which} in {dataset}; check --kinds or harvest more history")
    return rows


def dataset_hash(dataset: Path) -> str:
    """The dataset manifest's hash: which data a version was trained on."""
    manifest = dataset / "manifest.json"
    return hashlib.sha256(manifest.read_bytes()).hexdigest() if manifest.is_file() else ""


def prompt_messages(user: str) -> tuple[Message, ...]:
    """What a fine-tuned model is asked: the request alone, no examples (what makes it cheap)."""
    return (Message("user", user),)


def trained_with_context(record: dict[str, Any]) -> bool:
    """Whether a version's training record says its prompts carried retrieved code (`--rag-context`)."""
    config = record.get("config")
    return bool(isinstance(config, dict) and config.get("rag_context"))


def trained_fim_family(record: dict[str, Any]) -> str:
    """The FIM family a version's training examples were laid out in ("" when it was trained without FIM)."""
    fim = record.get("fim")
    return str(fim.get("family") or "") if isinstance(fim, dict) else ""


def trained_fim_share(record: dict[str, Any]) -> float:
    """The share of FIM examples in a version's training set (0 without FIM)."""
    fim = record.get("fim")
    train = fim.get("train") if isinstance(fim, dict) else None
    return float(train.get("share", 0)) if isinstance(train, dict) else 0.0
