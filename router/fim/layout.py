"""The infill prompt text: a pure function of (family, prefix, suffix, context, order).

Context (retrieved snippets, few-shot examples) goes in front of the prefix as commented file headers in
the file's language, the way repository-level completion prompts carry other files (RepoCoder,
CrossCodeEval): the model sees them as comments at the top of the file it completes, and the prefix
still runs straight into the hole.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from router.fim.comments import commented
from router.fim.families import Family

ORDERS = ("psm", "spm")  # prefix-suffix-middle, suffix-prefix-middle
_SLOT = re.compile(r"\{(prefix|suffix)\}")


@dataclass(frozen=True)
class Snippet:
    """One piece of context for an infill prompt: where it comes from and its code."""

    path: str
    text: str


def context_header(context: Sequence[Snippet], language: str) -> str:
    """The snippets as commented headers (each under a `path:` line), ending with a newline; "" for none."""
    if not context:
        return ""
    blocks = [commented(f"{snippet.path}:\n{snippet.text.rstrip()}", language) for snippet in context]
    return "\n\n".join(blocks) + "\n\n"


def fim_text(family: Family, prefix: str, suffix: str, header: str = "", order: str = "psm") -> str:
    """The raw prompt for `family`: its layout for `order` with the prefix (behind `header`) and the suffix
    put in once each; text inside them that looks like a slot is left alone."""
    if not family.infills:
        raise ValueError(f"the {family.name} family has no FIM layout")
    layout = family.spm if order == "spm" else family.psm
    values = {"prefix": header + prefix, "suffix": suffix}
    return _SLOT.sub(lambda match: values[match.group(1)], layout)
