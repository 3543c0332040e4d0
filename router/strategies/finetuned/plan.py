"""`idiom train --plan`: what a fine-tuning run will cost, worked out without loading any weights.

From the base model's `config.json` (or built-in facts for the CodeLlama family): trainable LoRA
parameters exactly, their share of all parameters, estimated peak GPU memory, the dataset's tokens,
optimizer steps, and time and cost at `[finetune] tokens_per_second` and `gpu_hour_usd`.

The memory model, per component:
- weights: QLoRA stores linear layers in 4-bit NF4 plus 0.127 bits/parameter of double-quantized
  constants (Dettmers et al. 2023) and keeps embeddings, output layer and norms in bf16; LoRA keeps
  everything in bf16;
- adapters: 16 bytes per trainable parameter (fp32 weight, fp32 gradient, Adam's two fp32 moments);
- activations: with gradient checkpointing, each layer's bf16 input (s·b·h·2 bytes) plus one layer
  recomputed in full (about 34·s·b·h bytes, Korthikanti et al. 2022, with fused attention not storing
  the s² scores); without it, 34·s·b·h bytes for every layer; plus the logits (bf16 and fp32 for the
  loss: 6·s·b·vocab bytes);
- a fixed 0.75 GB for the CUDA context and allocator slack.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from harvest.artifacts import read_json
from router.errors import TrainingError
from router.strategies.finetuned.config import FinetuneConfig

GB = 1024**3
QUANT_BITS = 4 + 0.127  # NF4 weight + double-quantized constants per parameter
OVERHEAD_BYTES = 0.75 * GB


@dataclass(frozen=True)
class Architecture:
    """The shapes of a Llama-family decoder, which is all the plan needs."""

    hidden: int
    intermediate: int
    layers: int
    heads: int
    kv_heads: int
    vocab: int
    tied: bool = False

    def projections(self) -> dict[str, tuple[int, int]]:
        """(in, out) features of each linear projection in one layer."""
        kv = self.kv_heads * (self.hidden // self.heads)
        return {"q_proj": (self.hidden, self.hidden), "k_proj": (self.hidden, kv), "v_proj": (self.hidden, kv),
                "o_proj": (self.hidden, self.hidden), "gate_proj": (self.hidden, self.intermediate),
                "up_proj": (self.hidden, self.intermediate), "down_proj": (self.intermediate, self.hidden)}

    @property
    def linear_params(self) -> int:
        """Parameters in the layers' linear projections (what QLoRA quantizes)."""
        return self.layers * sum(i * o for i, o in self.projections().values())

    @property
    def total_params(self) -> int:
        """All parameters: projections, embeddings, output layer (unless tied) and RMS norms."""
        embeddings = self.vocab * self.hidden * (1 if self.tied else 2)
        return self.linear_params + embeddings + self.layers * 2 * self.hidden + self.hidden

    def lora_params(self, modules: tuple[str, ...], rank: int) -> int:
        """Trainable LoRA parameters: r·(in + out) for every adapted projection of every layer."""
        shapes = self.projections()
        unknown = sorted(set(modules) - set(shapes))
        if unknown:
            raise TrainingError(f"no projection named {', '.join(unknown)} in a Llama layer; "
                                f"valid: {', '.join(shapes)}")
        return self.layers * sum(rank * (shapes[m][0] + shapes[m][1]) for m in modules)


# Facts from the published config.json files of codellama/CodeLlama-{7,13,34}b-hf (and their Python and
# Instruct variants, which share the shapes).
CODELLAMA = {
    "7": Architecture(hidden=4096, intermediate=11008, layers=32, heads=32, kv_heads=32, vocab=32016),
    "13": Architecture(hidden=5120, intermediate=13824, layers=40, heads=40, kv_heads=40, vocab=32016),
    "34": Architecture(hidden=8192, intermediate=22016, layers=48, heads=64, kv_heads=8, vocab=32000),
}


def architecture_of(base_model: str) -> Architecture:
    """Shapes from `<base_model>/config.json`, else from the CodeLlama table by name."""
    config = Path(base_model) / "config.json"
    if config.is_file():
        shapes = ("hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads", "vocab_size")
        facts = read_json(config, "is it a Llama-family model's config.json?", **dict.fromkeys(shapes, int))
        if any(facts[key] < 1 for key in shapes):
            raise TrainingError(f"{config}: {', '.join(shapes)} must be positive; is it a Llama-family model?")
        heads = facts["num_attention_heads"]
        return Architecture(facts["hidden_size"], facts["intermediate_size"], facts["num_hidden_layers"], heads,
                            facts.get("num_key_value_heads") or heads, facts["vocab_size"],
                            bool(facts.get("tie_word_embeddings", False)))
    size = re.search(r"codellama-(7|13|34)b", base_model, re.IGNORECASE)
    if size is None:
        raise TrainingError(f"{base_model}: no config.json there and not a CodeLlama name; give the directory of a "
                            "downloaded model ([finetune] base_model)")
    return CODELLAMA[size.group(1)]


@dataclass(frozen=True)
class Plan:
    """A fine-tuning run worked out in advance."""

    base_model: str
    method: str
    total_params: int
    trainable_params: int
    trainable_share: float
    memory_gb: dict[str, float]  # weights, adapters, activations, overhead, total
    train_rows: int
    train_tokens: int
    steps: int
    hours: float
    cost_usd: float

    def text(self) -> str:
        """The plan as lines for people."""
        memory = ", ".join(f"{k} {v:.2f}" for k, v in self.memory_gb.items() if k != "total")
        return "\n".join([
            f"base {self.base_model} ({_count(self.total_params)} parameters), method {self.method}",
            f"trainable: {self.trainable_params:,} parameters ({self.trainable_share:.3%} of all)",
            f"GPU memory ≈ {self.memory_gb['total']:.1f} GB peak ({memory} GB)",
            f"data: {self.train_rows} training pairs, {self.train_tokens:,} tokens; {self.steps} optimizer steps",
            f"time ≈ {self.hours:.2f} h at the assumed throughput; cost ≈ ${self.cost_usd:.2f}",
        ])

    def as_dict(self) -> dict[str, object]:
        """The plan for `--json`."""
        return asdict(self)


def _count(parameters: int) -> str:
    return f"{parameters / 1e9:.2f} B" if parameters >= 1e9 else f"{parameters / 1e6:.2f} M"


def plan(config: FinetuneConfig, method: str, train_rows: int, train_tokens: int) -> Plan:
    """Work out the run `config` describes on `train_rows` pairs holding `train_tokens` tokens."""
    arch = architecture_of(config.base_model)
    trainable = arch.lora_params(config.modules, config.lora_r)
    if config.train_lm_head:
        trainable += arch.vocab * arch.hidden
    other = arch.total_params - arch.linear_params
    weights = arch.linear_params * QUANT_BITS / 8 + other * 2 if method == "qlora" else arch.total_params * 2
    tokens_per_step = config.max_length * config.batch_size
    per_layer = 34 * tokens_per_step * arch.hidden
    activations = (arch.layers * tokens_per_step * arch.hidden * 2 + per_layer if config.gradient_checkpointing
                   else arch.layers * per_layer) + 6 * tokens_per_step * arch.vocab
    parts = {"weights": weights, "adapters": trainable * 16, "activations": activations, "overhead": OVERHEAD_BYTES}
    memory = {k: round(v / GB, 2) for k, v in parts.items()} | {"total": round(sum(parts.values()) / GB, 2)}
    per_update = config.batch_size * config.gradient_accumulation
    per_epoch = math.ceil(train_tokens / (config.max_length * per_update)) if config.packing else \
        math.ceil(train_rows / per_update)
    steps = config.max_steps if config.max_steps > 0 else max(1, math.ceil(per_epoch * config.epochs))
    hours = train_tokens * config.epochs / config.tokens_per_second / 3600
    return Plan(config.base_model, method, arch.total_params, trainable, trainable / arch.total_params, memory,
                train_rows, train_tokens, steps, round(hours, 3), round(hours * config.gpu_hour_usd, 2))
