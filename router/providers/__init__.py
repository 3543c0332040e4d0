"""Providers: one small module per API, in a registry keyed by the name used in `[router] provider`.

The `[router]` section is loaded here rather than in router/config.py: loading checks the provider it names
against this registry, and the providers themselves take the section's dataclass (`RouterConfig`).

A server answering many requests runs the remote providers' calls in a helper process (`start_helper`,
router/providers/helper.py); `provider()` then hands out the helper's door for them, so callers never know.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

from harvest.config import load_section, read_toml
from harvest.errors import ConfigError
from router.config import RouterConfig
from router.contracts import ChatRequest, ChatResult
from router.errors import RouterError
from router.fim.prompt import served_family
from router.providers.anthropic_messages import (
    anthropic_client,
    anthropic_messages,
    anthropic_send,
)
from router.providers.base import guarded, model_table
from router.providers.helper import CALLS, Provider, ProviderHelper
from router.providers.local import local_generate
from router.providers.openai_chat import openai_chat, openai_client, openai_send

LOG = logging.getLogger(__name__)

PROVIDERS: dict[str, Provider] = {
    "openai": openai_chat,
    "anthropic": anthropic_messages,
    "local": local_generate,
}


# How each remote provider opens its client; the local provider's model loads on its first request.
CLIENTS: dict[str, Callable[[RouterConfig], object]] = {"openai": openai_client, "anthropic": anthropic_client}
# The remote providers for a request already through the secret guard (base.py `guarded`): what the helper runs.
SENDERS: dict[str, Provider] = {"openai": openai_send, "anthropic": anthropic_send}

_helper_calls = 0  # > 0 once `start_helper` asked for a helper serving that many calls at once
_running: ProviderHelper | None = None
_helper_lock = threading.Lock()


def start_helper(calls: int = CALLS) -> None:
    """Start a helper process serving up to `calls` calls at once (unless one is running), and from now on run this
    process's calls to the remote providers (SENDERS) in it (router/providers/helper.py). The language server does
    at launch: a remote call's Python then costs it a pickled request and a wait instead of about 2 ms, and openai,
    imported by the helper while the server starts, is never imported in it."""
    global _helper_calls
    if os.name != "posix":  # the helper's pipes are handed over as file descriptors (pass_fds): POSIX only
        return
    _helper_calls = max(1, calls)
    _helper()


def stop_helper() -> None:
    """Call the remote providers in this process again (the helper, if any, ends)."""
    global _helper_calls, _running
    with _helper_lock:
        helper, _running, _helper_calls = _running, None, 0
    if helper is not None:
        helper.close()


def _helper() -> ProviderHelper | None:
    """This process's helper (None when calls run here), started when none is running, or when the one running
    has ended or was started with other API keys or endpoints in the environment than this process has now (a
    test changes them). A helper that cannot start (no process can be made) leaves the calls in this process."""
    global _helper_calls, _running
    with _helper_lock:
        if _helper_calls and (_running is None or not _running.serves()):
            if _running is not None:
                _running.close()
            try:
                _running = ProviderHelper(_helper_calls)
            except OSError as exc:
                LOG.warning("the providers' helper process cannot start (%s); their calls run in this process", exc)
                _running, _helper_calls = None, 0
        return _running


def _through_helper(name: str, chat: ChatRequest, config: RouterConfig) -> ChatResult:
    helper = _helper()
    if helper is None:  # stopped since `provider()` handed this out, or it cannot start
        return PROVIDERS[name](chat, config)
    return helper.call(name, guarded(chat), config)  # scrubbed before it leaves this process


def open_client(config: RouterConfig) -> None:
    """Open the configured provider's client now, its library imported (the language server does after
    `initialized`: openai alone is a second of imports, and a client loads the system's CA certificates, ~40 ms,
    which the first answer would otherwise wait for), in the helper when there is one. A provider that cannot be
    asked yet is left for the first request to report."""
    if config.provider in CLIENTS:
        helper = _helper()
        if helper is not None:
            helper.open(config)
        else:
            CLIENTS[config.provider](config)


def provider(name: str) -> Provider:
    """The provider registered as `name` (run in the helper process, for a remote one, when there is one), or an
    error listing the ones there are."""
    if name not in PROVIDERS:
        raise RouterError(f"unknown provider {name!r}; valid providers: {', '.join(PROVIDERS)}")
    if name in SENDERS and _helper_calls:
        return functools.partial(_through_helper, name)
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
