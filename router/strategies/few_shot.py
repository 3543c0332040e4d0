"""Few-shot: the team's own prompt/completion pairs as worked examples before the request.

Examples come from the dataset's training pairs of the request's language, most similar first (by
shared identifiers with the request), at most one per file so they show range, within the token budget.
"""

from __future__ import annotations

import functools
from pathlib import Path

from harvest.records import Pair, read_records
from router.config import RouterConfig
from router.contracts import Completion, CompletionRequest, Message
from router.strategies.prompting import SYSTEM, answer, fits, task_text
from router.strategies.rag.lexical import tokens

MAX_EXAMPLES = 4


def choose_examples(pairs: list[Pair], request: CompletionRequest) -> list[Pair]:
    """Similar pairs of the same language, one per file, best first, that fit the budget."""
    wanted = set(tokens(task_text(request)))
    candidates = [p for p in pairs if p.split == "train" and (not request.language or p.language == request.language)
                  and p.kind not in ("commit", "commit-message")]

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


def team_pairs(path: Path) -> tuple[Pair, ...]:
    """The dataset's pairs, read once per version of the file (the editor asks many times a minute)."""
    stat = path.stat()
    return _read_pairs(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4)
def _read_pairs(path: Path, mtime_ns: int, size: int) -> tuple[Pair, ...]:
    return tuple(read_records(path, Pair))


def few_shot(request: CompletionRequest, config: RouterConfig, dataset: Path) -> Completion:
    """Answer `request` with team examples from `dataset` (a datasets/<name>/ folder) in the prompt."""
    examples = choose_examples(list(team_pairs(dataset / "pairs.jsonl")), request)
    messages = [Message("system", SYSTEM)]
    for pair in examples:
        messages += [Message("user", pair.prompt), Message("assistant", pair.completion)]
    messages.append(Message("user", task_text(request)))
    return answer("few_shot", tuple(messages), request, config, tuple(f"{p.path} ({p.kind})" for p in examples))
