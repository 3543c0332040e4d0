"""What the strategies share: the task text, the token budget, and the final call (for an infill request,
the one router/fim lays out for the model family). A strategy with work started ahead of a request (rag) builds
and scrubs the prompt then too (`infill_ahead`, `answer_ahead`); the call finds it done."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import replace

from harvest.config import FIM_CONTEXT_TOKENS
from harvest.dataset.validate import estimate_tokens
from router.config import RouterConfig
from router.contracts import ChatRequest, Completion, CompletionRequest, Message
from router.errors import RouterError
from router.fim.fragments import trim_answer
from router.fim.layout import Snippet
from router.fim.prompt import prompt_for
from router.fim.window import cursor_window
from router.providers import provider
from router.providers.base import guard_ahead

SYSTEM = ("You write code the way this team writes it: their structure, naming, tests and error handling. "
          "Answer with code only.")


def task_text(request: CompletionRequest, context_tokens: int = FIM_CONTEXT_TOKENS) -> str:
    """The user's turn: the instruction, then the file and the code around the cursor (`context_tokens`
    estimated tokens of it, router/fim/window.py)."""
    parts = [request.instruction or "Continue the code at the cursor."]
    if request.path:
        parts.append(f"File: {request.path}")
    prefix, suffix = cursor_window(request.prefix, request.suffix, context_tokens)
    if prefix:
        parts.append("Code before the cursor:\n" + prefix)
    if suffix:
        parts.append("Code after the cursor:\n" + suffix)
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
    return _send(strategy, _chat(messages, request, config), config, sources)


def answer_ahead(messages: tuple[Message, ...], request: CompletionRequest, config: RouterConfig) -> None:
    """Scrub now what `answer` will send for `messages`."""
    guard_ahead(_chat(messages, request, config))


def _chat(messages: tuple[Message, ...], request: CompletionRequest, config: RouterConfig) -> ChatRequest:
    return ChatRequest(config.model, messages, max_tokens=request.max_tokens)


def infill(strategy: str, request: CompletionRequest, config: RouterConfig, context: Sequence[Snippet] = (),
           sources: tuple[str, ...] = ()) -> Completion:
    """Answer an infill request (router.fim.prompt.is_infill) in the configured model's format, with
    `context` in front of the prefix, and trim the answer of fences and of lines that repeat the suffix."""
    chat = _infill_prompt(request, config, tuple(context))
    completion = _send(strategy, chat, config, sources)
    code = chat.infill or request
    return replace(completion, text=trim_answer(completion.text, code.prefix, code.suffix))


def infill_ahead(request: CompletionRequest, config: RouterConfig, context: Sequence[Snippet] = ()) -> None:
    """Build and scrub now what `infill` will send for `request` with `context`."""
    guard_ahead(_infill_prompt(request, config, tuple(context)))


# The prompt built ahead of a request is the one its answer sends: the same request, settings and context.
_infill_prompt = functools.lru_cache(maxsize=32)(prompt_for)


def _send(strategy: str, chat: ChatRequest, config: RouterConfig, sources: tuple[str, ...]) -> Completion:
    size = sum(len(m.content) for m in chat.messages)
    if size > config.max_prompt_chars:
        raise RouterError(f"{strategy}: the prompt would be {size:,} characters, over [router] max_prompt_chars "
                          f"({config.max_prompt_chars:,}); select less code, or raise the limit")
    result = provider(config.provider)(chat, config)
    return Completion(result.text, strategy, result.model, result.usage, result.cost_usd, result.latency_s,
                      result.sent or chat.messages, sources)
