"""Local fine-tuning: LoRA (any machine) or QLoRA (CUDA) of a causal LM with transformers + peft + trl.

SFTTrainer trains on the dataset's prompt/completion rows with the loss on completion tokens only,
packed into `max_length` sequences, evaluating every `eval_steps` on the eval split, keeping the best
checkpoint by eval loss and stopping early when it no longer improves. Checkpoints live in the run
folder, so `--resume` continues a crashed run. The prompt is rendered exactly as the `local`
provider renders it at serving time.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from router.errors import TrainingError
from router.hush import quiet_transformers
from router.providers.local import render
from router.strategies.finetuned.config import FinetuneConfig
from router.strategies.finetuned.data import Prompter, prompt_messages, split_rows, training_rows
from router.strategies.finetuned.fim_data import Mix, fim_rows, fitted, mixed, training_family
from router.strategies.finetuned.plan import Plan, architecture_of

CPU_LIMIT_PARAMS = 2e9  # bases above this are GPU work; a CPU would take days


@dataclass
class LocalRun:
    """What a local run produced (the adapter itself is saved in `adapter_dir`)."""

    method: str
    metrics: dict[str, Any] = field(default_factory=dict)
    fim: dict[str, Any] = field(default_factory=dict)  # the FIM mix, as training.json records it


def resolve_method(config: FinetuneConfig) -> str:
    """`auto` → qlora on CUDA, lora elsewhere; an explicit choice stands."""
    import torch

    if config.method not in ("auto", "lora", "qlora"):
        raise TrainingError(f"[finetune] method = {config.method!r}; valid: auto, lora, qlora")
    if config.method != "auto":
        return config.method
    return "qlora" if torch.cuda.is_available() else "lora"


def check_hardware(config: FinetuneConfig, method: str, plan_text: Callable[[], Plan]) -> None:
    """Stop before loading weights when the run needs CUDA and there is none, showing the plan."""
    import torch

    if torch.cuda.is_available():
        return
    total = architecture_of(config.base_model).total_params
    if method == "qlora" or total > CPU_LIMIT_PARAMS:
        why = "QLoRA's 4-bit kernels need CUDA" if method == "qlora" else \
            f"a {total / 1e9:.1f} B-parameter base is GPU work"
        raise TrainingError(f"no CUDA device here and {why}; run on a GPU machine (plan below), or train a small "
                            f"local model with method = \"lora\".\n{plan_text().text()}")


def quantization(method: str) -> Any:
    """bitsandbytes 4-bit NF4 with double quantization and bf16 compute for QLoRA; None for LoRA."""
    if method != "qlora":
        return None
    import torch
    from transformers import BitsAndBytesConfig

    return BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
                              bnb_4bit_compute_dtype=torch.bfloat16 if torch.cuda.is_available() else torch.float32)


def train_local(config: FinetuneConfig, dataset: Path, run_dir: Path, adapter_dir: Path, method: str,
                resume: bool = False, on_step: Callable[[int, int], None] = lambda step, total: None,
                prompter: Prompter | None = None, fim_required: bool = False) -> LocalRun:
    """Fine-tune `config.base_model` on `dataset` as `sft_trainer` sets it up; checkpoints in `run_dir`, the
    final adapter in `adapter_dir`."""
    trainer, fim = sft_trainer(config, dataset, run_dir, method, on_step, prompter, fim_required)
    started = time.perf_counter()
    checkpoint = _last_checkpoint(run_dir / "checkpoints") if resume else None
    if resume and checkpoint is None:
        raise TrainingError(f"nothing to resume in {run_dir}; run `idiom train` without --resume")
    trainer.train(resume_from_checkpoint=checkpoint)
    seconds = time.perf_counter() - started
    metrics = _metrics(trainer, trainer.eval_dataset is not None, seconds)
    trainer.model.save_pretrained(str(adapter_dir))
    return LocalRun(method, metrics, fim)


def sft_trainer(config: FinetuneConfig, dataset: Path, run_dir: Path, method: str,
                on_step: Callable[[int, int], None] = lambda step, total: None, prompter: Prompter | None = None,
                fim_required: bool = False) -> tuple[Any, dict[str, Any]]:
    """The SFTTrainer for `config.base_model` on `dataset` (prompts rewritten by `prompter` when given: RAG-aware
    training), a share `fim_rate` of the examples FIM rows in the tokenizer's family format (an error when that
    is impossible and `fim_required`), and the FIM mix as training.json records it."""
    quiet_transformers()
    import torch
    from datasets import Dataset
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer, EarlyStoppingCallback, TrainerCallback
    from transformers.trainer_callback import PrinterCallback
    from trl import SFTConfig, SFTTrainer

    local_only = Path(config.base_model).is_dir()
    tokenizer = AutoTokenizer.from_pretrained(config.base_model, local_files_only=local_only)
    if tokenizer.eos_token is None:
        raise TrainingError(f"{config.base_model}: the tokenizer has no eos_token; SFT needs one to end completions")
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token

    def count(texts: Sequence[str]) -> list[int]:
        return [len(ids) for ids in tokenizer(list(texts), add_special_tokens=False)["input_ids"]] if texts else []

    fim_train = fitted(fim_rows(dataset, "train"), config.max_length, count)
    family, skipped = training_family(config.fim_rate, config.base_model, tokenizer.get_vocab(), bool(fim_train),
                                      fim_required)

    def rows(found: list[dict[str, Any]], fim: list[dict[str, Any]]) -> tuple[Any, Mix]:
        examples = [_example(render(prompt_messages(r["prompt"]), tokenizer), r["completion"]) for r in found]
        if family is not None:
            examples, mix = mixed(examples, fim, family, config.fim_rate, config.seed)
        else:
            mix = Mix(len(examples))
        return (Dataset.from_list(examples) if examples else None), mix

    train, mix = rows(training_rows(dataset, config.kinds, prompter=prompter), fim_train)
    evaluation, _ = rows(split_rows(dataset, "eval", config.kinds, prompter=prompter),
                         fitted(fim_rows(dataset, "eval"), config.max_length, count))
    fim_record = {"rate": config.fim_rate, "family": family.name, "train": mix.as_record()} if family else \
        {"rate": 0, "family": "", "skipped": skipped}
    cuda = torch.cuda.is_available()
    # A 4-bit model must be placed on its process's GPU when each process of `accelerate launch` loads one.
    placement = {"": int(os.environ.get("LOCAL_RANK", "0"))} if method == "qlora" and cuda else None
    model = AutoModelForCausalLM.from_pretrained(
        config.base_model, local_files_only=local_only, quantization_config=quantization(method),
        dtype=torch.bfloat16 if cuda else torch.float32, device_map=placement)
    lora = LoraConfig(r=config.lora_r, lora_alpha=config.lora_alpha, lora_dropout=config.lora_dropout,
                      target_modules=list(config.modules), task_type="CAUSAL_LM",
                      modules_to_save=["lm_head"] if config.train_lm_head else None)
    evaluating = evaluation is not None
    args = SFTConfig(
        output_dir=str(run_dir / "checkpoints"), num_train_epochs=config.epochs, max_steps=config.max_steps,
        per_device_train_batch_size=config.batch_size, per_device_eval_batch_size=config.batch_size,
        gradient_accumulation_steps=config.gradient_accumulation, learning_rate=config.learning_rate,
        lr_scheduler_type=config.scheduler, warmup_steps=config.warmup_ratio,
        gradient_checkpointing=config.gradient_checkpointing, packing=config.packing, max_length=config.max_length,
        completion_only_loss=True, eval_strategy="steps" if evaluating else "no", eval_steps=config.eval_steps,
        save_strategy="steps", save_steps=config.eval_steps, save_total_limit=2,
        load_best_model_at_end=evaluating, metric_for_best_model="eval_loss", greater_is_better=False,
        logging_steps=max(1, config.eval_steps // 5), seed=config.seed, data_seed=config.seed,
        report_to="none", use_cpu=not cuda, bf16=cuda, disable_tqdm=True)
    callbacks: list[Any] = [_progress_callback(on_step, TrainerCallback)]
    if evaluating and config.early_stopping_patience > 0:
        callbacks.append(EarlyStoppingCallback(early_stopping_patience=config.early_stopping_patience))
    trainer = SFTTrainer(model=model, args=args, train_dataset=train, eval_dataset=evaluation,
                         processing_class=tokenizer, peft_config=lora, callbacks=callbacks)
    trainer.remove_callback(PrinterCallback)  # progress is ours (rich); metrics go to metrics.json
    return trainer, fim_record


def _example(prompt: str, completion: str) -> dict[str, str]:
    """A prompt/completion row whose boundary is a token boundary: the prompt's trailing newline moves to
    the completion, so byte-level BPE cannot merge it with the completion's first characters (which would
    train on a prompt that differs from the one served)."""
    head = prompt.rstrip("\n")
    return {"prompt": head, "completion": prompt[len(head):] + completion}


def _last_checkpoint(folder: Path) -> str | None:
    found = sorted(folder.glob("checkpoint-*"), key=lambda p: int(p.name.rsplit("-", 1)[1])) if folder.is_dir() else []
    return str(found[-1]) if found else None


def _metrics(trainer: Any, evaluating: bool, seconds: float) -> dict[str, Any]:
    """Loss curves, eval loss and perplexity of the base model against the adapter, tokens, wall time."""
    history = trainer.state.log_history
    metrics: dict[str, Any] = {
        "train_loss": [(h["step"], round(h["loss"], 4)) for h in history if "loss" in h],
        "eval_loss": [(h["step"], round(h["eval_loss"], 4)) for h in history if "eval_loss" in h],
        "steps": trainer.state.global_step,
        "train_tokens": sum(len(ids) for ids in trainer.train_dataset["input_ids"]),
        "wall_seconds": round(seconds, 1),
    }
    if evaluating:
        tuned = trainer.evaluate()["eval_loss"]
        with trainer.model.disable_adapter():
            base = trainer.evaluate()["eval_loss"]
        metrics |= {"final_eval_loss": round(tuned, 4), "base_eval_loss": round(base, 4),
                    "perplexity": round(math.exp(min(tuned, 50)), 3), "base_perplexity": round(math.exp(min(base, 50)), 3)}
    return metrics


def _progress_callback(on_step: Callable[[int, int], None], base: type) -> Any:
    """A TrainerCallback reporting each optimizer step (its base class comes from the lazy import)."""

    class Progress(base):  # type: ignore[misc, valid-type]
        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            on_step(state.global_step, state.max_steps)

    return Progress()
