"""The model families' infilling facts (families.yml) as records, and which family a model name belongs to.

Serving reads this table: the OpenAI-compatible provider to lay out a raw FIM prompt or send `suffix`, the
local provider to recognise a family in a tokenizer, and the `[router] fim_family` setting for its choices.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from harvest.yamltext import load_yaml
from router.errors import RouterError

CHAT = "chat"  # the family with no FIM tokens: the fragment instruction on the chat endpoint


@dataclass(frozen=True)
class Family:
    """One model family: its sentinels (as text and as the tokenizer spells them), layouts and stops."""

    name: str
    prefix: str = ""
    suffix: str = ""
    middle: str = ""
    vocab: tuple[str, str, str] = ("", "", "")  # (prefix, suffix, middle) as tokenizer entries
    psm: str = ""
    spm: str = ""
    stop: tuple[str, ...] = ()
    vocab_stop: tuple[str, ...] = ()  # the stop tokens as tokenizer entries
    takes_suffix: bool = False
    models: tuple[str, ...] = ()

    @property
    def infills(self) -> bool:
        """Whether the family has FIM tokens at all (every family but `chat`)."""
        return bool(self.psm)


def _family(name: str, row: Mapping[str, Any]) -> Family:
    tokens = row.get("tokens", {})
    vocab = row.get("vocab", tokens)
    return Family(name, tokens.get("prefix", ""), tokens.get("suffix", ""), tokens.get("middle", ""),
                  (vocab.get("prefix", ""), vocab.get("suffix", ""), vocab.get("middle", "")),
                  row.get("psm", ""), row.get("spm", ""), tuple(row.get("stop", ())),
                  tuple(vocab.get("stop", row.get("stop", ()))), bool(row.get("suffix")),
                  tuple(row.get("models", ())))


@lru_cache(maxsize=1)
def families() -> dict[str, Family]:
    """Every family in families.yml, by name, in the file's order (the first matching pattern wins)."""
    table = load_yaml(Path(__file__).with_name("families.yml").read_text(encoding="utf-8"))
    return {name: _family(name, row) for name, row in table.items()}


def family(name: str) -> Family:
    """The family called `name`, or an error listing the ones there are."""
    table = families()
    if name not in table:
        raise RouterError(f"unknown model family {name!r}; valid families: {', '.join(table)}")
    return table[name]


def family_of_model(model: str) -> Family:
    """The family whose name patterns match `model` (a served name or a directory); `chat` when none does."""
    for candidate in families().values():
        if any(re.search(pattern, model, re.IGNORECASE) for pattern in candidate.models):
            return candidate
    return families()[CHAT]


def family_of_vocabulary(vocabulary: Mapping[str, int]) -> Family | None:
    """The family whose three sentinels are all entries of a tokenizer's `vocabulary`, or None."""
    for candidate in families().values():
        if candidate.infills and all(token in vocabulary for token in candidate.vocab):
            return candidate
    return None
