"""A raw JSON-RPC peer for the real `idiom serve`: sends any bytes (framed or not), parses every message
the server writes, keeps all it received, and answers the server's own requests. For the inputs a
real client library would refuse to send."""

from __future__ import annotations

import asyncio
import json
import os
from typing import IO, Any

WAIT_S = 60.0
ANSWERS = {"workspace/applyEdit": {"applied": False}}  # what the peer says to the server's requests


def frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class Wire:
    """One connection to the server: stdin/stdout of its process, or a TCP socket."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                 process: asyncio.subprocess.Process | None = None) -> None:
        self.reader, self.writer, self.process = reader, writer, process
        self.received: list[dict[str, Any]] = []
        self.raw = bytearray()  # every byte the server wrote

    @classmethod
    async def stdio(cls, command: list[str], env: dict[str, str], log: IO[bytes] | None = None) -> Wire:
        """Start the server with its stderr (its own log) going to `log`, or nowhere."""
        process = await asyncio.create_subprocess_exec(
            *command, env=env, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=log or asyncio.subprocess.DEVNULL, limit=64 * 1024 * 1024)
        return cls(process.stdout, process.stdin, process)

    @classmethod
    async def tcp(cls, port: int) -> Wire:
        for _ in range(200):  # the listener opens right after the server prints its token
            try:
                return cls(*await asyncio.open_connection("127.0.0.1", port))
            except ConnectionRefusedError:
                await asyncio.sleep(0.05)
        raise AssertionError(f"nothing listens on port {port}")

    def send_raw(self, data: bytes) -> None:
        self.writer.write(data)

    def send(self, message: dict[str, Any] | bytes) -> None:
        """One framed message: a dict as JSON, bytes as they are."""
        self.send_raw(frame(message if isinstance(message, bytes) else json.dumps(message).encode()))

    def request(self, msg_id: int | str, method: str, params: Any = None) -> None:
        self.send({"jsonrpc": "2.0", "id": msg_id, "method": method,
                   **({} if params is None else {"params": params})})

    def notify(self, method: str, params: Any = None) -> None:
        self.send({"jsonrpc": "2.0", "method": method, **({} if params is None else {"params": params})})

    async def message(self, timeout: float = WAIT_S) -> dict[str, Any] | None:
        """The server's next message (its requests answered on the way), or None when it closed."""
        try:
            header = await asyncio.wait_for(self.reader.readuntil(b"\r\n\r\n"), timeout)
        except asyncio.IncompleteReadError as ended:
            self.raw += ended.partial
            return None
        length = next(int(line.split(b":")[1]) for line in header.split(b"\r\n")
                      if line.lower().startswith(b"content-length:"))
        body = await asyncio.wait_for(self.reader.readexactly(length), timeout)
        self.raw += header + body
        message = json.loads(body)
        self.received.append(message)
        if "method" in message and "id" in message:
            self.send({"jsonrpc": "2.0", "id": message["id"], "result": ANSWERS.get(message["method"])})
        return message

    async def reply(self, msg_id: int | str | None) -> dict[str, Any]:
        """The server's response to `msg_id` (None: a response without an id)."""
        while True:
            message = await self.message()
            assert message is not None, f"the server closed the connection before answering {msg_id!r}"
            if "method" not in message and message.get("id") == msg_id:
                return message

    async def closed(self) -> bool:
        """Whether the server closes the connection (reading whatever it still sends)."""
        while (await self.message()) is not None:
            pass
        return True

    async def initialize(self, options: dict[str, Any] | None = None, msg_id: int | str = "init",
                         root_uri: str | None = None) -> dict[str, Any]:
        """initialize (+ initialized when it succeeds); returns the response."""
        self.request(msg_id, "initialize", {"processId": os.getpid(), "capabilities": {}, "rootUri": root_uri,
                                            "initializationOptions": options or {}})
        answer = await self.reply(msg_id)
        if "result" in answer:
            self.notify("initialized", {})
        return answer

    async def end(self) -> int | None:
        """shutdown + exit; the process's exit code (stdio) once it has ended."""
        self.request("shutdown", "shutdown")
        await self.reply("shutdown")
        self.notify("exit")
        if self.process is None:
            return None
        return await asyncio.wait_for(self.process.wait(), WAIT_S)

    async def stop(self) -> None:
        """Make sure the server process is gone (after a failure)."""
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        self.writer.close()
