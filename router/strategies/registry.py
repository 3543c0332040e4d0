"""The strategies by name, each answering a CompletionRequest from the repository's artifacts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from harvest.store import Artifacts, dataset_file
from router.config import IndexConfig, RouterConfig
from router.contracts import Completion, CompletionRequest
from router.errors import RouterError
from router.strategies.few_shot import few_shot
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


STRATEGIES: dict[str, Callable[[CompletionRequest, Path, RouterConfig, IndexConfig], Completion]] = {
    "few_shot": _few_shot,
    "rag": _rag,
    "finetuned": _finetuned,
}


def strategy(name: str) -> Callable[[CompletionRequest, Path, RouterConfig, IndexConfig], Completion]:
    """The strategy registered as `name`, or an error listing the ones there are."""
    if name not in STRATEGIES:
        raise RouterError(f"unknown strategy {name!r}; valid strategies: {', '.join(STRATEGIES)}")
    return STRATEGIES[name]
