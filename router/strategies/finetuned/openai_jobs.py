"""`idiom train --backend openai`: an OpenAI fine-tuning job from the dataset's chat JSONL.

Validate with `idiom dataset validate`'s rules, estimate cost (tokens × epochs × price), upload the
training and eval files, create a supervised job with the hyperparameters, poll until it ends, and
record its events, checkpoints and metrics. The SDK honours OPENAI_BASE_URL (a proxy or a local test
server). Every file sent was scrubbed of secrets when the dataset was built.
"""

from __future__ import annotations

import math
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from harvest.dataset.validate import model_facts, validate_path
from router.errors import TrainingError
from router.strategies.finetuned.config import FinetuneConfig
from router.strategies.finetuned.data import split_rows

FINAL = ("succeeded", "failed", "cancelled")


def train_openai(config: FinetuneConfig, dataset: Path, stage: Path,
                 on_status: Callable[[str, int], None] = lambda status, tokens: None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run the job; returns (metrics, remote facts: model id, job id, cost, system prompt)."""
    import openai

    if not os.environ.get("OPENAI_API_KEY"):
        raise TrainingError("openai: OPENAI_API_KEY is not set; export it to create fine-tuning jobs")
    epochs = max(1, math.ceil(config.epochs))
    with tempfile.TemporaryDirectory(dir=stage) as scratch:
        files = {split: _split_file(dataset, split, config.kinds, Path(scratch)) for split in ("train", "eval")}
        if files["train"] is None:
            raise TrainingError(f"no training pairs in {dataset / 'openai'} for these kinds; check --kinds")
        report = validate_path(files["train"], config.openai_model, epochs=epochs)
        problems = [e for f in report.files for e in f.errors]
        if problems:
            raise TrainingError(f"the training file breaks OpenAI's rules ({len(problems)} problems), first: "
                                f"{problems[0]}; see `idiom dataset validate`")
        client = openai.OpenAI(max_retries=2)
        try:
            uploaded = {split: client.files.create(file=path.open("rb"), purpose="fine-tune").id
                        for split, path in files.items() if path is not None}
            hyper: dict[str, Any] = {"n_epochs": epochs,
                                     "batch_size": config.openai_batch_size or "auto",
                                     "learning_rate_multiplier": config.openai_lr_multiplier or "auto"}
            job = client.fine_tuning.jobs.create(
                model=config.openai_model, training_file=uploaded["train"], validation_file=uploaded.get("eval"),
                method={"type": "supervised", "supervised": {"hyperparameters": hyper}}, seed=config.seed,
                suffix=dataset.name[:18])
            while job.status not in FINAL:
                on_status(job.status, job.trained_tokens or 0)
                time.sleep(config.poll_seconds)
                job = client.fine_tuning.jobs.retrieve(job.id)
            events = [{"at": e.created_at, "level": e.level, "message": e.message}
                      for e in client.fine_tuning.jobs.list_events(job.id, limit=100)]
            checkpoints = [{"id": c.id, "step": c.step_number, "model": c.fine_tuned_model_checkpoint,
                            "metrics": c.metrics.model_dump(exclude_none=True)}
                           for c in client.fine_tuning.jobs.checkpoints.list(job.id)]
        except openai.APIError as exc:
            raise TrainingError(f"openai: {type(exc).__name__}: {getattr(exc, 'message', exc)}; "
                                "check the key, the model name and your fine-tuning quota") from None
    on_status(job.status, job.trained_tokens or 0)
    if job.status != "succeeded":
        reason = job.error.message if job.error and job.error.message else job.status
        raise TrainingError(f"OpenAI fine-tuning job {job.id} {job.status}: {reason}")
    price = model_facts(config.openai_model).training_per_1m
    trained_tokens = job.trained_tokens or report.billed_tokens
    metrics = {"train_loss": [(c["step"], c["metrics"]["train_loss"]) for c in sorted(checkpoints, key=lambda c: c["step"])
                              if "train_loss" in c["metrics"]],
               "eval_loss": [(c["step"], c["metrics"]["valid_loss"]) for c in sorted(checkpoints, key=lambda c: c["step"])
                             if "valid_loss" in c["metrics"]],
               "train_tokens": trained_tokens, "estimated_cost_usd": report.cost_usd, "events": events,
               "checkpoints": checkpoints, "wall_seconds": (job.finished_at or job.created_at) - job.created_at}
    remote = {"model": job.fine_tuned_model, "job": job.id, "cost_usd": round(trained_tokens / 1e6 * price, 4),
              "system_prompt": _system_prompt(dataset)}
    return metrics, remote


def _split_file(dataset: Path, split: str, kinds: tuple[str, ...], scratch: Path) -> Path | None:
    """The chat JSONL of `split` (only `kinds` when given); None when it has no rows."""
    rows = split_rows(dataset, split, kinds, form="openai")
    if not rows:
        return None
    if not kinds:
        return dataset / "openai" / f"{split}.jsonl"
    path = scratch / f"{split}.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    return path


def _system_prompt(dataset: Path) -> str:
    """The system prompt the training rows carry, which serving must send too."""
    rows = split_rows(dataset, "train", form="openai")
    return next((m["content"] for m in rows[0]["messages"] if m.get("role") == "system"), "") if rows else ""
