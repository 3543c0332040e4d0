"""Fine-tuned + RAG: the promoted fine-tuned model (served as `finetuned` serves it) with retrieved team
code in its prompt (retrieved as `rag` retrieves it), so the router can test "fine-tune + RAG is
strongest" per request kind. An adapter trained with `idiom train --rag-context` has seen this prompt
shape; one trained without it has not, and serving it here says so once."""

from __future__ import annotations

import logging
from pathlib import Path

from router.config import IndexConfig, RouterConfig
from router.contracts import Completion, CompletionRequest
from router.strategies.finetuned.data import trained_with_context
from router.strategies.finetuned.strategy import ask, promoted_record
from router.strategies.prompting import task_text
from router.strategies.rag.context import open_index, retrieved, sources_of, with_context
from router.strategies.rag.focus import focus_of_request

LOG = logging.getLogger(__name__)
_warned: set[str] = set()  # versions already warned about: the editor asks many times a minute


def finetuned_rag(request: CompletionRequest, config: RouterConfig, folder: Path, index_folder: Path,
                  index_config: IndexConfig) -> Completion:
    """Answer `request` with the promoted version of the model in `folder`, retrieved code in the prompt."""
    version, record = promoted_record(folder)
    if not trained_with_context(record) and str(folder / version) not in _warned:
        _warned.add(str(folder / version))
        LOG.warning("finetuned_rag: %s %s was not trained with retrieved code in its prompts; train one with "
                    "`idiom train --rag-context`", folder.name, version)
    index = open_index(index_folder, index_config)
    chosen = retrieved(index, focus_of_request(request), request.budget_tokens)
    return ask("finetuned_rag", with_context(chosen, index.texts, task_text(request)), request, config, folder,
               version, record, sources_of(chosen))
