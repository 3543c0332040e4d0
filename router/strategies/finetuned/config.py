"""`[finetune]`: how `idiom train` fine-tunes, with CodeLlama-7B QLoRA defaults (trl-style field help)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harvest.config import load_section, read_toml, setting

ATTENTION = ("q_proj", "k_proj", "v_proj", "o_proj")
ALL_LINEAR = ATTENTION + ("gate_proj", "up_proj", "down_proj")


@dataclass(frozen=True)
class FinetuneConfig:
    """`[finetune]`: base model, LoRA shape, schedule, and the figures the plan prices time with."""

    backend: str = setting("local (transformers + peft + trl on this machine's GPU or CPU) or openai (OpenAI's "
                           "fine-tuning jobs). Anthropic offers no public fine-tuning API.", "local",
                           choices=("local", "openai", "anthropic"))
    base_model: str = setting("Hub name or local directory of the base model (local backend); loading never "
                              "downloads unless the name is a hub name and a hub is reachable.",
                              "codellama/CodeLlama-7b-hf")
    method: str = setting("auto (QLoRA when CUDA is present, LoRA otherwise), lora, or qlora (4-bit NF4 base with "
                          "double quantization and bf16 compute; needs CUDA).", "auto",
                          choices=("auto", "lora", "qlora"))
    lora_r: int = setting("LoRA rank.", 16, low=1, high=1024)
    lora_alpha: int = setting("LoRA scaling numerator (the update is scaled by alpha / r).", 32, low=1)
    lora_dropout: float = setting("Dropout on the LoRA input.", 0.05, low=0, high=0.9)
    target_modules: tuple[str, ...] = setting("Projections that get adapters: the attention ones by default; "
                                              "all_linear = true adds the MLP ones.", ATTENTION)
    all_linear: bool = setting("Adapt every linear projection (q/k/v/o and gate/up/down).", False)
    train_lm_head: bool = setting("Also train the output layer in full (modules_to_save); helps a randomly "
                                  "initialised base such as the tiny model, wasteful on CodeLlama.", False)
    learning_rate: float = setting("Peak learning rate.", 2e-4, low=1e-8, high=1)
    epochs: float = setting("Passes over the training split.", 3.0, low=0.01, high=100)
    max_steps: int = setting("Stop after this many optimizer steps (-1 = run all epochs).", -1, low=-1)
    batch_size: int = setting("Sequences per device per step.", 4, low=1)
    gradient_accumulation: int = setting("Steps accumulated before each optimizer update.", 4, low=1)
    scheduler: str = setting("Learning-rate schedule (transformers names: cosine, linear, constant, …).", "cosine")
    warmup_ratio: float = setting("Share of steps spent warming the learning rate up.", 0.03, low=0, high=1)
    gradient_checkpointing: bool = setting("Recompute activations in backward to save memory.", True)
    packing: bool = setting("Pack several examples into each max_length sequence (no padding waste).", True)
    max_length: int = setting("Tokens per training sequence.", 2048, low=16)
    eval_steps: int = setting("Evaluate (and checkpoint) every this many steps.", 50, low=1)
    early_stopping_patience: int = setting("Stop after this many evaluations without a better eval loss "
                                           "(0 = never stop early).", 3, low=0)
    seed: int = setting("Seed for weights, data order and dropout.", 42, low=0)
    kinds: tuple[str, ...] = setting("Train on these pair kinds only (component, hook, test, config, …); "
                                     "empty = all. Grow a model kind by kind, each run a new version.", ())
    rag_context: bool = setting("Train with retrieved team code in each prompt (from the index; the pair's own file "
                                "left out), the prompt the finetuned_rag strategy sends (local backend).", False)
    fim_rate: float = setting("Share of the training examples that are fill-in-the-middle rows (the dataset's fim/ "
                              "rows in the base tokenizer's FIM format, loss on the middle only), the rest instruction "
                              "pairs; 0 = instruction pairs only. A base without FIM tokens trains without them. "
                              "The default is the measured one (bench/RESULTS.md, FIM training).",
                              0.25, low=0, high=1)
    gpu_hour_usd: float = setting("GPU price per hour, for the plan's cost estimate.", 1.10, low=0)
    tokens_per_second: float = setting("Training throughput assumed by the plan (tokens/s on your GPU).", 3000.0, low=1)
    openai_model: str = setting("Base model of an OpenAI fine-tuning job.", "gpt-4o-mini-2024-07-18")
    openai_batch_size: int = setting("OpenAI job batch_size (0 = OpenAI's choice).", 0, low=0)
    openai_lr_multiplier: float = setting("OpenAI job learning_rate_multiplier (0 = OpenAI's choice).", 0.0, low=0)
    poll_seconds: float = setting("Seconds between status checks of a remote job.", 10.0, low=0)

    @property
    def modules(self) -> tuple[str, ...]:
        """The projections that get adapters."""
        return ALL_LINEAR if self.all_linear else self.target_modules


def load_finetune_config(repo: Path) -> FinetuneConfig:
    """The `[finetune]` section for `repo`, with IDIOM_FINETUNE_* overrides."""
    return load_section(read_toml(repo), "finetune", FinetuneConfig)
