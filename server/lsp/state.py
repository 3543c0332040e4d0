"""The server's state: settings, the repository it serves, what it last decided per document, and the
bookkeeping that drops superseded requests and bounds model calls in flight."""

from __future__ import annotations

import asyncio
import functools
import itertools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from lsprotocol import types
from lsprotocol.converters import get_converter
from pygls.exceptions import FeatureRequestError
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument

from harvest import __version__
from harvest.config import HarvestConfig
from router.strategies.loaded import LoadedStrategies
from router.strategies.registry import early_imports_done
from server.lsp.following import Clock, LoopClock, Offer, Retention
from server.lsp.protocol import IdiomProtocol, open_document
from server.lsp.settings import ServerSettings, updated

if TYPE_CHECKING:
    from router.routing import Routed

T = TypeVar("T")
CONVERTER = get_converter()  # LSP types <-> the JSON of command arguments
WORKERS = 8  # threads for model calls, lint and index work; model calls are further bounded by a semaphore
MAX_DOCUMENT_CHARS = HarvestConfig().max_file_bytes  # the harvester skips larger files as not the team's code


class IdiomServer(LanguageServer):
    """pygls server holding Idiomatic's state; features live in their own modules."""

    protocol: IdiomProtocol

    def __init__(self, repo: Path | None = None, token: str = "", clock: Clock | None = None) -> None:
        super().__init__("idiomatic", __version__, protocol_cls=IdiomProtocol, max_workers=WORKERS)
        self.protocol.token = token
        self.repo = repo  # --repo, else the workspace root sent with initialize
        self.trusted = True  # initialize's `trusted`; False = limited mode (trust.py)
        self.settings = ServerSettings()
        self.executor = ThreadPoolExecutor(WORKERS, thread_name_prefix="idiom")
        self.decisions: dict[str, dict[str, Any]] = {}  # uri → the last decision payload (idiom.explain)
        self.debounced: dict[str, asyncio.Task[None]] = {}  # uri → pending diagnostics run
        self._tickets = itertools.count(1)
        self._latest: dict[str, int] = {}  # uri → newest completion request's ticket
        self._slots: asyncio.Semaphore | None = None
        self._cache: dict[str, Any] = {}  # per-repository facts loaded once (conventions, configs, the team server)
        self._cache_lock = threading.Lock()
        self._loading: dict[str, threading.Lock] = {}  # key → held while one thread loads it
        self._strategies: LoadedStrategies | None = None
        self.shutting_down = False  # `shutdown` received: `exit` then ends the process with 0
        self.offers: dict[str, list[Offer]] = {}  # uri → the suggestions last offered there (an acceptance is followed)
        self.retention = Retention(clock or LoopClock())  # accepted completions followed through their edits

    def configure(self, sent: Any) -> None:
        """Apply settings from the editor; log what was ignored and why."""
        before = self.settings.max_concurrency
        self.settings, problems = updated(self.settings, sent)
        for problem in problems:
            self.log(problem, types.MessageType.Warning)
        if self.settings.max_concurrency != before:
            self._slots = None
        self.forget()

    def root(self) -> Path:
        """The repository being served: --repo, else the workspace root, else the working directory."""
        if self.repo is None:
            root = self.workspace.root_path or (to_fs_path(self.workspace.root_uri) if self.workspace.root_uri
                                                else None)
            self.repo = Path(root or ".").resolve()
        return self.repo

    def cached(self, key: str, load: Callable[[], T]) -> T:
        """`load()` once until the settings change or the index is rebuilt. The event loop and worker threads ask
        at the same moment (a completion and the diagnostics' conventions): one of them loads, the others wait
        for it, so the team server, say, is one object whose going away is told once. Each key has its own lock:
        a slow load holds up only those asking for the same key."""
        with self._cache_lock:
            if key in self._cache:
                return self._cache[key]
            loading = self._loading.setdefault(key, threading.Lock())
        with loading:
            with self._cache_lock:
                if key in self._cache:
                    return self._cache[key]
            value = load()
            with self._cache_lock:
                self._cache[key] = value
            return value

    def forget(self) -> None:
        """Drop cached repository facts (after a re-index or a settings change); loaded strategies stay,
        since each loads again by itself when its artifacts or settings change."""
        with self._cache_lock:
            self._cache.clear()

    def strategies(self) -> LoadedStrategies:
        """The repository's strategies, loaded once for the server's life (see `preload` at initialized)."""
        if self._strategies is None:
            self._strategies = LoadedStrategies(self.root(), wait=False)
        return self._strategies

    def slots(self) -> asyncio.Semaphore:
        """The semaphore bounding model calls in flight (`maxConcurrency`)."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(max(1, self.settings.max_concurrency))
        return self._slots

    def ticket(self, uri: str) -> int:
        """A new completion request for `uri`: it supersedes every older one for that document."""
        number = next(self._tickets)
        self._latest[uri] = number
        return number

    def superseded(self, uri: str, ticket: int) -> bool:
        """Whether a newer completion request for `uri` arrived after `ticket`."""
        return self._latest.get(uri, ticket) != ticket

    async def off_loop(self, function: Callable[..., T], *args: Any) -> T:
        """Run blocking work (models, parsing, sqlite) in a worker thread, never on the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, _after_early_imports, function,
                                                                *args)

    def in_background(self, function: Callable[..., object], *args: Any) -> None:
        """Start `function` in a worker thread without waiting for it (warming up after `initialized`)."""
        self.executor.submit(_after_early_imports, function, *args)

    def log(self, message: str, level: types.MessageType = types.MessageType.Info) -> None:
        """`window/logMessage`: the editor's output panel, never a popup."""
        self.window_log_message(types.LogMessageParams(level, message))

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Log errors in notification handlers instead of pygls' default error popup."""
        if source is not FeatureRequestError:  # a request's error already went back in its response
            self.log(f"internal error: {error}", types.MessageType.Error)

    def open_document(self, uri: str) -> TextDocument | None:
        """The document the client opened at `uri`, or None."""
        return open_document(self.workspace, uri)

    def document_problem(self, uri: str) -> str:
        """Why the server will not work on `uri` ("" when it will): not open, or larger than any file
        the harvester learns from (generated or minified code; it would only slow every request)."""
        document = self.open_document(uri)
        if document is None:
            return f"{uri} is not open in the editor; open it first (didOpen)"
        if len(document.source) > MAX_DOCUMENT_CHARS:
            return (f"{self.path_of(uri)} has {len(document.source)} characters, over the {MAX_DOCUMENT_CHARS} "
                    f"Idiomatic works on")
        return ""

    def close(self) -> None:
        """End this client's session (its connection closed): pending checks and requests are cancelled
        and the worker threads let go, without waiting for a model call in flight."""
        for pending in [*self.debounced.values(), *self.protocol._request_futures.values()]:
            pending.cancel()
        self.executor.shutdown(wait=False, cancel_futures=True)

    def path_of(self, uri: str) -> str:
        """The document's path relative to the repository (its file name when outside it)."""
        return relative_path(uri, self.root())


def _after_early_imports(function: Callable[..., T], *args: Any) -> T:
    """Call `function` once the launch's early imports are done: the workers' code imports lazily, and two
    threads importing at once can deadlock (server/lsp/warmup.py)."""
    early_imports_done()
    return function(*args)


@functools.lru_cache(maxsize=1024)  # resolving symlinks is the costliest step of a request on the loop
def relative_path(uri: str, root: Path) -> str:
    """`uri`'s path relative to `root`, or its file name when it lies outside."""
    path = Path(to_fs_path(uri) or uri)
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.name


def payload(uri: str, request_id: int, kind: str, answered: bool, strategy: str, reason: str,
            attempts: list[dict[str, Any]], sources: list[str] | None = None,
            alternatives: list[dict[str, Any]] | None = None, **more: Any) -> dict[str, Any]:
    """What the editor is told about an answer (the `idiom/decision` notification, idiom.explain), the cost and
    latency summed over its `attempts` (each with strategy, passed, reason, costUsd, latencyS)."""
    costs = [a["costUsd"] for a in attempts if a["costUsd"] is not None]
    return {"uri": uri, "requestId": request_id, "kind": kind, "answered": answered, "strategy": strategy,
            "reason": reason, "costUsd": round(sum(costs), 8) if costs else None,
            "latencyS": round(sum(a["latencyS"] or 0.0 for a in attempts), 4), "attempts": attempts,
            "sources": sources or [], "alternatives": alternatives or [], **more}


def decision_payload(uri: str, routed: Routed) -> dict[str, Any]:
    """The payload of a routed answer of this machine's router."""
    completion = routed.completion
    return payload(uri, routed.request_id, routed.kind, completion is not None,
                   completion.strategy if completion else routed.decision.strategy,
                   routed.decision.reason if completion else "no answer passed the fast rules: " + "; ".join(
                       f"{a.strategy}: {a.reason}" for a in routed.attempts),
                   [{"strategy": a.strategy, "passed": a.passed, "reason": a.reason, "costUsd": a.cost_usd,
                     "latencyS": a.latency_s} for a in routed.attempts],
                   list(completion.sources) if completion else [],
                   [{"requestId": request_id, "strategy": other.strategy, "text": other.text,
                     "costUsd": other.cost_usd} for other, request_id in routed.alternatives])


def failure_payload(uri: str, reason: str) -> dict[str, Any]:
    """The same shape when the router could not even start (no dataset yet, a broken index, …)."""
    return payload(uri, 0, "", False, "", reason, [])
