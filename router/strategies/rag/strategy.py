"""RAG: put the code the request depends on and the team's look-alikes, each with its path and the
reason it was chosen, in the prompt; then answer. The index is opened once per version (`load`)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import replace

from harvest.store import MANIFEST, Artifacts, dataset_file
from router.config import IndexConfig, RouterConfig
from router.contracts import Completion, CompletionRequest, Message
from router.fim.prompt import is_infill
from router.strategies.base import Answer, Loaded, Strategy, file_stamp
from router.strategies.prompting import (
    SYSTEM,
    answer,
    answer_ahead,
    infill,
    infill_ahead,
    task_text,
)
from router.strategies.rag.context import (
    OpenIndex,
    Prepare,
    open_index,
    retrieval_ahead,
    retrieved,
    snippets,
    sources_of,
    with_context,
)
from router.strategies.rag.focus import Focus, focus_of_request
from router.strategies.rag.index import build_index
from router.strategies.rag.retrieve import Hit


def rag_answer(index: OpenIndex) -> Answer:
    """Answers with code retrieved from `index` in the prompt; with `rag_rounds` 2, retrieve again using
    the first draft (RepoCoder's iterative retrieval) and answer with what that finds."""
    def complete(request: CompletionRequest, config: RouterConfig) -> Completion:
        focus = focus_of_request(request)
        completion = _round(index, focus, request, config)
        for _ in range(config.rag_rounds - 1):
            completion = _round(index, replace(focus, instruction=f"{focus.instruction}\n{completion.text}"),
                                request, config)
        return completion

    return complete


def _round(index: OpenIndex, focus: Focus, request: CompletionRequest, config: RouterConfig) -> Completion:
    chosen = retrieved(index, focus, request.budget_tokens)
    if is_infill(request):  # the snippets as other files of the repository, above the prefix
        return infill("rag", request, config, snippets(chosen, index.texts), sources_of(chosen))
    return answer("rag", _messages(index, chosen, request, config), request, config, sources_of(chosen))


def _prompt_ahead(index: OpenIndex) -> Prepare:
    """The prompt `_round` sends for hits retrieved ahead, built and scrubbed as soon as they are found."""
    def prepare(chosen: list[Hit], request: CompletionRequest, config: RouterConfig) -> None:
        if is_infill(request):
            infill_ahead(request, config, snippets(chosen, index.texts))
        else:
            answer_ahead(_messages(index, chosen, request, config), request, config)

    return prepare


def _messages(index: OpenIndex, chosen: list[Hit], request: CompletionRequest,
              config: RouterConfig) -> tuple[Message, ...]:
    task = task_text(request, config.context_tokens)
    return Message("system", SYSTEM), Message("user", with_context(chosen, index.texts, task))


def index_missing(artifacts: Artifacts) -> str:
    """Why there is no index to retrieve from ("" when there is one)."""
    return "" if (artifacts.index / MANIFEST).is_file() else "no retrieval index yet; run `idiom index`"


def index_stamp(artifacts: Artifacts, index: IndexConfig) -> Hashable:
    """The index as it is now: its manifest is written last by every build, and the settings it is read with."""
    return file_stamp(artifacts.index / MANIFEST), index


def _load(artifacts: Artifacts, config: RouterConfig, index: IndexConfig) -> Loaded:
    opened = open_index(artifacts.index, index)
    return Loaded(rag_answer(opened), retrieval_ahead(opened, _prompt_ahead(opened)))


def _refresh(artifacts: Artifacts, index: IndexConfig, progress: Callable[[int], None]) -> dict[str, float]:
    """Bring the index up to date with the chosen dataset's units (only changed units are embedded again)."""
    stats = build_index(dataset_file(artifacts.dataset(option=""), "units.jsonl"), artifacts.index, index,
                        progress=progress)
    return {"units": stats.units, "embedded": stats.embedded, "kept": stats.kept, "removed": stats.deleted,
            "seconds": stats.seconds}


STRATEGY = Strategy(index_missing, lambda artifacts, config, index: index_stamp(artifacts, index), _load, _refresh)
