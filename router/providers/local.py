"""The `local` provider: transformers in-process, from a model directory (CodeLlama, the tiny model, …).

`[router] model` is the directory, `[router] adapter` an optional PEFT adapter on top; loading never
reaches a hub (`local_files_only`). Usage is counted with the model's own tokenizer; cost is the
`gpu_hour` price × time when models_file gives one for the directory, else 0. An infill request is
laid out in the FIM format of the family whose tokens the model's tokenizer has (router/fim).
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

from router.config import RouterConfig
from router.contracts import ChatRequest, ChatResult, Infill, Message, Usage
from router.errors import RouterError
from router.fim.families import family, family_of_vocabulary
from router.fim.layout import fim_text
from router.hush import quiet_transformers
from router.providers.base import cost


@lru_cache(maxsize=2)
def base_model(directory: str) -> tuple[Any, Any]:
    """(model, tokenizer) from a local directory, on CUDA when there is one; loaded once per directory."""
    quiet_transformers()
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if not Path(directory, "config.json").is_file():
        raise RouterError(f"local: {directory} is not a model directory (no config.json); build one with "
                          "`idiom model tiny DIR` or point [router] model at a downloaded CodeLlama")
    tokenizer = AutoTokenizer.from_pretrained(directory, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(directory, local_files_only=True)
    return model.to("cuda" if torch.cuda.is_available() else "cpu").eval(), tokenizer


_ADAPTED: dict[str, Any] = {}  # base directory -> its PeftModel, holding every adapter loaded so far


def load(directory: str, adapter: str = "") -> tuple[Any, Any, contextlib.AbstractContextManager[Any]]:
    """(model, tokenizer, context to generate in) with the PEFT adapter `adapter` active, if given.

    Adapters are added to one PeftModel per base and switched by name, so moving between fine-tuned
    versions never reloads the base weights; without an adapter, generation runs with adapters off.
    """
    model, tokenizer = base_model(directory)
    wrapped = _ADAPTED.get(directory)
    if wrapped is not None and wrapped.get_base_model() is not model:  # the base was reloaded since
        del _ADAPTED[directory]
        wrapped = None
    if not adapter:
        return (wrapped, tokenizer, wrapped.disable_adapter()) if wrapped is not None else \
            (model, tokenizer, contextlib.nullcontext())
    if not Path(adapter, "adapter_config.json").is_file():
        raise RouterError(f"local: {adapter} is not a PEFT adapter (no adapter_config.json); fix [router] adapter")
    from peft import PeftModel

    name = hashlib.sha256(str(Path(adapter).resolve()).encode()).hexdigest()[:12]
    if wrapped is None:
        wrapped = _ADAPTED[directory] = PeftModel.from_pretrained(model, adapter, adapter_name=name,
                                                                  is_trainable=False).eval()
    elif name not in wrapped.peft_config:
        wrapped.load_adapter(adapter, adapter_name=name, is_trainable=False)
    wrapped.set_adapter(name)
    return wrapped, tokenizer, contextlib.nullcontext()


def render(messages: tuple[Message, ...], tokenizer: Any) -> str:
    """The prompt text: the model's chat template when it has one, else labelled turns."""
    if getattr(tokenizer, "chat_template", None):
        return tokenizer.apply_chat_template([{"role": m.role, "content": m.content} for m in messages],
                                             tokenize=False, add_generation_prompt=True)
    return "".join(f"### {m.role}\n{m.content}\n\n" for m in messages) + "### assistant\n"


def _infill_prompt(infill: Infill, tokenizer: Any) -> tuple[str, tuple[str, ...]]:
    """The FIM prompt for `infill` in the family whose tokens the tokenizer has (or the one `infill` names),
    and that family's stop tokens; ("", ()) when the model has no FIM tokens, so the chat prompt is used."""
    chosen = family(infill.family) if infill.family else family_of_vocabulary(tokenizer.get_vocab())
    if chosen is None or not chosen.infills:
        return "", ()
    return fim_text(chosen, infill.prefix, infill.suffix, infill.header, infill.order), chosen.vocab_stop


def local_generate(request: ChatRequest, config: RouterConfig) -> ChatResult:
    """Generate with the model in `request.model` (a directory), greedy at temperature 0."""
    import torch

    model, tokenizer, adapters = load(request.model, config.adapter)
    sampling: dict[str, Any] = {"do_sample": True, "temperature": request.temperature} if request.temperature > 0 \
        else {"do_sample": False}
    fim, stops = _infill_prompt(request.infill, tokenizer) if request.infill else ("", ())
    prompt = fim or render(request.messages, tokenizer)
    inputs = tokenizer(prompt, return_tensors="pt").to(model.device)
    vocabulary = tokenizer.get_vocab()
    ends = [vocabulary[token] for token in stops if token in vocabulary]
    if ends:  # the family's end-of-infill tokens end generation as the end-of-sequence token does
        sampling["eos_token_id"] = [*ends, tokenizer.eos_token_id]
    started = time.perf_counter()
    with torch.no_grad(), adapters:
        output = model.generate(**inputs, max_new_tokens=request.max_tokens, pad_token_id=tokenizer.pad_token_id,
                                **sampling)
    new_tokens = output[0][inputs["input_ids"].shape[1]:]
    text = tokenizer.decode(new_tokens, skip_special_tokens=True)
    for stop in request.stop:
        text = text.split(stop, 1)[0]
    usage = Usage(int(inputs["input_ids"].shape[1]), int(len(new_tokens)))
    latency = round(time.perf_counter() - started, 4)
    metered = cost(request.model, usage, latency, config.models_file)
    return ChatResult(text, request.model, usage, metered or 0.0, latency,
                      (Message("prompt", fim),) if fim else request.messages)
