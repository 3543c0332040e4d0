"""`idiom train --sweep "lr=1e-4,2e-4 r=8,16 epochs=3,5"`: a small grid of local runs, best by eval loss."""

from __future__ import annotations

import itertools
from typing import Any

from router.errors import TrainingError

FIELDS = {"lr": ("learning_rate", float), "r": ("lora_r", int), "alpha": ("lora_alpha", int),
          "epochs": ("epochs", float), "max_steps": ("max_steps", int), "dropout": ("lora_dropout", float)}


def sweep_points(text: str) -> list[dict[str, Any]]:
    """Every combination of the grid, as [finetune] field changes; [{}] for no sweep."""
    axes = []
    for part in text.split():
        key, _, values = part.partition("=")
        if key not in FIELDS or not values:
            raise TrainingError(f"--sweep: {part!r} is not KEY=V1,V2 with KEY one of {', '.join(FIELDS)}")
        name, kind = FIELDS[key]
        try:
            axes.append([(name, kind(v)) for v in values.split(",") if v])
        except ValueError:
            raise TrainingError(f"--sweep: {part!r} has a value that is not a {kind.__name__}") from None
    return [dict(point) for point in itertools.product(*axes)] if axes else [{}]


def best_trial(losses: list[float | None]) -> int:
    """Index of the lowest eval loss; a sweep needs an eval split to compare runs."""
    if any(loss is None for loss in losses):
        raise TrainingError("a sweep compares runs by eval loss, and the dataset has no eval split")
    return min(range(len(losses)), key=lambda i: losses[i])
