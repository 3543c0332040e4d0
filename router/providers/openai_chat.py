"""OpenAI chat completions, and every server that speaks the same API (vLLM, Ollama, llama.cpp, TGI); an
infill request goes to the same servers' completions endpoint instead (router/fim)."""

from __future__ import annotations

import functools
import os
import time
from typing import TYPE_CHECKING

from router.config import RouterConfig
from router.contracts import ChatRequest, ChatResult, Infill, Message, Usage
from router.errors import RouterError
from router.fim.families import family
from router.fim.layout import fim_text
from router.libraries import library
from router.providers.base import cost, credentials_problem, guarded, with_retries

if TYPE_CHECKING:  # the SDK is imported on the first call, not when the CLI starts
    import openai


@functools.lru_cache(maxsize=8)
def _client(key: str, base_url: str, timeout: float) -> openai.OpenAI:
    """One client per endpoint: building one loads the system's CA certificates (~20 ms), and its
    connection pool keeps the provider's connection warm between requests."""
    openai = library("openai")
    return openai.OpenAI(api_key=key, base_url=base_url or None, timeout=timeout, max_retries=0)


def openai_client(config: RouterConfig) -> openai.OpenAI:
    """The client for `config`'s endpoint, opened once (a RouterError when no key is set and one is needed)."""
    if problem := credentials_problem("openai", config.base_url):
        raise RouterError(problem)
    key = os.environ.get("OPENAI_API_KEY") or "not-needed"
    # The endpoint is resolved here, not by the SDK from OPENAI_BASE_URL, so the cached client follows it.
    return _client(key, config.base_url or os.environ.get("OPENAI_BASE_URL", ""), config.timeout)


def openai_chat(request: ChatRequest, config: RouterConfig) -> ChatResult:
    """One chat completion from OpenAI or an OpenAI-compatible `base_url`."""
    return openai_send(guarded(request), config)


def openai_send(request: ChatRequest, config: RouterConfig) -> ChatResult:
    """`openai_chat` for a request already through the secret guard (`guarded`)."""
    openai = library("openai")
    client = openai_client(config)
    if request.infill is not None:
        return _infill(client, request, request.infill, config)
    sent = request.messages
    started = time.perf_counter()
    response = with_retries("openai", lambda: client.chat.completions.create(
        model=request.model, messages=[{"role": m.role, "content": m.content} for m in sent],
        max_tokens=request.max_tokens, temperature=request.temperature, stop=list(request.stop) or None,
    ), openai.APIError, config.max_retries)
    usage = Usage(response.usage.prompt_tokens, response.usage.completion_tokens) if response.usage else Usage()
    latency = round(time.perf_counter() - started, 4)
    return ChatResult(response.choices[0].message.content or "", response.model or request.model, usage,
                      cost(request.model, usage, latency, config.models_file), latency, sent)


def _infill(client: openai.OpenAI, request: ChatRequest, infill: Infill, config: RouterConfig) -> ChatResult:
    """One completion of the hole in `infill` on /v1/completions: the family's FIM prompt as `prompt` (raw),
    or the code before the hole as `prompt` and after it as `suffix` for the server's own template."""
    openai = library("openai")
    chosen = family(infill.family)
    prefix, suffix, header = infill.prefix, infill.suffix, infill.header
    if infill.endpoint == "suffix":
        prompt, extra = header + prefix, {"suffix": suffix}
        sent = (Message("prompt", prompt), Message("suffix", suffix))
    else:
        prompt, extra = fim_text(chosen, prefix, suffix, header, infill.order), {}
        sent = (Message("prompt", prompt),)
    stop = [*chosen.stop, *request.stop]  # families.yml keeps room for the suffix's line in OpenAI's four
    started = time.perf_counter()
    response = with_retries("openai", lambda: client.completions.create(
        model=request.model, prompt=prompt, max_tokens=request.max_tokens, temperature=request.temperature,
        stop=stop or None, **extra,
    ), openai.APIError, config.max_retries)
    usage = Usage(response.usage.prompt_tokens, response.usage.completion_tokens) if response.usage else Usage()
    latency = round(time.perf_counter() - started, 4)
    return ChatResult(response.choices[0].text or "", response.model or request.model, usage,
                      cost(request.model, usage, latency, config.models_file), latency, sent)
