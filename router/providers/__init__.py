"""Providers: one small module per API, in a registry keyed by the name used in `[router] provider`.

The `[router]` section is loaded here rather than in router/config.py: loading checks the provider it names
against this registry, and the providers themselves take the section's dataclass (`RouterConfig`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from harvest.config import load_section, read_toml
from harvest.errors import ConfigError
from router.config import RouterConfig
from router.contracts import ChatRequest, ChatResult
from router.errors import RouterError
from router.fim.prompt import served_family
from router.libraries import library
from router.providers.anthropic_messages import anthropic_messages
from router.providers.base import model_table
from router.providers.local import local_generate
from router.providers.openai_chat import openai_chat

Provider = Callable[[ChatRequest, RouterConfig], ChatResult]

PROVIDERS: dict[str, Provider] = {
    "openai": openai_chat,
    "anthropic": anthropic_messages,
    "local": local_generate,
}


# The client library each provider talks through; the local provider's model loads on its first request.
SDKS = {"openai": "openai", "anthropic": "anthropic"}


def import_sdk(name: str) -> None:
    """Import provider `name`'s client library now (the language server does at start: openai alone is a
    second of imports the first answer would otherwise wait for)."""
    if name in SDKS:
        library(SDKS[name])


def provider(name: str) -> Provider:
    """The provider registered as `name`, or an error listing the ones there are."""
    if name not in PROVIDERS:
        raise RouterError(f"unknown provider {name!r}; valid providers: {', '.join(PROVIDERS)}")
    return PROVIDERS[name]


def load_router_config(repo: Path) -> RouterConfig:
    """The `[router]` section for `repo`, with IDIOM_ROUTER_* overrides; the provider, the FIM endpoint for the
    model's family and the prices file are checked now, so a mistake stops the command before any model is
    asked (and paid)."""
    config = load_section(read_toml(repo), "router", RouterConfig)
    try:
        provider(config.provider)
    except RouterError as exc:
        raise ConfigError(f"[router] provider: {exc}") from None
    try:
        served_family(config)
    except RouterError as exc:
        raise ConfigError(f"[router] {exc}") from None
    model_table(config.models_file)  # its errors name [router] models_file
    return config
