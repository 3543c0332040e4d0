"""Serving a version without Idiomatic's provider: a merged full model, or a vLLM multi-LoRA server."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from router.errors import TrainingError
from router.hush import quiet_transformers
from router.strategies.finetuned.registry import describe, promoted, versions
from router.strategies.finetuned.strategy import lora_module_name


def merge_version(version_dir: Path, out: Path) -> Path:
    """Fold the adapter into its base (`merge_and_unload`) and save model and tokenizer in `out`."""
    record = describe(version_dir)
    if record["backend"] != "local":
        raise TrainingError(f"{version_dir.name} is a remote {record['backend']} model; there are no weights to merge")
    quiet_transformers()
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    local_only = Path(record["base_model"]).is_dir()
    try:
        base = AutoModelForCausalLM.from_pretrained(record["base_model"], local_files_only=local_only)
        merged = PeftModel.from_pretrained(base, str(version_dir)).merge_and_unload()
        tokenizer = AutoTokenizer.from_pretrained(record["base_model"], local_files_only=local_only)
    except (OSError, ValueError) as exc:  # transformers' and the hub's ways of saying the files are not there
        raise TrainingError(f"cannot load {version_dir.name} of {version_dir.parent.name} on its base model "
                            f"{record['base_model']} ({str(exc).splitlines()[0]}); put the base model back there "
                            "or train the version again") from None
    merged.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def vllm_command(folder: Path, port: int) -> str:
    """The `vllm serve` command for every local version of the model in `folder`, and the router block."""
    local = [v for v in versions(folder) if describe(folder / v)["backend"] == "local"]
    if not local:
        raise TrainingError(f"{folder.name} has no local (LoRA) versions to serve with vLLM")
    # Every value from the registry is quoted: training.json may come from someone else's repository, and a
    # base_model of `x; rm -rf ~` must stay one argument of the command the user pastes into a shell.
    base = shlex.quote(str(describe(folder / local[-1])["base_model"]))
    modules = " ".join(shlex.quote(f"{lora_module_name(folder.name, v)}={(folder / v).resolve()}") for v in local)
    served = lora_module_name(folder.name, promoted(folder) or local[-1])
    return (f"vllm serve {base} --enable-lora --max-lora-rank 64 --port {port} \\\n  --lora-modules {modules}\n\n"
            f"# idiom.toml: the finetuned strategy then asks the server for {json.dumps(served)}\n"
            f"[router]\nprovider = \"openai\"\nbase_url = \"http://127.0.0.1:{port}/v1\"\n"
            f"finetuned_model = {json.dumps(folder.name)}\n")
