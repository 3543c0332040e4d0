"""RAG-aware training data (`idiom train --rag-context`): each training and eval prompt with the team
code the index retrieves for it in front, built by the function that builds `finetuned_rag`'s prompt
(rag/context.py), so the adapter is trained on the shape it is served. The pair's own file, and every
file its completion reveals, is left out of what is retrieved: the adapter must learn to use the
context, not to copy its answer out of it."""

from __future__ import annotations

from pathlib import Path

from harvest.records import Pair
from harvest.store import Artifacts
from router.config import load_index_config
from router.contracts import CompletionRequest
from router.strategies.finetuned.config import FinetuneConfig
from router.strategies.finetuned.data import Prompter
from router.strategies.rag.context import open_index, retrieved, with_context
from router.strategies.rag.focus import focus_of_request


def context_budget(config: FinetuneConfig) -> int:
    """Tokens of retrieved code per training prompt: what a request gets when served, but at most half a
    training sequence, so the completion is never cut off by the context."""
    return min(CompletionRequest().budget_tokens, config.max_length // 2)


def rag_prompter(repo: Path, budget_tokens: int) -> Prompter:
    """A function giving a pair's training prompt with retrieved code in front (the index opened once)."""
    index = open_index(Artifacts(repo).index, load_index_config(repo))
    found: dict[tuple[str, str], str] = {}  # each pair retrieved for once: a sweep trains several runs on them

    def prompt(pair: Pair, user: str) -> str:
        if (pair.id, user) not in found:
            # The pair's instruction and context stand for the editor's request: what is retrieved for it.
            request = CompletionRequest(pair.prompt, pair.context, "", pair.path, pair.language)
            hits = retrieved(index, focus_of_request(request), budget_tokens, exclude={pair.path, *pair.files})
            found[pair.id, user] = with_context(hits, index.texts, user)
        return found[pair.id, user]

    return prompt

