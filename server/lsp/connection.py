"""Where `idiom serve` meets its client: stdin/stdout for the editor that started it.

The connection's bytes go through framing.py into its server's protocol (protocol.py).
"""

from __future__ import annotations

import asyncio
import sys

from pygls.io_ import StdoutWriter

from server.lsp.framing import ByteSource, FileSource, bodies
from server.lsp.state import IdiomServer


async def converse(ls: IdiomServer, source: ByteSource) -> None:
    """Feed each message from `source` to the server until the stream ends."""
    async for body in bodies(source):
        ls.protocol.receive(body)


def serve_stdio(ls: IdiomServer) -> None:
    """Talk to the editor that started the server over stdin/stdout, until stdin ends or `exit`."""
    ls.protocol.set_writer(StdoutWriter(sys.stdout.buffer))
    asyncio.run(converse(ls, FileSource(sys.stdin.buffer)))
