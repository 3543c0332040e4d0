"""The byte stream under the language server: `Content-Length` headers cut it into message bodies.

The first layer of a connection (connection.py feeds its bodies to protocol.py). A header block
without a usable `Content-Length` would otherwise desynchronise the reader for good (pygls' reader
went deaf); here the bad message is dropped with one log line and reading resumes at the next header
block that parses. A message larger than `MAX_MESSAGE_BYTES` is skipped without being held in memory.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import BinaryIO, Protocol

LOG = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 64 * 1024 * 1024  # more than any document an editor syncs; bounds memory per message
MAX_HEADER_BYTES = 4096  # a header block is one or two short lines
CHUNK = 64 * 1024
_LENGTH = re.compile(rb"content-length[ \t]*:", re.IGNORECASE)  # where a header block can start
_HEADER_LINES = re.compile(rb"(?:[!-9;-~]+:[ \t!-~]*\r\n)*")  # e.g. Content-Type before Content-Length
_DIGITS = re.compile(rb"[ \t]*(\d{1,12})[ \t]*")


class ByteSource(Protocol):
    """Where the bytes come from: stdin, or a TCP connection (asyncio.StreamReader has this method)."""

    async def read(self, n: int) -> bytes:
        """Up to `n` bytes as soon as any are available; b"" at the end of the stream."""
        ...


class FileSource:
    """A blocking binary file (the server's stdin) read in a thread of its own, so the event loop
    never waits on it."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.reader = ThreadPoolExecutor(1, thread_name_prefix="idiom-stdin")

    async def read(self, n: int) -> bytes:
        """Up to `n` bytes (one read of the pipe); b"" at the end of the stream."""
        read = getattr(self.stream, "read1", self.stream.read)
        return await asyncio.get_running_loop().run_in_executor(self.reader, read, n)


@dataclass(frozen=True)
class TooLarge:
    """A message whose body was skipped: `size` bytes is over `MAX_MESSAGE_BYTES`."""

    size: int


class _Buffer:
    """The bytes read and not yet handed out: `data[start:]`. What was handed out is dropped in one go
    before the next read, so junk cut into many small pieces costs no more than reading it."""

    def __init__(self, source: ByteSource) -> None:
        self.source = source
        self.data = bytearray()
        self.start = 0
        self.ended = False

    def __len__(self) -> int:
        return len(self.data) - self.start

    async def fill(self) -> bool:
        """Read more; False at the end of the stream."""
        if self.ended:
            return False
        del self.data[:self.start]
        self.start = 0
        chunk = await self.source.read(CHUNK)
        self.ended = not chunk
        self.data += chunk
        return not self.ended

    def search(self, pattern: re.Pattern[bytes]) -> int:
        """Where `pattern` first matches, counted from the first byte not handed out; -1 when nowhere."""
        found = pattern.search(self.data, self.start)
        return found.start() - self.start if found else -1

    def find(self, needle: bytes, within: int) -> int:
        """Where `needle` starts in the next `within` bytes; -1 when not there."""
        found = self.data.find(needle, self.start, self.start + within)
        return found - self.start if found >= 0 else -1

    def peek(self, n: int) -> bytes:
        return bytes(self.data[self.start:self.start + n])

    def skip(self, n: int) -> int:
        """Hand out (and forget) up to `n` bytes; how many there were."""
        skipped = min(n, len(self))
        self.start += skipped
        return skipped

    def take(self, n: int) -> bytes:
        taken = self.peek(n)
        self.skip(n)
        return taken


async def bodies(source: ByteSource) -> AsyncIterator[bytes | TooLarge]:
    """Each message body in the stream, in order, until it ends."""
    buffer = _Buffer(source)
    resyncing = False  # after a bad header: what follows up to the next header was its body
    while True:
        at = buffer.search(_LENGTH)
        if at < 0:
            # Bounded memory for junk; the tail kept could be a "Content-Length:" cut by the read.
            surplus = len(buffer) - len(b"content-length \t:")
            if surplus > CHUNK:
                _dropped(buffer.take(surplus), resyncing)
                resyncing = True
            if not await buffer.fill():
                _dropped(buffer.take(len(buffer)), resyncing)
                return
            continue
        prefix = buffer.take(at)
        if not _HEADER_LINES.fullmatch(prefix):
            _dropped(prefix, resyncing)
        resyncing = False
        end = buffer.find(b"\r\n\r\n", MAX_HEADER_BYTES)
        while end < 0 and len(buffer) < MAX_HEADER_BYTES and await buffer.fill():
            end = buffer.find(b"\r\n\r\n", MAX_HEADER_BYTES)
        block = buffer.peek(end) if end >= 0 else None
        size = _content_length(block) if block is not None else None
        if size is None:
            if end < 0 and buffer.ended and len(buffer) < MAX_HEADER_BYTES:
                LOG.warning("dropped %d bytes at the end of the stream: an unfinished header", len(buffer))
                return
            LOG.warning("dropped a message: its header has no usable Content-Length (%r)",
                        buffer.peek(60).split(b"\r\n\r\n")[0])
            # A block of proper header lines goes whole; anything else may hide the next message's
            # header (e.g. LF-only line ends), so reading resumes just after this header's name.
            buffer.skip(end + 4 if block is not None and _proper(block) else len(b"content-length:"))
            resyncing = True
            continue
        buffer.skip(end + 4)
        if size > MAX_MESSAGE_BYTES:
            if not await _skip(buffer, size):
                return
            yield TooLarge(size)
            continue
        while len(buffer) < size and await buffer.fill():
            pass
        if len(buffer) < size:
            LOG.warning("the stream ended %d bytes into a message of %d bytes; dropped it", len(buffer), size)
            return
        yield buffer.take(size)


def frame(body: bytes) -> bytes:
    """`body` as one message on the stream."""
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _proper(block: bytes) -> bool:
    """Whether a header block is made of header lines only, with no other header starting mid-line."""
    return bool(_HEADER_LINES.fullmatch(block + b"\r\n")) and all(
        block[found.start() - 2:found.start()] == b"\r\n" for found in _LENGTH.finditer(block, 1))


def _content_length(block: bytes) -> int | None:
    """The one Content-Length of a header block (starting at that header), or None when it has none
    that parses or two that disagree."""
    lengths = set()
    for line in block.split(b"\r\n"):
        name, colon, value = line.partition(b":")
        if colon and name.strip().lower() == b"content-length":
            digits = _DIGITS.fullmatch(value)
            if digits is None:
                return None
            lengths.add(int(digits.group(1)))
    return lengths.pop() if len(lengths) == 1 else None


async def _skip(buffer: _Buffer, size: int) -> bool:
    """Discard the next `size` bytes as they arrive; False when the stream ends first."""
    LOG.warning("skipped a message of %d bytes: the limit is %d", size, MAX_MESSAGE_BYTES)
    left = size
    while left:
        left -= buffer.skip(left)
        if left and not await buffer.fill():
            LOG.warning("the stream ended inside a skipped message")
            return False
    return True


def _dropped(junk: bytes, resyncing: bool) -> None:
    """Log bytes that were not part of any message, unless they were the body of a bad header's
    message (already logged) or only whitespace."""
    if junk.strip() and not resyncing:
        LOG.warning("dropped %d bytes that were not a message: %r", len(junk), junk[:60])
