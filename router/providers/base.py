"""What every remote provider shares: the outgoing secret guard, retries by the error table, prices.

Every prompt bound for a remote provider goes through the harvester's scrubber first, so a secret
typed into an editor buffer is replaced before it leaves the machine.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml

from harvest.scrub import STRICT, scrub
from harvest.yamltext import load_yaml
from router.contracts import ChatRequest, Message, Usage
from router.errors import RouterError
from router.providers.errors import ProviderError, classify

T = TypeVar("T")
BACKOFF_S = 0.5  # first wait; doubles on each retry


# Who has no key to send: the remote providers' environment variables and what to do without one.
CREDENTIALS = {
    "openai": ("OPENAI_API_KEY", "export it, or set [router] base_url to a local OpenAI-compatible server"),
    "anthropic": ("ANTHROPIC_API_KEY", "export it to use Anthropic models"),
}


def credentials_problem(provider: str, base_url: str = "") -> str:
    """Why `provider` cannot be asked for want of an API key ("" when it can: a key is set, an OpenAI-compatible
    `base_url` needs none, or the provider is local)."""
    if provider not in CREDENTIALS or os.environ.get(CREDENTIALS[provider][0]) or (provider == "openai" and base_url):
        return ""
    variable, remedy = CREDENTIALS[provider]
    return f"{provider}: {variable} is not set; {remedy}"


def guard(messages: tuple[Message, ...]) -> tuple[Message, ...]:
    """The messages with every secret and piece of PII the scrubber finds replaced, `pragma: allowlist
    secret` lines included (a file's marker says nothing about where its text is sent)."""
    return tuple(Message(m.role, _scrubbed(m.content)) for m in messages)


def guarded(chat: ChatRequest) -> ChatRequest:
    """`chat` as it may leave the machine: its messages through `guard`; for an infill, which a provider sends
    instead of the messages (router/fim), the infill's code through `guard` and the messages dropped."""
    infill = chat.infill
    if infill is None:
        return replace(chat, messages=guard(chat.messages))
    prefix, suffix, header = (m.content for m in guard(tuple(Message("code", text) for text in
                                                            (infill.prefix, infill.suffix, infill.header))))
    return replace(chat, messages=(), infill=replace(infill, prefix=prefix, suffix=suffix, header=header))


def guard_ahead(chat: ChatRequest) -> None:
    """Scrub now what a provider sends for `chat`, so that the call finds it scrubbed: a prompt built ahead of its
    request (router/strategies/prompting.py) is sent later."""
    guarded(chat)


# The same text is scrubbed once: a prompt scrubbed ahead, and the system turn every request repeats. Kept in this
# process's memory only, as the request itself is.
@lru_cache(maxsize=64)
def _scrubbed(text: str) -> str:
    return scrub(text, profile=STRICT).text


def with_retries(provider: str, call: Callable[[], T], sdk_error: type[BaseException], retries: int,
                 sleep: Callable[[float], None] = time.sleep) -> T:
    """`call()`, retried with exponential backoff while the failure is a retryable one."""
    attempt = 0
    while True:
        try:
            return call()
        except sdk_error as exc:
            failure = classify(exc)
            if not failure.retry or attempt >= retries:
                raise ProviderError(provider, failure, f"{type(exc).__name__} after {attempt + 1} attempt(s)") from None
            sleep(BACKOFF_S * 2 ** attempt)
            attempt += 1


@lru_cache(maxsize=1)
def _shipped() -> dict[str, dict[str, Any]]:
    return load_yaml(Path(__file__).with_name("models.yml").read_text(encoding="utf-8"))


def model_table(models_file: str = "") -> dict[str, dict[str, Any]]:
    """Model facts and prices shipped in models.yml, with `models_file`'s entries added or replacing them."""
    if not models_file:
        return _shipped()
    try:
        extra = load_yaml(Path(models_file).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RouterError(f"[router] models_file {models_file}: cannot read it ({exc}); fix or clear it") from None
    if not isinstance(extra, dict) or not all(isinstance(v, dict) for v in extra.values()):
        raise RouterError(f"[router] models_file {models_file}: expected model names mapping to their facts")
    return {**_shipped(), **extra}


def cost(model: str, usage: Usage, latency_s: float = 0.0, models_file: str = "") -> float | None:
    """USD for a call: per-token prices, or `gpu_hour` × time for self-hosted models; None when unknown."""
    facts = model_table(models_file).get(model)
    if not facts:
        return None
    if "gpu_hour" in facts:
        return round(latency_s / 3600 * facts["gpu_hour"], 8)
    return round(usage.input_tokens / 1e6 * facts["input_per_1m"] + usage.output_tokens / 1e6 * facts["output_per_1m"], 8)
