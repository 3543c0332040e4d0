"""Loaded strategies for one repository: each loaded once, and again only when its artifacts change.

`idiom generate` uses one for a single answer; the language server holds one for its whole life, so a
keystroke pays for retrieval and the model call, never for opening the index or reading the dataset.
Requests run in several worker threads: a strategy is loaded by one of them while the others wait for it.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from pathlib import Path

from harvest.errors import IdiomError
from harvest.store import Artifacts
from router.config import IndexConfig, RouterConfig
from router.contracts import Completion, CompletionRequest
from router.errors import RouterError
from router.strategies.base import Answer, Loaded
from router.strategies.registry import REGISTRY, early_imports_done, strategy


class LoadedStrategies:
    """The strategies of the repository at `repo`, loaded on first use (or by `preload`).

    With `wait` False (the language server), a request never waits for another thread's load of a new
    version (after a re-index): the version already loaded keeps answering meanwhile. A strategy's first
    load is waited for either way, so a request is never refused because the server has just started.
    """

    def __init__(self, repo: Path, wait: bool = True) -> None:
        self.artifacts = Artifacts(repo)
        self.wait = wait
        self._held: dict[str, tuple[Hashable, Loaded]] = {}
        self._locks = {line.name: threading.Lock() for line in REGISTRY}

    def available(self, routed_only: bool = True) -> list[str]:
        """The strategies whose artifacts exist now, in the registry's order (the router's only, unless
        `routed_only` is False)."""
        return [line.name for line in REGISTRY
                if (line.routed or not routed_only) and not strategy(line.name).missing(self.artifacts)]

    def complete(self, name: str, request: CompletionRequest, config: RouterConfig,
                 index: IndexConfig) -> Completion:
        """Strategy `name`'s answer to `request`; loads it first when it is not loaded or out of date."""
        return self.answer_of(name, config, index, self.wait)(request, config)

    def answer_of(self, name: str, config: RouterConfig, index: IndexConfig, wait: bool = True) -> Answer:
        """Strategy `name` loaded for the current version of its artifacts (see the class for `wait`)."""
        chosen = strategy(name)
        held = self._held.get(name)
        if held is None and (reason := chosen.missing(self.artifacts)):
            raise RouterError(f"{name}: {reason}")
        stamp = chosen.stamp(self.artifacts, config, index)
        if held and held[0] == stamp:
            return held[1].answer
        lock = self._locks[name]
        if held and not wait:
            if not lock.acquire(blocking=False):
                return held[1].answer  # a new version is loading in another thread: this one answers meanwhile
        else:
            lock.acquire()
        try:
            held = self._held.get(name)  # another thread may have loaded it while this one waited
            if held and held[0] == stamp:
                return held[1].answer
            early_imports_done()  # a load importing beside the early imports could deadlock in an import cycle
            loaded = chosen.load(self.artifacts, config, index)
            self._held[name] = (stamp, loaded)
            return loaded.answer
        finally:
            lock.release()

    def ahead(self, request: CompletionRequest, config: RouterConfig, names: tuple[str, ...] = ()) -> None:
        """Start what the loaded strategies among `names` (all when empty) can do for `request` before it is answered
        (`Loaded.ahead`). Cheap enough for the language server's event loop: nothing is loaded or checked for a newer
        version here, so a strategy not loaded yet, or one about to be loaded again, starts nothing."""
        for name, (_, loaded) in list(self._held.items()):
            if loaded.ahead is not None and (not names or name in names):
                loaded.ahead(request, config)

    def preload(self, config: RouterConfig, index: IndexConfig, names: tuple[str, ...] = ()) -> dict[str, str]:
        """Load every available strategy (or those of `names`) now, so the first request does not wait;
        returns what could not be loaded and why (the first request would fail the same way)."""
        failed = {}
        for name in names or self.available():
            try:
                self.answer_of(name, config, index)
            except IdiomError as exc:
                failed[name] = str(exc).splitlines()[0]
        return failed
