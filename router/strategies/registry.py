"""The strategies by name, each answering a CompletionRequest from the repository's artifacts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from harvest.store import complete_artifacts, dataset_file, idiom_home
from router.config import IndexConfig, RouterConfig
from router.contracts import Completion, CompletionRequest
from router.errors import RouterError
from router.strategies.few_shot import few_shot
from router.strategies.rag.index import indexed_dataset
from router.strategies.rag.strategy import rag


def request_datasets(repo: Path) -> list[Path]:
    """The repository's datasets; of several, only the one the index was built from, when it names one
    (without an index, which to use is the user's call)."""
    home = idiom_home(repo)
    datasets = [home / "datasets" / name for name in complete_artifacts(home / "datasets")]
    indexed = indexed_dataset(home / "index") if len(datasets) > 1 else None
    return [indexed] if indexed in datasets else datasets


def _few_shot(request: CompletionRequest, repo: Path, config: RouterConfig, index: IndexConfig) -> Completion:
    """Team examples from the dataset's training pairs."""
    datasets = request_datasets(repo)
    if not datasets:
        raise RouterError(f"no dataset for {repo}; run `idiom harvest {repo}` first")
    if len(datasets) > 1:
        raise RouterError(f"several datasets for {repo} ({', '.join(d.name for d in datasets)}); "
                          "run `idiom index` on the one to use")
    return few_shot(request, config, dataset_file(datasets[0], "pairs.jsonl").parent)


def _rag(request: CompletionRequest, repo: Path, config: RouterConfig, index: IndexConfig) -> Completion:
    """Retrieved team code from the index."""
    return rag(request, config, idiom_home(repo) / "index", index)


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
