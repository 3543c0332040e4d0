"""`idiom train`, end to end: pick the dataset, plan, check the hardware, train (locally or as an
OpenAI job), and register the result as the next version with its record, metrics and model card."""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harvest.atomic import atomic_write_json, atomic_write_text, staged_dir
from harvest.dataset.validate import estimate_tokens
from harvest.records import FIM_KIND, Pair, read_records
from harvest.store import Artifacts, safe_name
from router.errors import TrainingError
from router.strategies.finetuned.card import render_card
from router.strategies.finetuned.config import FinetuneConfig
from router.strategies.finetuned.data import Prompter, dataset_hash, training_rows
from router.strategies.finetuned.fim_data import fim_rows, mix_counts
from router.strategies.finetuned.plan import Plan, plan
from router.strategies.finetuned.rag_data import context_budget, rag_prompter
from router.strategies.finetuned.registry import next_version, promote, promoted
from router.strategies.finetuned.sweep import best_trial, sweep_points

ANTHROPIC = ("Anthropic has no public fine-tuning API (Claude fine-tuning is offered only through Amazon "
             "Bedrock for some models); use backend local or openai, or the few_shot and rag strategies")


@dataclass
class Trained:
    """A registered version."""

    name: str
    version: str
    folder: str
    promoted: bool
    metrics: dict[str, Any]


def plan_for(config: FinetuneConfig, method: str, dataset: Path, prompter: Prompter | None = None) -> Plan:
    """The plan on the dataset's training rows (as `prompter` rewrites them, when given) mixed with its fim rows
    at `fim_rate` (as if the base has FIM tokens: a hub name's tokenizer is not loaded to see), counted with
    the base model's tokenizer when it is local."""
    rows = training_rows(dataset, config.kinds, prompter=prompter)
    fim = fim_rows(dataset, "train") if config.fim_rate > 0 and config.backend == "local" else []
    taken, taken_fim = mix_counts(len(rows), len(fim), config.fim_rate)
    tokens = _count_tokens(config.base_model, [r["prompt"] + r["completion"] for r in rows]) * taken / len(rows)
    if taken_fim:  # the mix draws rows at random: each kind's tokens in proportion to the rows it takes
        tokens += _count_tokens(config.base_model, [r["prefix"] + r["suffix"] + r["middle"] for r in fim]) \
            * taken_fim / len(fim)
    return plan(config, method, taken + taken_fim, round(tokens))


def _count_tokens(base_model: str, texts: list[str]) -> int:
    if (Path(base_model) / "tokenizer.json").is_file() or (Path(base_model) / "tokenizer.model").is_file():
        from transformers import AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(base_model, local_files_only=True)
        return sum(len(ids) for ids in tokenizer(texts)["input_ids"]) if texts else 0
    return sum(estimate_tokens(t) for t in texts)


def train(repo: Path, config: FinetuneConfig, name: str = "", dataset_name: str = "", resume: bool = False,
          promote_new: bool = False, on_step: Callable[[int, int], None] = lambda step, total: None,
          sweep: str = "", on_status: Callable[[str, int], None] = lambda status, tokens: None,
          fim_required: bool = False) -> Trained:
    """Train `config` on the repository's dataset and register the result (the best run of a sweep);
    `fim_required` (--fim-rate given) makes training without FIM examples an error instead of a note."""
    if config.backend == "anthropic":
        raise TrainingError(ANTHROPIC)
    if config.backend not in ("local", "openai"):
        raise TrainingError(f"[finetune] backend = {config.backend!r}; valid: local, openai")
    if fim_required and config.fim_rate > 0 and config.backend != "local":
        raise TrainingError("--fim-rate trains local adapters; an OpenAI job trains on chat rows, which have no "
                            "FIM format: drop --fim-rate or use --backend local")
    if config.rag_context and config.backend != "local":
        raise TrainingError("--rag-context trains local adapters; an OpenAI job trains on the dataset's chat rows "
                            "as they are: drop --rag-context or use --backend local")
    points = sweep_points(sweep)  # read before anything is made: a bad grid must not leave a model folder
    if resume and len(points) > 1:
        raise TrainingError("--resume continues one run; re-run the sweep without it")
    if Path(config.base_model).is_dir():  # recorded for serving from anywhere, so made absolute
        config = dataclasses.replace(config, base_model=str(Path(config.base_model).resolve()))
    dataset = Artifacts(repo).dataset(dataset_name, option="--dataset")
    prompter = rag_prompter(repo, context_budget(config)) if config.rag_context else None  # the index, opened once
    folder = Artifacts(repo).models / safe_name(name or dataset.name)
    version = _pending(folder) if resume else next_version(folder)
    record: dict[str, Any] = {"name": folder.name, "version": version, "backend": config.backend,
                              "base_model": config.base_model, "dataset": dataset.name,
                              "dataset_sha256": dataset_hash(dataset), "config": dataclasses.asdict(config),
                              "trained_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    if prompter:
        record["rag_context_tokens"] = context_budget(config)
    main = os.environ.get("RANK", "0") == "0"  # under `accelerate launch` every process trains; rank 0 registers
    with staged_dir(folder / version) if main else tempfile.TemporaryDirectory() as stage_name:
        stage = Path(stage_name)
        if config.backend == "openai":
            from router.strategies.finetuned.openai_jobs import train_openai

            metrics, remote = train_openai(config, dataset, stage, on_status)
            record["fim"] = {"rate": 0, "family": "", "skipped": "an OpenAI job trains on chat rows"}
            record |= {"base_model": config.openai_model, "remote_model": remote["model"], "job": remote["job"],
                       "cost_usd": remote["cost_usd"], "system_prompt": remote["system_prompt"]}
        else:
            metrics, extra = _train_locally(config, dataset, folder / "runs" / version, stage, resume, points, on_step,
                                            prompter, fim_required)
            record |= extra
            if not main:
                return Trained(folder.name, version, "", False, metrics)
        atomic_write_json(stage / "training.json", record)
        atomic_write_json(stage / "metrics.json", metrics)
        # Trained from the instruction rows, which hold no fim pair.
        kinds = Counter(p.kind for p in read_records(dataset / "pairs.jsonl", Pair)
                        if p.split == "train" and p.kind != FIM_KIND)
        chosen = Counter({k: n for k, n in kinds.items() if not config.kinds or k in config.kinds})
        atomic_write_text(stage / "README.md", render_card(folder.name, version, record, metrics, chosen, kinds))
    shutil.rmtree(folder / "runs" / version, ignore_errors=True)
    serve = promote_new or not promoted(folder)
    if serve:
        promote(folder, version)
    return Trained(folder.name, version, str(folder / version), serve, metrics)


def _train_locally(config: FinetuneConfig, dataset: Path, run_dir: Path, stage: Path, resume: bool,
                   points: list[dict[str, Any]], on_step: Callable[[int, int], None], prompter: Prompter | None,
                   fim_required: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    """One run, or every point of a sweep with the best one's adapter kept; (metrics, record fields)."""
    from router.strategies.finetuned.local import check_hardware, resolve_method, train_local

    method = resolve_method(config)
    check_hardware(config, method, lambda: plan_for(config, method, dataset, prompter))
    if len(points) == 1:
        run = train_local(dataclasses.replace(config, **points[0]), dataset, run_dir, stage, method, resume, on_step,
                          prompter, fim_required)
        return run.metrics, {"method": method, "fim": run.fim}
    trials = [train_local(dataclasses.replace(config, **point), dataset, run_dir / f"trial-{n}",
                          stage / f"trial-{n}", method, False, on_step, prompter, fim_required)
              for n, point in enumerate(points)]
    best = best_trial([t.metrics.get("final_eval_loss") for t in trials])
    for kept in (stage / f"trial-{best}").iterdir():
        kept.rename(stage / kept.name)
    for n in range(len(trials)):
        shutil.rmtree(stage / f"trial-{n}", ignore_errors=True)
    sweep_record = [{"params": point, "final_eval_loss": t.metrics["final_eval_loss"], "steps": t.metrics["steps"]}
                    for point, t in zip(points, trials, strict=True)]
    chosen = dataclasses.replace(config, **points[best])
    return trials[best].metrics, {"method": method, "config": dataclasses.asdict(chosen), "sweep": sweep_record,
                                  "fim": trials[best].fim}


def _pending(folder: Path) -> str:
    """The version of the interrupted run to resume."""
    runs = sorted((p.name for p in (folder / "runs").iterdir() if p.is_dir()), key=lambda v: int(v[1:])) \
        if (folder / "runs").is_dir() else []
    if not runs:
        raise TrainingError(f"no interrupted run of {folder.name} to resume; run `idiom train` without --resume")
    return runs[-1]
