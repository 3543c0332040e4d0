"""RAG: put the code the request depends on and the team's look-alikes, each with its path and the
reason it was chosen, in the prompt; then answer."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from router.config import IndexConfig, RouterConfig
from router.contracts import Completion, CompletionRequest, Message
from router.strategies.prompting import SYSTEM, answer, task_text
from router.strategies.rag.context import OpenIndex, open_index, retrieved, sources_of, with_context
from router.strategies.rag.focus import Focus, focus_of_request


def rag(request: CompletionRequest, config: RouterConfig, index_folder: Path, index_config: IndexConfig) -> Completion:
    """Answer `request` with retrieved team code in the prompt; with `rag_rounds` 2, retrieve again using
    the first draft (RepoCoder's iterative retrieval) and answer with what that finds."""
    index = open_index(index_folder, index_config)
    focus = focus_of_request(request)
    completion = _round(index, focus, request, config)
    for _ in range(config.rag_rounds - 1):
        completion = _round(index, replace(focus, instruction=f"{focus.instruction}\n{completion.text}"),
                            request, config)
    return completion


def _round(index: OpenIndex, focus: Focus, request: CompletionRequest, config: RouterConfig) -> Completion:
    chosen = retrieved(index, focus, request.budget_tokens)
    messages = (Message("system", SYSTEM), Message("user", with_context(chosen, index.texts, task_text(request))))
    return answer("rag", messages, request, config, sources_of(chosen))
