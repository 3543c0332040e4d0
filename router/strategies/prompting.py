"""What the few-shot and RAG strategies share: the task text, the token budget, and the final call."""

from __future__ import annotations

from collections.abc import Sequence

from harvest.dataset.validate import estimate_tokens
from router.config import RouterConfig
from router.contracts import ChatRequest, Completion, CompletionRequest, Message
from router.errors import RouterError
from router.providers import provider

SYSTEM = ("You write code the way this team writes it: their structure, naming, tests and error handling. "
          "Answer with code only.")
CONTEXT_LINES = 60
CONTEXT_CHARS = 6_000  # per side of the cursor: a minified or generated one-line file must not go whole


def task_text(request: CompletionRequest) -> str:
    """The user's turn: the instruction, then the file and the code around the cursor."""
    parts = [request.instruction or "Continue the code at the cursor."]
    if request.path:
        parts.append(f"File: {request.path}")
    if request.prefix:
        before = "\n".join(request.prefix.splitlines()[-CONTEXT_LINES:])
        parts.append("Code before the cursor:\n" + before[-CONTEXT_CHARS:])
    if request.suffix:
        after = "\n".join(request.suffix.splitlines()[:CONTEXT_LINES])
        parts.append("Code after the cursor:\n" + after[:CONTEXT_CHARS])
    return "\n\n".join(parts)


def fits(texts: Sequence[str], budget: int) -> int:
    """How many of `texts`, taken in order, fit in `budget` estimated tokens."""
    used = 0
    for count, text in enumerate(texts):
        used += estimate_tokens(text)
        if used > budget:
            return count
    return len(texts)


def answer(strategy: str, messages: tuple[Message, ...], request: CompletionRequest, config: RouterConfig,
           sources: tuple[str, ...]) -> Completion:
    """Send `messages` to the configured provider and wrap the result as a Completion; a prompt over
    `[router] max_prompt_chars` is refused before anything is sent."""
    size = sum(len(m.content) for m in messages)
    if size > config.max_prompt_chars:
        raise RouterError(f"{strategy}: the prompt would be {size:,} characters, over [router] max_prompt_chars "
                          f"({config.max_prompt_chars:,}); select less code, or raise the limit")
    result = provider(config.provider)(ChatRequest(config.model, messages, max_tokens=request.max_tokens), config)
    return Completion(result.text, strategy, result.model, result.usage, result.cost_usd, result.latency_s,
                      result.sent or messages, sources)
