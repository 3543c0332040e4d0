"""Pairs built directly for the tests of the pair stages (filters, dedup, split, formats)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from harvest.dataset.formats import split_rows
from harvest.records import FIM_KIND, Pair

FUNCTION = """\
def total_price(items, discount=0):
    subtotal = sum(item.price * item.quantity for item in items)
    if discount:
        subtotal -= subtotal * discount / 100
    return round(subtotal, 2)
"""


def pair(completion: str = FUNCTION, kind: str = "function", path: str = "shop/cart.py", *, id: str = "",
         files: tuple[str, ...] = (), date: str = "", split: str = "", prompt: str = "Write total_price",
         context: str = "", weight: float = 1.0) -> Pair:
    """A Pair with sensible defaults; `id` defaults to kind + path + completion length."""
    return Pair(id=id or f"{kind}-{path}-{len(completion)}", kind=kind, language="python", path=path, prompt=prompt,
                completion=completion, context=context, date=date, files=files or (path,), split=split, weight=weight)


def write_splits(out: Path, pairs: Sequence[Pair], system_prompt: str) -> dict[str, dict[str, int]]:
    """Every format × split file of `pairs` in `out`, as a dataset build writes them; the row counts."""
    with split_rows(out, system_prompt, any(p.kind == FIM_KIND for p in pairs)) as rows:
        for p in pairs:
            rows.write(p)
    return rows.counts
