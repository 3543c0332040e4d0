"""Content-Length framing (framing.py) on a real asyncio stream: good messages come through whole, a
bad header costs only its own message (one log line), and the reader never loses its place."""

from __future__ import annotations

import asyncio
import logging

import pytest

from server.lsp import framing
from server.lsp.framing import TooLarge, bodies, frame

GOOD = b'{"jsonrpc": "2.0", "id": 1, "method": "shutdown"}'
NEXT = b'{"jsonrpc": "2.0", "id": 2, "method": "shutdown"}'


async def read_all(*chunks: bytes) -> list[bytes | TooLarge]:
    stream = asyncio.StreamReader()
    for chunk in chunks:
        stream.feed_data(chunk)
    stream.feed_eof()
    return [body async for body in bodies(stream)]


@pytest.mark.parametrize("wire, expected", [
    (frame(GOOD) + frame(NEXT), [GOOD, NEXT]),
    (b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n" + frame(GOOD), [GOOD]),
    (b"content-length:   %d  \r\n\r\n%s" % (len(GOOD), GOOD), [GOOD]),
    (frame(b"") + frame(GOOD), [b"", GOOD]),
])
async def test_well_formed_messages_come_through_whole(wire, expected, caplog) -> None:
    assert await read_all(wire) == expected
    assert not caplog.records


@pytest.mark.parametrize("bad", [
    b"Content-Type: application/json\r\n\r\n" + GOOD,  # no Content-Length
    b"Content-Length: abc\r\n\r\n" + GOOD,  # not a number
    b"Content-Length: -5\r\n\r\n" + GOOD,
    b"Content-Length: 5\r\nContent-Length: 9\r\n\r\n" + GOOD,  # two that disagree
    b"Content-Length: %d\n\n%s" % (len(GOOD), GOOD),  # LF instead of CRLF
    b"Content-Length: " + b"7" * 5000 + b"\r\n\r\n" + GOOD,  # header too long
    b"Hello, server!\r\n\r\n",  # not a message at all
    b"\x00\xff" * 70_000,  # more junk than one read
])
async def test_a_bad_header_costs_its_own_message_only(bad, caplog) -> None:
    caplog.set_level(logging.WARNING, "server.lsp.framing")
    assert await read_all(frame(GOOD) + bad + frame(NEXT)) == [GOOD, NEXT]
    assert len(caplog.records) == 1 and caplog.records[0].message.startswith("dropped")


async def test_a_short_length_yields_the_cut_body_and_the_next_message_is_found() -> None:
    assert await read_all(b"Content-Length: 10\r\n\r\n" + GOOD + frame(NEXT)) == [GOOD[:10], NEXT]


async def test_a_message_arriving_byte_by_byte_is_read_once_whole() -> None:
    wire = frame(GOOD) + frame(NEXT)
    assert await read_all(*(wire[i:i + 1] for i in range(len(wire)))) == [GOOD, NEXT]


async def test_the_stream_ending_inside_a_message_ends_reading_with_one_line(caplog) -> None:
    assert await read_all(frame(GOOD) + b"Content-Length: 500\r\n\r\n" + GOOD) == [GOOD]
    assert [r.message for r in caplog.records] == [(f"the stream ended {len(GOOD)} bytes into a message of 500 "
                                                   f"bytes; dropped it")]
    assert await read_all(b"Content-Length: 50") == []


async def test_a_message_over_the_limit_is_skipped_not_held(monkeypatch, caplog) -> None:
    monkeypatch.setattr(framing, "MAX_MESSAGE_BYTES", 100)
    huge = b'{"x": "' + b"a" * 1000 + b'"}'
    assert await read_all(frame(huge) + frame(GOOD)) == [TooLarge(len(huge)), GOOD]
    assert "skipped a message of 1009 bytes" in caplog.records[0].message
