"""The remote providers' SDKs in a process of their own, for a server answering many requests (the language
server starts it at launch: server/lsp/warmup.py; router/providers `start_helper`).

Why: besides waiting for the model, an SDK call costs its caller's interpreter about 2 ms of Python (openai: the
parameters' transform, httpx building and sending the request, the response parsed into pydantic models), and
importing openai about 0.3 s. In the language server these held the interpreter's lock that every other request's
retrieval, rules and messages wait for (bench/RESULTS.md, issue 17, stop 47). Here they run in another interpreter,
on another core; the server's side of a call is pickling the request and its settings into a pipe and waiting.

Each call in flight has a pipe of its own, and the helper a thread per pipe, so calls never wait for each other's
answers; a call that finds every pipe busy waits for one. What a call sends is scrubbed before it leaves the server
(router/providers/base.py `guarded`, usually found done by the prompt built ahead), and the helper sends it as it
came (router/providers `SENDERS`): the same gate as in one process, passed once. The helper gets its environment
(the API keys) from the server when it starts, writes nothing to the server's stdout (the editor's channel), and
ends when the server does, however it ends: its pipes reach their end. A helper that stops is one error for the
calls it was answering, and a new one starts at the next call.
"""

from __future__ import annotations

import logging
import os
import pickle
import queue
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from harvest.errors import IdiomError
from router.config import RouterConfig
from router.contracts import ChatRequest, ChatResult
from router.errors import RouterError
from router.libraries import library

LOG = logging.getLogger(__name__)

# Where the providers' keys and endpoints come from besides `[router]`: read by the helper from the environment it
# started with, so a helper started with others is replaced (`serves`).
ENVIRONMENT = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL")
OPEN = "open"  # not a provider's name: the helper opens `config`'s client (its SDK imported) and answers None
CALLS = 8  # its pipes: more calls in flight at once wait for one (an editor allows 2 by default: `maxConcurrency`)
# The helper's main: the registries come from router/providers, which imports this module for `ProviderHelper`.
MAIN = "from router.providers import CLIENTS, SENDERS; from router.providers.helper import serve; serve(SENDERS, CLIENTS)"

Provider = Callable[[ChatRequest, RouterConfig], ChatResult]


class HelperStopped(RouterError):
    """The helper process ended under a call (killed, out of memory): the call fails; the next one starts another."""


class ProviderHelper:
    """A helper process serving up to `calls` provider calls at once."""

    def __init__(self, calls: int) -> None:
        self.calls, self.environment = calls, _environment()
        self.broken = False  # a pipe reached its end: the process is gone, or going (it may not be reaped yet)
        pairs = [socket.socketpair() for _ in range(max(1, calls))]
        theirs = [pair[1].detach() for pair in pairs]
        # Its own interpreter (not multiprocessing's spawn, which would import the server's main module again),
        # seeing the modules this one does; stdout to the server's stderr; its own session, out of Ctrl-C's way.
        self.process = subprocess.Popen(
            [sys.executable, "-c", MAIN, *map(str, theirs)],
            pass_fds=theirs, stdin=subprocess.DEVNULL, stdout=sys.stderr.fileno(), start_new_session=True,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)})
        for handle in theirs:
            os.close(handle)
        self._free: queue.SimpleQueue[Connection] = queue.SimpleQueue()
        for ours, _ in pairs:
            self._free.put(Connection(ours.detach()))

    def serves(self) -> bool:
        """Whether this helper is still running, with the environment this process has now."""
        return not self.broken and self.process.poll() is None and self.environment == _environment()

    def call(self, provider: str, chat: ChatRequest, config: RouterConfig) -> ChatResult:
        """`SENDERS[provider](chat, config)` in the helper (`chat` already `guarded`): its answer, or its error
        raised here."""
        return self._ask((provider, chat, config))

    def open(self, config: RouterConfig) -> None:
        """Open `config`'s provider client in the helper now (router/providers `open_client`)."""
        self._ask((OPEN, None, config))

    def close(self) -> None:
        """End the helper: its idle pipes closed, it exits; a call still in flight a second later is cut short."""
        while True:
            try:
                self._free.get_nowait().close()
            except queue.Empty:
                break
        try:
            self.process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _ask(self, message: tuple[str, ChatRequest | None, RouterConfig]) -> Any:
        pipe = self._free.get()
        try:
            pipe.send(message)
            kind, value = pipe.recv()  # waits outside the interpreter's lock
        except (EOFError, OSError):
            pipe.close()
            self.broken = True
            raise HelperStopped(f"the provider helper process stopped (exit code {self.process.poll()}) while "
                                "answering; the next request starts a new one") from None
        self._free.put(pipe)
        if kind == "raise":
            raise value
        if kind == "bug":
            raise RuntimeError(f"the provider helper failed: {value} (its traceback is in the server's log)")
        return value


def _environment() -> tuple[str | None, ...]:
    return tuple(os.environ.get(name) for name in ENVIRONMENT)


def serve(senders: dict[str, Provider], clients: dict[str, Callable[[RouterConfig], object]]) -> None:
    """The helper's main (its pipes' handles are its arguments): answer each pipe's calls with `senders` (and
    `clients` for OPEN) on a thread of its own until every pipe is closed; meanwhile import the default provider's
    SDK, for the first call to find it (the server opens the configured provider's client as soon as it knows it:
    `ProviderHelper.open`)."""
    threads = [threading.Thread(target=_answer_all, args=(Connection(int(handle)), senders, clients), daemon=True)
               for handle in sys.argv[1:]]
    for thread in threads:
        thread.start()
    if RouterConfig().provider in senders:
        try:
            library(RouterConfig().provider)
        except Exception:  # only a head start: the first call imports it again, and reports why not
            LOG.warning("the default provider's SDK did not import", exc_info=True)
    for thread in threads:
        thread.join()


def _answer_all(pipe: Connection, senders: dict[str, Provider],
                clients: dict[str, Callable[[RouterConfig], object]]) -> None:
    while True:
        try:
            provider, chat, config = pipe.recv()
        except (EOFError, OSError):
            return
        reply: tuple[str, Any]
        try:
            if provider == OPEN:
                clients[config.provider](config)
                reply = ("ok", None)
            else:
                reply = ("ok", senders[provider](chat, config))
        except IdiomError as exc:  # raised again in the server (its message says what to do)
            reply = ("raise", _travelling(exc))
        except Exception as exc:
            LOG.exception("provider %s failed in the helper", provider)
            reply = ("bug", f"{type(exc).__name__}: {exc}")
        try:
            pipe.send(reply)
        except (EOFError, OSError):
            return


def _travelling(error: IdiomError) -> Exception:
    """`error`, or a RouterError with its message when it would not come out of the pipe as it went in."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:  # noqa: BLE001 - pickling raises several kinds (PicklingError, TypeError, AttributeError)
        return RouterError(str(error))
    return error
