"""FIM examples for a fine-tuning run (`idiom train --fim-rate R`): the dataset's `fim/<split>.jsonl` rows in
the base model's FIM layout, mixed with the instruction rows so that a share R of the examples are FIM.

A FIM example is a prompt/completion row: the prompt is the family's layout around the prefix and suffix
(router/fim/layout.py `fim_text`, the text the `local` provider sends for an infill request), the
completion is the middle and the family's end token, so SFTTrainer's completion-only loss counts the
middle alone. The family is the one whose sentinels the base tokenizer has (`family_of_vocabulary`).
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harvest.artifacts import read_json_lines
from router.errors import TrainingError
from router.fim.families import Family, family_of_vocabulary
from router.fim.layout import ORDERS, fim_text

LOG = logging.getLogger(__name__)
SENTINEL_ROOM = 16  # tokens kept free for the BOS, the three sentinels and the end token
SUFFIX_SHARE = 0.25  # the suffix's most of the room when cutting, as the fim builder cuts (harvest/pairs/fim.py)


@dataclass(frozen=True)
class Mix:
    """What a split's training set was made of: instruction and FIM examples, and the FIM rows' orders."""

    instruction: int = 0
    fim: int = 0
    orders: dict[str, int] = field(default_factory=dict)

    def as_record(self) -> dict[str, Any]:
        """The mix as `training.json` keeps it."""
        total = self.instruction + self.fim
        return {"instruction": self.instruction, "fim": self.fim, "share": round(self.fim / total, 4) if total else 0,
                "orders": self.orders}


def fim_rows(dataset: Path, split: str) -> list[dict[str, Any]]:
    """The split's prefix/suffix/middle rows; none when the dataset was built without fim pairs."""
    path = dataset / "fim" / f"{split}.jsonl"
    return read_json_lines(path, "rebuild the dataset with `idiom dataset build`") if path.is_file() else []


def training_family(rate: float, base_model: str, vocabulary: Mapping[str, int], has_rows: bool,
                    required: bool) -> tuple[Family | None, str]:
    """The family whose FIM layout the examples take and ""; or None and why there are no FIM examples (said
    in one line, or an error when `required`: the rate was asked for on the command line)."""
    if rate <= 0:
        return None, "fim_rate is 0"
    found = family_of_vocabulary(vocabulary)
    why = (f"the tokenizer of {base_model} has no FIM tokens of a family in router/fim/families.yml" if found is None
           else "" if has_rows else "the dataset has no fim rows in its training split (harvested with fim = false?)")
    if not why:
        return found, ""
    if required:
        raise TrainingError(f"--fim-rate {rate}: {why}; drop --fim-rate to train on instruction pairs alone")
    LOG.warning("training without fill-in-the-middle examples: %s", why)
    return None, why


def fitted(rows: Sequence[dict[str, Any]], max_tokens: int, count: Callable[[Sequence[str]], list[int]]
           ) -> list[dict[str, Any]]:
    """The rows cut to fit `max_tokens` tokens as examples: an over-long row loses its prefix's first lines
    and its suffix's last lines (the suffix keeping at most a quarter of the room), since a packed sequence
    truncates the end of an example, which is where the middle is. A row whose middle alone does not fit is
    left out. `count` gives the token counts of texts (each line counted alone, which never counts fewer)."""
    kept = []
    for row in rows:
        prefix, suffix, middle = count([row["prefix"], row["suffix"], row["middle"]])
        room = max_tokens - SENTINEL_ROOM - middle
        if room < 0:
            continue
        if prefix + suffix > room:
            row = row | _cut(row["prefix"], row["suffix"], room, count)
        kept.append(row)
    return kept


def _cut(prefix: str, suffix: str, room: int, count: Callable[[Sequence[str]], list[int]]) -> dict[str, str]:
    before, after = prefix.splitlines(keepends=True), suffix.splitlines(keepends=True)
    sizes = count(before + after) if before or after else []
    suffix_room, used, taken = int(room * SUFFIX_SHARE), 0, 0
    for size in sizes[len(before):]:
        if used + size > suffix_room:
            break
        used, taken = used + size, taken + 1
    prefix_room, first = room - used, len(before)
    for size in reversed(sizes[:len(before)]):
        if size > prefix_room:
            break
        prefix_room, first = prefix_room - size, first - 1
    return {"prefix": "".join(before[first:]), "suffix": "".join(after[:taken])}


def end_text(family: Family) -> str:
    """The family's end-of-middle token as text that tokenizes to it: its first stop, with the space its
    tokenizer entry carries in front (CodeLlama's piece is `▁<EOT>`, a space and the sentinel)."""
    text = family.stop[0]
    return " " + text if family.vocab_stop and family.vocab_stop[0] == "▁" + text else text


def fim_example(row: Mapping[str, Any], family: Family) -> dict[str, str]:
    """One FIM row as a prompt/completion example in `family`'s layout and the row's order."""
    order = row.get("order") if row.get("order") in ORDERS else "psm"
    return {"prompt": fim_text(family, row["prefix"], row["suffix"], "", order),
            "completion": row["middle"] + end_text(family)}


def mix_counts(instruction: int, fim: int, rate: float) -> tuple[int, int]:
    """How many of `instruction` and of `fim` examples the mix takes for a FIM share `rate`: whichever kind is
    short sets the size, and the other is drawn down to keep the share."""
    if rate <= 0 or not fim:
        return instruction, 0
    total = min(instruction / (1 - rate) if rate < 1 else float("inf"), fim / rate)
    wanted_fim = min(fim, round(total * rate))
    return min(instruction, round(total - wanted_fim)), wanted_fim


def mixed(instruction: list[dict[str, str]], fim: list[dict[str, Any]], family: Family, rate: float,
          seed: int) -> tuple[list[dict[str, str]], Mix]:
    """The largest set of examples with exactly a share `rate` (rounded to whole examples) of FIM ones, drawn
    from `instruction` (prompt/completion examples) and `fim` (rows) by `seed`; shuffled together, so
    packing puts both kinds in each sequence."""
    if rate <= 0 or not fim:
        return instruction, Mix(len(instruction))
    wanted_instruction, wanted_fim = mix_counts(len(instruction), len(fim), rate)
    draw = random.Random(seed)
    chosen_fim = draw.sample(fim, wanted_fim)
    examples = draw.sample(instruction, wanted_instruction) + [fim_example(r, family) for r in chosen_fim]
    draw.shuffle(examples)
    orders = Counter(r.get("order") if r.get("order") in ORDERS else "psm" for r in chosen_fim)
    return examples, Mix(wanted_instruction, wanted_fim, dict(sorted(orders.items())))
