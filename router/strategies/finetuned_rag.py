"""Fine-tuned + RAG: the promoted fine-tuned model (served as `finetuned` serves it) with retrieved team
code in its prompt (retrieved as `rag` retrieves it), so the router can test "fine-tune + RAG is
strongest" per request kind. An adapter trained with `idiom train --rag-context` has seen this prompt
shape; one trained without it has not, and loading it says so once. An infill request to a version trained
with FIM examples is asked in its FIM format, the retrieved snippets as commented files above the prefix
(as `rag` infills)."""

from __future__ import annotations

import logging
from collections.abc import Hashable

from harvest.store import Artifacts
from router.config import IndexConfig, RouterConfig
from router.contracts import Completion, CompletionRequest
from router.strategies.base import Loaded, Strategy
from router.strategies.finetuned.data import trained_with_context
from router.strategies.finetuned.strategy import (
    answers_infill,
    ask,
    ask_infill,
    model_stamp,
    models_missing,
    served_model,
)
from router.strategies.prompting import task_text
from router.strategies.rag.context import (
    open_index,
    retrieval_ahead,
    retrieved,
    snippets,
    sources_of,
    with_context,
)
from router.strategies.rag.focus import focus_of_request
from router.strategies.rag.strategy import index_missing, index_stamp

LOG = logging.getLogger(__name__)
_warned: set[str] = set()  # versions already warned about in this process (each `idiom generate` loads anew)


def _missing(artifacts: Artifacts) -> str:
    return models_missing(artifacts) or index_missing(artifacts)


def _stamp(artifacts: Artifacts, config: RouterConfig, index: IndexConfig) -> Hashable:
    return model_stamp(artifacts, config), index_stamp(artifacts, index)


def _load(artifacts: Artifacts, config: RouterConfig, index_config: IndexConfig) -> Loaded:
    folder, version, record = served_model(artifacts, config)
    if not trained_with_context(record) and str(folder / version) not in _warned:
        _warned.add(str(folder / version))
        LOG.warning("finetuned_rag: %s %s was not trained with retrieved code in its prompts; train one with "
                    "`idiom train --rag-context`", folder.name, version)
    index = open_index(artifacts.index, index_config)

    def complete(request: CompletionRequest, config: RouterConfig) -> Completion:
        chosen = retrieved(index, focus_of_request(request), request.budget_tokens)
        if answers_infill(request, record):
            return ask_infill("finetuned_rag", request, config, folder, version, record,
                              snippets(chosen, index.texts), sources_of(chosen))
        task = task_text(request, config.context_tokens)
        return ask("finetuned_rag", with_context(chosen, index.texts, task), request, config, folder,
                   version, record, sources_of(chosen))

    return Loaded(complete, retrieval_ahead(index))


STRATEGY = Strategy(_missing, _stamp, _load)
