"""Few-shot: the team's own prompt/completion pairs as worked examples before the request.

Examples come from the dataset's training pairs of the request's language, most similar first (by
shared identifiers with the request), at most one per file so they show range, within the token budget.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable

from harvest.config import FIM_CONTEXT_TOKENS
from harvest.records import FIM_KIND, Pair, read_records
from harvest.store import Artifacts, dataset_file
from router.config import IndexConfig, RouterConfig
from router.contracts import Completion, CompletionRequest, Message
from router.fim.layout import Snippet
from router.fim.prompt import is_infill
from router.strategies.base import Answer, Loaded, Strategy, file_stamp
from router.strategies.prompting import SYSTEM, answer, fits, infill, task_text
from router.strategies.rag.lexical import tokens

MAX_EXAMPLES = 4


def choose_examples(pairs: list[Pair], request: CompletionRequest,
                    context_tokens: int = FIM_CONTEXT_TOKENS) -> list[Pair]:
    """Similar pairs of the same language, one per file, best first, that fit the budget; similar to the
    request as its prompt shows it (`context_tokens` of code around the cursor)."""
    wanted = set(tokens(task_text(request, context_tokens)))
    candidates = [p for p in pairs if p.split == "train" and (not request.language or p.language == request.language)
                  and p.kind not in ("commit", "commit-message", FIM_KIND)]

    def similarity(pair: Pair) -> float:
        have = _identifiers(pair.prompt, pair.path)
        return len(wanted & have) / (len(wanted | have) or 1)

    chosen: list[Pair] = []
    seen_paths: set[str] = set()
    for pair in sorted(candidates, key=lambda p: (-similarity(p), p.id)):
        if pair.path not in seen_paths:
            chosen.append(pair)
            seen_paths.add(pair.path)
        if len(chosen) == MAX_EXAMPLES:
            break
    keep = fits([p.prompt + p.completion for p in chosen], request.budget_tokens)
    return chosen[:keep]


@functools.lru_cache(maxsize=16384)
def _identifiers(prompt: str, path: str) -> frozenset[str]:
    """A pair's words, tokenized once: every request compares itself with every pair."""
    return frozenset(tokens(prompt + " " + path))


def few_shot_answer(pairs: tuple[Pair, ...]) -> Answer:
    """Answers with team examples chosen from `pairs` (a dataset's pairs.jsonl) in the prompt."""
    def complete(request: CompletionRequest, config: RouterConfig) -> Completion:
        examples = choose_examples(list(pairs), request, config.context_tokens)
        sources = tuple(f"{p.path} ({p.kind})" for p in examples)
        if is_infill(request):  # the examples' code as other files of the repository, above the prefix
            return infill("few_shot", request, config, [Snippet(p.path, p.completion) for p in examples], sources)
        messages = [Message("system", SYSTEM)]
        for pair in examples:
            messages += [Message("user", pair.prompt), Message("assistant", pair.completion)]
        messages.append(Message("user", task_text(request, config.context_tokens)))
        return answer("few_shot", tuple(messages), request, config, sources)

    return complete


def _missing(artifacts: Artifacts) -> str:
    """No dataset at all (several with none chosen is `load`'s error: the editor shows how to choose)."""
    return "" if artifacts.dataset_names() else artifacts.dataset_problem(option="")


def _stamp(artifacts: Artifacts, config: RouterConfig, index: IndexConfig) -> Hashable:
    """The pairs file of the dataset `Artifacts` chooses (no flag names one here), as it is now."""
    chosen = artifacts.find_dataset()
    return file_stamp(chosen / "pairs.jsonl") if chosen else None


def _load(artifacts: Artifacts, config: RouterConfig, index: IndexConfig) -> Loaded:
    return Loaded(few_shot_answer(tuple(read_records(dataset_file(artifacts.dataset(option=""), "pairs.jsonl"), Pair))))


STRATEGY = Strategy(_missing, _stamp, _load)
