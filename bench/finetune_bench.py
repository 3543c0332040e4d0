"""Fine-tuning: packing against no packing on CPU, and the plan's memory model against published figures.

    python bench/finetune_bench.py [--repo fastapi+sqlmodel] [--steps 20]

1. On the snapshot's harvested pairs (../.mirror/<owner>+<name>/repo, cloned into bench/.work/), with a
   tiny model whose tokenizer is trained on the repository: the same SFT run with and without packing,
   same steps, batch and max_length, in one process. Reported: real (non-padding) tokens per second and
   the share of non-padding positions in the batches the trainer feeds (target >= 95% with packing).
2. The plan's memory estimate for QLoRA of CodeLlama-7B (r=16, q/k/v/o, 2,048 tokens, batch 1, gradient
   checkpointing), and its 4-bit weight component for Qwen2.5-7B against a published load measurement.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
MIRRORS = ROOT.parent / ".mirror"
# Qwen2.5-7B's published config.json shapes, and a measured 4-bit NF4 + double-quant load footprint
# (Suman Nath, "QLoRA: Fine-Tuning a 7B Model on a 16GB GPU", dev.to, 2026-06-21: "loaded in 4-bit.
# footprint: 5.44 GB", from `model.get_memory_footprint()`).
QWEN_7B = dict(hidden=3584, intermediate=18944, layers=28, heads=28, kv_heads=4, vocab=152064)
QWEN_MEASURED_GB = 5.44


def packing(repo: str, steps: int) -> None:
    from bench.index_bench import harvest
    from harvest.records import Unit, read_records
    from router.models.tiny import build_tiny_model
    from router.strategies.finetuned import local
    from router.strategies.finetuned.config import FinetuneConfig

    work, units_file = harvest(repo)
    dataset = units_file.parent
    tiny = build_tiny_model([u.text for u in read_records(units_file, Unit)], Path(tempfile.mkdtemp()) / "tiny")
    base = FinetuneConfig(base_model=str(tiny), max_steps=steps, batch_size=4, gradient_accumulation=1,
                          max_length=512, learning_rate=3e-3, gradient_checkpointing=False, eval_steps=10_000,
                          early_stopping_patience=0)
    print(f"1. SFT of a tiny Llama on {repo}'s training pairs, {steps} steps, batch 4, max_length 512, CPU")
    fed: dict[bool, tuple[int, int, float]] = {}  # packing -> real tokens, batch positions, train() seconds
    original = local._metrics
    for packed in (False, True):
        def measure(trainer, evaluating, seconds, packed=packed):  # count the batches the trainer really fed
            real = total = 0
            for number, batch in enumerate(trainer.get_train_dataloader()):
                if number == steps:
                    break
                mask = batch.get("attention_mask")
                total += batch["input_ids"].numel()
                real += int(mask.sum()) if mask is not None else batch["input_ids"].numel()
            fed[packed] = (real, total, seconds)
            return original(trainer, False, seconds)

        local._metrics = measure
        try:
            run_dir = Path(tempfile.mkdtemp())
            local.train_local(dataclasses.replace(base, packing=packed), dataset, run_dir, run_dir / "adapter", "lora")
        finally:
            local._metrics = original
        real, total, seconds = fed[packed]
        print(f"   packing {'on ' if packed else 'off'}: non-padding share {real / total:.1%}; "
              f"{real / seconds:,.0f} real tokens/s ({real:,} real tokens in {seconds:.1f} s of train())")
    ratio = (fed[True][0] / fed[True][2]) / (fed[False][0] / fed[False][2])
    print(f"   packing trains {ratio:.2f}x the real tokens per second of no packing, same steps (target: >= 95% "
          "non-padding with packing)")


def plan_accuracy() -> None:
    from router.strategies.finetuned.config import FinetuneConfig
    from router.strategies.finetuned.plan import QUANT_BITS, Architecture, plan

    config = FinetuneConfig(batch_size=1, max_length=2048, gradient_checkpointing=True)
    found = plan(config, "qlora", 1000, 2_000_000)
    print(f"2. plan, CodeLlama-7B QLoRA r=16 q/k/v/o, 2,048 tokens, batch 1: {found.memory_gb['total']} GB peak "
          f"({', '.join(f'{k} {v}' for k, v in found.memory_gb.items() if k != 'total')})")
    qwen = Architecture(**QWEN_7B)
    weights = (qwen.linear_params * QUANT_BITS / 8 + (qwen.total_params - qwen.linear_params) * 2) / 1024**3
    print(f"   Qwen2.5-7B 4-bit weights: plan {weights:.2f} GB against {QWEN_MEASURED_GB} GB measured "
          f"({weights / QWEN_MEASURED_GB:.2f}x)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repo", default="fastapi+sqlmodel")
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args()
    os.environ["IDIOM_HOME"] = tempfile.mkdtemp(prefix="idiom-finetune-bench-")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if (MIRRORS / args.repo / "repo").exists():
        packing(args.repo, args.steps)
    else:
        print(f"packing bench skipped: no snapshot {args.repo} under {MIRRORS}")
    plan_accuracy()
    return 0


if __name__ == "__main__":
    sys.exit(main())
