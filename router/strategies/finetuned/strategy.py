"""The `finetuned` strategy: the promoted version of a registered model answers a short prompt.

A local adapter is served by the `local` provider on its base model (adapters switch without
reloading the base), or by an OpenAI-compatible server running it as a LoRA module (vLLM
`--enable-lora`: `[router] provider = "openai"` with a `base_url`); an OpenAI fine-tune by its model id.
Which version is promoted is read once per change of the model's registry (`load`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable
from pathlib import Path
from typing import Any

from harvest.store import Artifacts
from router.config import IndexConfig, RouterConfig
from router.contracts import Completion, CompletionRequest, Message
from router.errors import TrainingError
from router.strategies.base import Answer, Strategy, file_stamp
from router.strategies.finetuned.data import prompt_messages
from router.strategies.finetuned.registry import describe, model_folder, promoted, promoted_models
from router.strategies.prompting import answer, task_text


def lora_module_name(name: str, version: str) -> str:
    """The name a vLLM server knows a version's adapter by (`--lora-modules NAME=PATH`)."""
    return f"{name}-{version}"


def promoted_record(folder: Path) -> tuple[str, dict[str, Any]]:
    """The promoted version of the model in `folder` and its training record; an error when none is promoted."""
    version = promoted(folder)
    if not version:
        raise TrainingError(f"{folder.name} has no promoted version; run `idiom models promote {folder.name} vN`")
    return version, describe(folder / version)


def ask(strategy: str, user: str, request: CompletionRequest, config: RouterConfig, folder: Path, version: str,
        record: dict[str, Any], sources: tuple[str, ...] = ()) -> Completion:
    """Send `user` (the prompt the version was trained on) to `version` of the model in `folder`, wherever
    it is served; the version comes first in the sources, then `sources`."""
    messages = prompt_messages(user)
    if record["backend"] == "openai":
        serving = dataclasses.replace(config, provider="openai", model=record["remote_model"], base_url="")
        messages = (Message("system", record.get("system_prompt", "")), *messages) if record.get("system_prompt") \
            else messages
    elif config.provider == "openai" and config.base_url:
        serving = dataclasses.replace(config, model=lora_module_name(folder.name, version))
    else:
        serving = dataclasses.replace(config, provider="local", model=record["base_model"],
                                      adapter=str(folder / version))
    return answer(strategy, messages, request, serving, (f"{folder.name} {version} ({record['backend']})", *sources))


def served_model(artifacts: Artifacts, config: RouterConfig) -> tuple[Path, str, dict[str, Any]]:
    """The model `[router] finetuned_model` names (the only one when empty), its promoted version and record."""
    folder = model_folder(artifacts.repo, config.finetuned_model)
    return (folder, *promoted_record(folder))


def models_missing(artifacts: Artifacts) -> str:
    """Why no fine-tuned model can be served ("" when one has a promoted version)."""
    return "" if promoted_models(artifacts.models) else "no promoted fine-tuned model; run `idiom train`"


def model_stamp(artifacts: Artifacts, config: RouterConfig) -> Hashable:
    """The served model's registry (which version is promoted) as it is now, and the setting naming it."""
    return file_stamp(model_folder(artifacts.repo, config.finetuned_model) / "registry.json"), config.finetuned_model


def _load(artifacts: Artifacts, config: RouterConfig, index: IndexConfig) -> Answer:
    folder, version, record = served_model(artifacts, config)

    def complete(request: CompletionRequest, config: RouterConfig) -> Completion:
        return ask("finetuned", task_text(request), request, config, folder, version, record)

    return complete


STRATEGY = Strategy(models_missing, lambda artifacts, config, index: model_stamp(artifacts, config), _load)
