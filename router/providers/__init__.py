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
from router.providers.anthropic_messages import anthropic_client, anthropic_messages
from router.providers.base import model_table
from router.providers.local import local_generate
from router.providers.openai_chat import openai_chat, openai_client

Provider = Callable[[ChatRequest, RouterConfig], ChatResult]

PROVIDERS: dict[str, Provider] = {
    "openai": openai_chat,
    "anthropic": anthropic_messages,
    "local": local_generate,
}


# How each remote provider opens its client; the local provider's model loads on its first request.
CLIENTS: dict[str, Callable[[RouterConfig], object]] = {"openai": openai_client, "anthropic": anthropic_client}


def open_client(config: RouterConfig) -> None:
    """Open the configured provider's client now, its library imported (the language server does after
    `initialized`: openai alone is a second of imports, and a client loads the system's CA certificates, ~40 ms,
    which the first answer would otherwise wait for). A provider that cannot be asked yet is left for the first
    request to report."""
    if config.provider in CLIENTS:
        CLIENTS[config.provider](config)


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
