"""The `local` provider: transformers in-process, from a model directory (CodeLlama, the tiny model, …).

`[router] model` is the directory, `[router] adapter` an optional PEFT adapter on top; loading never
reaches a hub (`local_files_only`). Usage is counted with the model's own tokenizer; cost is the
`gpu_hour` price × time when models_file gives one for the directory, else 0.
"""

from __future__ import annotations

import time
from functools import lru_cache
from pathlib import Path
from typing import Any

from router.config import RouterConfig
from router.contracts import ChatRequest, ChatResult, Message, Usage
from router.errors import RouterError
from router.hush import quiet_transformers
from router.providers.base import cost


@lru_cache(maxsize=2)
def load(directory: str, adapter: str = "") -> tuple[Any, Any]:
    """(model, tokenizer) from a local directory, with a PEFT adapter on top if given; CUDA when there is one."""
    quiet_transformers()
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if not Path(directory, "config.json").is_file():
        raise RouterError(f"local: {directory} is not a model directory (no config.json); build one with "
                          "`idiom model tiny DIR` or point [router] model at a downloaded CodeLlama")
    tokenizer = AutoTokenizer.from_pretrained(directory, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(directory, local_files_only=True)
    if adapter:
        from peft import PeftModel

        if not Path(adapter, "adapter_config.json").is_file():
            raise RouterError(f"local: {adapter} is not a PEFT adapter (no adapter_config.json); fix [router] adapter")
        model = PeftModel.from_pretrained(model, adapter, is_trainable=False)
    model.to("cuda" if torch.cuda.is_available() else "cpu").eval()
    return model, tokenizer


def render(messages: tuple[Message, ...], tokenizer: Any) -> str:
    """The prompt text: the model's chat template when it has one, else labelled turns."""
    if getattr(tokenizer, "chat_template", None):
        return tokenizer.apply_chat_template([{"role": m.role, "content": m.content} for m in messages],
                                             tokenize=False, add_generation_prompt=True)
    return "".join(f"### {m.role}\n{m.content}\n\n" for m in messages) + "### assistant\n"


def local_generate(request: ChatRequest, config: RouterConfig) -> ChatResult:
    """Generate with the model in `request.model` (a directory), greedy at temperature 0."""
    import torch

    model, tokenizer = load(request.model, config.adapter)
    prompt = render(request.messages, tokenizer)
    inputs = tokenizer(prompt, return_tensors="pt").to(model.device)
    sampling = {"do_sample": True, "temperature": request.temperature} if request.temperature > 0 else {"do_sample": False}
    started = time.perf_counter()
    with torch.no_grad():
        output = model.generate(**inputs, max_new_tokens=request.max_tokens, pad_token_id=tokenizer.pad_token_id,
                                **sampling)
    new_tokens = output[0][inputs["input_ids"].shape[1]:]
    text = tokenizer.decode(new_tokens, skip_special_tokens=True)
    for stop in request.stop:
        text = text.split(stop, 1)[0]
    usage = Usage(int(inputs["input_ids"].shape[1]), int(len(new_tokens)))
    latency = round(time.perf_counter() - started, 4)
    metered = cost(request.model, usage, latency, config.models_file)
    return ChatResult(text, request.model, usage, metered or 0.0, latency, request.messages)
