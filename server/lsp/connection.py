"""Where `idiom serve` meets its clients: stdin/stdout for the editor that started it, or a TCP port.

A connection's bytes go through framing.py into its server's protocol (protocol.py). Over TCP the
server serves one client at a time and each connection gets a server of its own, built afresh: no
setting or decision of a previous client carries over. A client leaving never ends the server; only
`exit` from an authenticated client does (app.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
from collections.abc import Callable

from pygls.io_ import StdoutWriter

from harvest.errors import InputError
from server.lsp.framing import ByteSource, FileSource, bodies, frame
from server.lsp.protocol import BUSY, BUSY_MESSAGE
from server.lsp.retention import finish_all
from server.lsp.state import IdiomServer

LOG = logging.getLogger(__name__)


async def converse(ls: IdiomServer, source: ByteSource) -> None:
    """Feed each message from `source` to the server until the stream ends or the server closes it."""
    async for body in bodies(source):
        ls.protocol.receive(body)
        if ls.protocol.closing:
            return


def serve_stdio(ls: IdiomServer) -> None:
    """Talk to the editor that started the server over stdin/stdout, until stdin ends or `exit`."""
    ls.protocol.set_writer(StdoutWriter(sys.stdout.buffer))
    asyncio.run(converse(ls, FileSource(sys.stdin.buffer)))


def serve_tcp(build: Callable[[str], IdiomServer], host: str, port: int, token_for: Callable[[int], str],
              listening: Callable[[int, str], None], say: Callable[[str], None]) -> None:
    """Listen on host:port until an authenticated client sends `exit`. `build(token)` makes each
    connection's server; `token_for(port)` gives the token once the port is bound (port 0 picks one);
    `listening(port, token)` announces the server once it accepts connections; `say` tells the person
    who started the server about clients coming and going."""
    asyncio.run(_listen(_OneClientAtATime(build, say), host, port, token_for, listening))


async def _listen(listener: _OneClientAtATime, host: str, port: int, token_for: Callable[[int], str],
                  listening: Callable[[int, str], None]) -> None:
    try:
        server = await asyncio.start_server(listener.connected, host, port, start_serving=False)
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    bound = server.sockets[0].getsockname()[1]
    # The token is known before the socket accepts anyone, and the server is announced only once it
    # accepts: a client that reads the announcement and connects at once must not be refused.
    listener.token = token_for(bound)
    async with server:
        await server.start_serving()
        listening(bound, listener.token)
        await server.serve_forever()


class _OneClientAtATime:
    """Accepts connections; the first to authenticate has the server until it disconnects."""

    def __init__(self, build: Callable[[str], IdiomServer], say: Callable[[str], None]) -> None:
        self.build, self.say = build, say
        self.token = ""
        self.client: IdiomServer | None = None  # the authenticated client's server

    async def connected(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        if self.client is not None:
            self.say(f"refused a connection from {peer}: a client is already connected")
            error = {"code": BUSY, "message": BUSY_MESSAGE}
            writer.write(frame(json.dumps({"jsonrpc": "2.0", "id": None, "error": error}).encode()))
            await _close(writer)
            return
        # Connections not yet authenticated may wait side by side: one that never sends initialize
        # must not lock the developer out.
        ls = self.build(self.token)
        ls.protocol.set_writer(writer)
        ls.protocol.claim = lambda: self._claim(ls)
        try:
            await converse(ls, reader)
        except ConnectionError as exc:
            LOG.warning("lost the connection from %s: %s", peer, exc)
        finally:
            if self.client is ls:
                self.client = None
            finish_all(ls)  # the client left: what is known of its accepted completions is recorded
            ls.close()
            await _close(writer)
        self.say(f"the client at {peer} disconnected; still listening")

    def _claim(self, ls: IdiomServer) -> bool:
        if self.client is not None:
            return False
        self.client = ls
        return True


async def _close(writer: asyncio.StreamWriter) -> None:
    """Close the connection after what was written to it has gone out."""
    writer.close()
    with contextlib.suppress(ConnectionError):
        await writer.wait_closed()
