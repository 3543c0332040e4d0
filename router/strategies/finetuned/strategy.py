"""The `finetuned` strategy: the promoted version of a registered model answers a short prompt.

A local adapter is served by the `local` provider on its base model (adapters switch without
reloading the base), or by an OpenAI-compatible server running it as a LoRA module (vLLM
`--enable-lora`: `[router] provider = "openai"` with a `base_url`); an OpenAI fine-tune by its model id.
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
from router.strategies.finetuned.registry import (
    describe,
    model_folder,
    promoted,
    promoted_models,
)
from router.strategies.prompting import answer, task_text


def lora_module_name(name: str, version: str) -> str:
    """The name a vLLM server knows a version's adapter by (`--lora-modules NAME=PATH`)."""
    return f"{name}-{version}"


def served_version(folder: Path) -> tuple[str, dict[str, Any]]:
    """The promoted version of the model in `folder` and its training record."""
    version = promoted(folder)
    if not version:
        raise TrainingError(f"{folder.name} has no promoted version; run `idiom models promote {folder.name} vN`")
    return version, describe(folder / version)


def serving(config: RouterConfig, folder: Path, version: str, record: dict[str, Any],
            messages: tuple[Message, ...]) -> tuple[RouterConfig, tuple[Message, ...]]:
    """Who serves the version, and the messages as it expects them: a local adapter on its base model, a
    vLLM LoRA module, or an OpenAI fine-tune (with the system prompt it was trained with)."""
    if record["backend"] == "openai":
        remote = dataclasses.replace(config, provider="openai", model=record["remote_model"], base_url="")
        system = record.get("system_prompt", "")
        return remote, ((Message("system", system), *messages) if system else messages)
    if config.provider == "openai" and config.base_url:
        return dataclasses.replace(config, model=lora_module_name(folder.name, version)), messages
    return dataclasses.replace(config, provider="local", model=record["base_model"],
                               adapter=str(folder / version)), messages


def finetuned_answer(folder: Path, version: str, record: dict[str, Any]) -> Answer:
    """Answers with `version` of the model in `folder`, from a short prompt."""
    def complete(request: CompletionRequest, config: RouterConfig) -> Completion:
        served, messages = serving(config, folder, version, record, prompt_messages(task_text(request)))
        return answer("finetuned", messages, request, served, (f"{folder.name} {version} ({record['backend']})",))

    return complete


def models_missing(artifacts: Artifacts) -> str:
    """Why no fine-tuned model can be served ("" when one has a promoted version)."""
    return "" if promoted_models(artifacts.models) else "no promoted fine-tuned model; run `idiom train`"


def model_stamp(artifacts: Artifacts, config: RouterConfig) -> Hashable:
    """The served model's registry (which version is promoted) as it is now, and the setting naming it."""
    return file_stamp(model_folder(artifacts.repo, config.finetuned_model) / "registry.json"), config.finetuned_model


def _load(artifacts: Artifacts, config: RouterConfig, index: IndexConfig) -> Answer:
    folder = model_folder(artifacts.repo, config.finetuned_model)
    return finetuned_answer(folder, *served_version(folder))


STRATEGY = Strategy(models_missing, lambda artifacts, config, index: model_stamp(artifacts, config), _load)
