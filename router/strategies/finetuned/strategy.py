"""The `finetuned` strategy: the promoted version of a registered model answers a short prompt.

A local adapter is served by the `local` provider on its base model (adapters switch without
reloading the base), or by an OpenAI-compatible server running it as a LoRA module (vLLM
`--enable-lora`: `[router] provider = "openai"` with a `base_url`); an OpenAI fine-tune by its model id.
Which version is promoted is read once per change of the model's registry (`load`). An infill request
(code around the cursor, no instruction) is asked in the model's FIM format when the promoted version was
trained with FIM examples (`idiom train --fim-rate`, recorded in training.json); otherwise it gets the
instruction prompt the version was trained on.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any

from harvest.store import Artifacts
from router.config import IndexConfig, RouterConfig
from router.contracts import Completion, CompletionRequest, Message
from router.errors import TrainingError
from router.fim.layout import Snippet
from router.fim.prompt import is_infill
from router.strategies.base import Loaded, Strategy, file_stamp
from router.strategies.finetuned.data import prompt_messages, trained_fim_family
from router.strategies.finetuned.registry import describe, model_folder, promoted, promoted_models
from router.strategies.prompting import answer, infill, task_text


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
    if record["backend"] == "openai" and record.get("system_prompt"):
        messages = (Message("system", record["system_prompt"]), *messages)
    return answer(strategy, messages, request, _serving(config, folder, version, record),
                  (_label(folder, version, record), *sources))


def answers_infill(request: CompletionRequest, record: dict[str, Any]) -> bool:
    """Whether `request` is an infill request and the version was trained to answer one in its FIM format."""
    return is_infill(request) and bool(trained_fim_family(record))


def ask_infill(strategy: str, request: CompletionRequest, config: RouterConfig, folder: Path, version: str,
               record: dict[str, Any], context: Sequence[Snippet] = (), sources: tuple[str, ...] = ()) -> Completion:
    """Send the infill `request` to `version` in the FIM format of the family it was trained in, with `context`
    as commented file headers in front of the prefix; the version comes first in the sources."""
    serving = dataclasses.replace(_serving(config, folder, version, record), fim_family=trained_fim_family(record))
    return infill(strategy, request, serving, context, (_label(folder, version, record), *sources))


def _serving(config: RouterConfig, folder: Path, version: str, record: dict[str, Any]) -> RouterConfig:
    """`config` pointed at wherever `version` is served."""
    if record["backend"] == "openai":
        return dataclasses.replace(config, provider="openai", model=record["remote_model"], base_url="")
    if config.provider == "openai" and config.base_url:
        return dataclasses.replace(config, model=lora_module_name(folder.name, version))
    return dataclasses.replace(config, provider="local", model=record["base_model"], adapter=str(folder / version))


def _label(folder: Path, version: str, record: dict[str, Any]) -> str:
    return f"{folder.name} {version} ({record['backend']})"


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


def _load(artifacts: Artifacts, config: RouterConfig, index: IndexConfig) -> Loaded:
    folder, version, record = served_model(artifacts, config)

    def complete(request: CompletionRequest, config: RouterConfig) -> Completion:
        if answers_infill(request, record):
            return ask_infill("finetuned", request, config, folder, version, record)
        return ask("finetuned", task_text(request, config.context_tokens), request, config, folder, version, record)

    return Loaded(complete)


STRATEGY = Strategy(models_missing, lambda artifacts, config, index: model_stamp(artifacts, config), _load)
