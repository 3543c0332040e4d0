"""A local HTTP server speaking OpenAI's chat-completions and Anthropic's messages wire formats.

The real SDKs talk to it over real HTTP. Tests script its answers (status codes, delays) and read
back every request it received, headers and body, to check what left the client.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Script:
    """What the server answers next: (status, delay seconds) per request, then 200s."""

    replies: list[tuple[int, float]] = field(default_factory=list)
    text: str = "export const Answer = () => null;\n"
    requests: list[dict] = field(default_factory=list)


def _handler(script: Script) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
            script.requests.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                                    "body": body})
            status, delay = script.replies.pop(0) if script.replies else (200, 0.0)
            time.sleep(delay)
            if status != 200:
                self._send(status, {"error": {"type": "error", "message": f"scripted {status}"}})
            elif self.path.endswith("/chat/completions"):
                self._send(200, {"id": "c1", "object": "chat.completion", "created": 0, "model": body["model"],
                                 "choices": [{"index": 0, "finish_reason": "stop",
                                              "message": {"role": "assistant", "content": script.text}}],
                                 "usage": {"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150}})
            elif self.path.endswith("/messages"):
                self._send(200, {"id": "m1", "type": "message", "role": "assistant", "model": body["model"],
                                 "content": [{"type": "text", "text": script.text}], "stop_reason": "end_turn",
                                 "stop_sequence": None, "usage": {"input_tokens": 200, "output_tokens": 40}})
            else:
                self._send(404, {"error": {"message": "no such endpoint"}})

        def _send(self, status: int, payload: dict) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # a client that timed out left
                self.wfile.write(data)

    return Handler


@contextmanager
def fake_llm() -> Iterator[tuple[str, Script]]:
    """Serve on 127.0.0.1 (a free port) for the duration; yields (base URL, script)."""
    script = Script()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(script))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", script
    finally:
        server.shutdown()
        server.server_close()
