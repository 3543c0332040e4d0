"""Anthropic's messages API: the system prompt travels apart from the turns."""

from __future__ import annotations

import functools
import os
import time
from typing import TYPE_CHECKING

from router.config import RouterConfig
from router.contracts import ChatRequest, ChatResult, Usage
from router.errors import RouterError
from router.libraries import library
from router.providers.base import cost, credentials_problem, guarded, with_retries

if TYPE_CHECKING:  # the SDK is imported on the first call, not when the CLI starts
    import anthropic


@functools.lru_cache(maxsize=8)
def _client(key: str, base_url: str, timeout: float) -> anthropic.Anthropic:
    """One client per endpoint, as for OpenAI: certificates loaded once, connections reused."""
    anthropic = library("anthropic")
    return anthropic.Anthropic(api_key=key, base_url=base_url or None, timeout=timeout, max_retries=0)


def anthropic_client(config: RouterConfig) -> anthropic.Anthropic:
    """The client for `config`'s endpoint, opened once (a RouterError when no key is set)."""
    if problem := credentials_problem("anthropic"):
        raise RouterError(problem)
    key = os.environ["ANTHROPIC_API_KEY"]
    return _client(key, config.base_url or os.environ.get("ANTHROPIC_BASE_URL", ""), config.timeout)


def anthropic_messages(request: ChatRequest, config: RouterConfig) -> ChatResult:
    """One message from Anthropic (or a compatible `base_url`)."""
    return anthropic_send(guarded(request), config)


def anthropic_send(request: ChatRequest, config: RouterConfig) -> ChatResult:
    """`anthropic_messages` for a request already through the secret guard (`guarded`)."""
    anthropic = library("anthropic")
    client = anthropic_client(config)
    sent = request.messages
    system = "\n\n".join(m.content for m in sent if m.role == "system")
    turns = [{"role": m.role, "content": m.content} for m in sent if m.role != "system"]
    started = time.perf_counter()
    extra = {"system": system} if system else {}
    if request.stop:
        extra["stop_sequences"] = list(request.stop)
    # No temperature: anthropic 2.x and API version 2026-10-21 dropped the sampling parameters.
    response = with_retries("anthropic", lambda: client.messages.create(
        model=request.model, messages=turns, max_tokens=request.max_tokens, **extra,
    ), anthropic.APIError, config.max_retries)
    text = "".join(block.text for block in response.content if getattr(block, "type", "") == "text")
    usage = Usage(response.usage.input_tokens, response.usage.output_tokens)
    latency = round(time.perf_counter() - started, 4)
    return ChatResult(text, response.model or request.model, usage, cost(request.model, usage, latency,
                                                                         config.models_file), latency, sent)
