"""Providers: one small module per API, in a registry keyed by the name used in `[router] provider`."""

from __future__ import annotations

from collections.abc import Callable

from router.config import RouterConfig
from router.contracts import ChatRequest, ChatResult
from router.errors import RouterError
from router.providers.anthropic_messages import anthropic_messages
from router.providers.local import local_generate
from router.providers.openai_chat import openai_chat

Provider = Callable[[ChatRequest, RouterConfig], ChatResult]

PROVIDERS: dict[str, Provider] = {
    "openai": openai_chat,
    "anthropic": anthropic_messages,
    "local": local_generate,
}


def provider(name: str) -> Provider:
    """The provider registered as `name`, or an error listing the ones there are."""
    if name not in PROVIDERS:
        raise RouterError(f"unknown provider {name!r}; valid providers: {', '.join(PROVIDERS)}")
    return PROVIDERS[name]
