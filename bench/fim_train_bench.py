"""FIM training on the bundled example with the tiny model (CPU): time per step with and without FIM
examples, and what the FIM share does to the loss on held-out middles and held-out instruction pairs.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/fim_train_bench.py [--steps 30] [--rates 0,0.25,0.5,0.75,0.9]

The example is built (examples/build_example.py) and harvested with `idiom harvest` into a temporary
IDIOM_HOME; a tiny Llama (`idiom model tiny`'s builder, FIM tokens included) gets its tokenizer from the
example's units. Each rate trains the same steps, batch, max_length (1,024) and seed with `train_local`, and the
adapter is then scored on the test split: the mean loss per completion token of the FIM rows (middle and
end token, in the tiny family's layout) and of the instruction rows (the prompt rendered as served). The
test split is used because the example's eval split holds one FIM row.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/: its secrets/ folder would shadow the standard library module
MAX_POSITIONS = 2048  # the tiny model's


def example_dataset(work: Path) -> Path:
    """The example built and harvested (dataset with fim rows) under `work`; the dataset folder."""
    spec = importlib.util.spec_from_file_location("build_example", ROOT / "examples" / "build_example.py")
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    repo = builder.build(work / "acme-web")
    idiom = Path(sys.executable).with_name("idiom")
    subprocess.run([str(idiom), "harvest", str(repo), "--prs", str(builder.export_path(repo))], check=True,
                   stdout=subprocess.DEVNULL)
    from harvest.store import Artifacts

    return Artifacts(repo).dataset("", option="--dataset")


def completion_loss(model: Any, tokenizer: Any, examples: list[dict[str, str]]) -> float:
    """Mean loss per completion token over prompt/completion `examples` (the prompt's tokens masked)."""
    import torch

    total = count = 0.0
    with torch.no_grad():
        for example in examples:
            prompt = tokenizer(example["prompt"])["input_ids"]
            ids = tokenizer(example["prompt"] + example["completion"])["input_ids"]
            labels = [-100] * len(prompt) + ids[len(prompt):]
            ids, labels = ids[-MAX_POSITIONS:], labels[-MAX_POSITIONS:]  # the completion is at the end
            out = model(torch.tensor([ids]), labels=torch.tensor([labels]))
            tokens = sum(label != -100 for label in labels[1:])
            total += float(out.loss) * tokens
            count += tokens
    return total / count if count else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--rates", default="0,0.25,0.5,0.75,0.9")
    parser.add_argument("--seeds", default="42")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="idiom-fim-train-bench-"))
    os.environ["IDIOM_HOME"] = str(work / "home")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from harvest.artifacts import read_json_lines
    from harvest.records import Unit, read_records
    from router.fim.families import family
    from router.models.tiny import build_tiny_model
    from router.providers.local import render
    from router.strategies.finetuned.config import FinetuneConfig
    from router.strategies.finetuned.data import prompt_messages, split_rows
    from router.strategies.finetuned.fim_data import fim_example
    from router.strategies.finetuned.local import _example, train_local

    dataset = example_dataset(work)
    tiny = build_tiny_model([u.text for u in read_records(dataset / "units.jsonl", Unit)], work / "tiny")
    tokenizer = AutoTokenizer.from_pretrained(tiny)
    fim_test = [fim_example(r, family("tiny")) for r in read_json_lines(dataset / "fim" / "test.jsonl", "")]
    instruction_test = [_example(render(prompt_messages(r["prompt"]), tokenizer), r["completion"])
                        for r in split_rows(dataset, "test")]
    print(f"example: {len(read_json_lines(dataset / 'fim' / 'train.jsonl', ''))} fim / "
          f"{len(split_rows(dataset, 'train'))} instruction training rows; test: {len(fim_test)} fim, "
          f"{len(instruction_test)} instruction")
    base = FinetuneConfig(base_model=str(tiny), max_steps=args.steps, batch_size=4, gradient_accumulation=1,
                          max_length=1024, learning_rate=3e-3, train_lm_head=True, gradient_checkpointing=False,
                          eval_steps=10_000, early_stopping_patience=0)
    untrained = AutoModelForCausalLM.from_pretrained(tiny).eval()
    print(f"untrained: fim test loss {completion_loss(untrained, tokenizer, fim_test):.3f}, instruction test loss "
          f"{completion_loss(untrained, tokenizer, instruction_test):.3f}")
    print("| fim_rate | seed | s/step | training set tokens | fim test loss | instruction test loss |")
    print("|---|---|---|---|---|---|")
    for seed in (int(s) for s in args.seeds.split(",")):
        for rate in (float(r) for r in args.rates.split(",")):
            run = work / f"run-{rate}-{seed}"
            result = train_local(dataclasses.replace(base, fim_rate=rate, seed=seed), dataset, run, run / "adapter",
                                 "lora")
            model = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(tiny), run / "adapter").eval()
            steps = result.metrics["steps"]
            print(f"| {rate} | {seed} | {result.metrics['wall_seconds'] / steps:.2f} | "
                  f"{result.metrics['train_tokens']:,} | {completion_loss(model, tokenizer, fim_test):.3f} | "
                  f"{completion_loss(model, tokenizer, instruction_test):.3f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
