"""The strategies by name, each answering a CompletionRequest from the repository's artifacts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from harvest.store import Artifacts, dataset_file
from router.config import IndexConfig, RouterConfig
from router.contracts import Completion, CompletionRequest
from router.errors import RouterError
from router.strategies.few_shot import few_shot
from router.strategies.plain import plain
from router.strategies.rag.strategy import rag


def _few_shot(request: CompletionRequest, repo: Path, config: RouterConfig, index: IndexConfig) -> Completion:
    """Team examples from the training pairs of the dataset `Artifacts` chooses (no flag names one here)."""
    return few_shot(request, config, dataset_file(Artifacts(repo).dataset(option=""), "pairs.jsonl").parent)


def _rag(request: CompletionRequest, repo: Path, config: RouterConfig, index: IndexConfig) -> Completion:
    """Retrieved team code from the index."""
    return rag(request, config, Artifacts(repo).index, index)


def _finetuned(request: CompletionRequest, repo: Path, config: RouterConfig, index: IndexConfig) -> Completion:
    """The promoted version of the team's fine-tuned model."""
    from router.strategies.finetuned.registry import model_folder
    from router.strategies.finetuned.strategy import finetuned

    return finetuned(request, config, model_folder(repo, config.finetuned_model))


def _plain(request: CompletionRequest, repo: Path, config: RouterConfig, index: IndexConfig) -> Completion:
    """The base model with the instruction alone: the control the others' uplift is measured against."""
    return plain(request, config)


def _finetuned_rag(request: CompletionRequest, repo: Path, config: RouterConfig, index: IndexConfig) -> Completion:
    """The promoted fine-tuned model with retrieved team code from the index in its prompt."""
    from router.strategies.finetuned.registry import model_folder
    from router.strategies.finetuned_rag import finetuned_rag

    return finetuned_rag(request, config, model_folder(repo, config.finetuned_model), Artifacts(repo).index, index)


STRATEGIES: dict[str, Callable[[CompletionRequest, Path, RouterConfig, IndexConfig], Completion]] = {
    "few_shot": _few_shot,
    "rag": _rag,
    "finetuned": _finetuned,
    "finetuned_rag": _finetuned_rag,
    "plain": _plain,
}


def strategy(name: str) -> Callable[[CompletionRequest, Path, RouterConfig, IndexConfig], Completion]:
    """The strategy registered as `name`, or an error listing the ones there are."""
    if name not in STRATEGIES:
        raise RouterError(f"unknown strategy {name!r}; valid strategies: {', '.join(STRATEGIES)}")
    return STRATEGIES[name]
