"""A local HTTP server speaking OpenAI's chat-completions, completions (the fill-in-the-middle path of
vLLM, Ollama, llama.cpp and TGI), Files and Fine-tuning APIs and Anthropic's messages wire format.

The real SDKs talk to it over real HTTP. Tests script its answers (status codes, delays) and read
back every request it received, headers and body, to check what left the client.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Script:
    """What the server answers next: (status, delay seconds) per request, then 200s."""

    replies: list[tuple[int, float]] = field(default_factory=list)
    text: str = "export const Answer = () => null;\n"
    texts: list[str] = field(default_factory=list)  # answers for the next requests, before `text`
    answer: Callable[[str], str] | None = None  # the answer to a prompt (a completion's, or the last message's)
    requests: list[dict] = field(default_factory=list)
    job_polls: int = 2  # status checks a fine-tuning job stays "running" for
    job_fails: bool = False
    uploads: dict[str, bytes] = field(default_factory=dict)  # file id -> content


def _handler(script: Script) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real providers do: clients reuse their connection
        def log_message(self, *args: object) -> None:
            return

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            script.requests.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                                    "body": None})
            path = self.path.split("?")[0]
            if path.endswith("/events"):
                self._send(200, _page([{"object": "fine_tuning.job.event", "id": "ev1", "created_at": 1,
                                        "level": "info", "message": "Fine-tuning job started"}]))
            elif path.endswith("/checkpoints"):
                self._send(200, _page([{"object": "fine_tuning.job.checkpoint", "id": f"ckpt{n}", "created_at": n,
                                        "fine_tuned_model_checkpoint": f"ft:gpt-4o-mini:acme::ckpt{n}",
                                        "fine_tuning_job_id": "ftjob-1", "step_number": n * 10,
                                        "metrics": {"train_loss": 2.0 / n, "valid_loss": 2.5 / n}}
                                       for n in (1, 2)]))
            elif "/fine_tuning/jobs/" in path:
                script.job_polls -= 1
                status = "running" if script.job_polls > 0 else ("failed" if script.job_fails else "succeeded")
                self._send(200, _job(status))
            else:
                self._send(404, {"error": {"message": "no such endpoint"}})

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            raw = self.rfile.read(int(self.headers.get("content-length", 0)))
            if self.path.endswith("/files"):
                file_id = f"file-{len(script.uploads) + 1}"
                script.uploads[file_id] = raw
                self._send(200, {"object": "file", "id": file_id, "bytes": len(raw), "created_at": 0,
                                 "filename": "train.jsonl", "purpose": "fine-tune", "status": "processed"})
                return
            body = json.loads(raw or b"{}")
            script.requests.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                                    "body": body})
            status, delay = script.replies.pop(0) if script.replies else (200, 0.0)
            time.sleep(delay)
            if status != 200:
                self._send(status, {"error": {"type": "error", "message": f"scripted {status}"}})
            elif self.path.endswith("/chat/completions"):
                self._send(200, {"id": "c1", "object": "chat.completion", "created": 0, "model": body["model"],
                                 "choices": [{"index": 0, "finish_reason": "stop",
                                              "message": {"role": "assistant", "content": _answer(script, body)}}],
                                 "usage": {"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150}})
            elif self.path.endswith("/completions"):  # the legacy completions endpoint FIM servers keep
                self._send(200, {"id": "t1", "object": "text_completion", "created": 0, "model": body["model"],
                                 "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                                              "text": _answer(script, body)}],
                                 "usage": {"prompt_tokens": 90, "completion_tokens": 10, "total_tokens": 100}})
            elif self.path.endswith("/fine_tuning/jobs"):
                self._send(200, _job("queued"))
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


def _answer(script: Script, body: dict) -> str:
    """The scripted answer to a chat or completions request."""
    if script.answer is not None:
        return script.answer(body["prompt"] if "prompt" in body else body["messages"][-1]["content"])
    return script.texts.pop(0) if script.texts else script.text


def _page(items: list[dict]) -> dict:
    return {"object": "list", "data": items, "has_more": False}


def _job(status: str) -> dict:
    """A fine-tuning job object in `status`."""
    done = status in ("succeeded", "failed")
    return {"object": "fine_tuning.job", "id": "ftjob-1", "created_at": 100, "finished_at": 160 if done else None,
            "model": "gpt-4o-mini-2024-07-18", "organization_id": "org", "result_files": [], "seed": 42,
            "status": status, "training_file": "file-1", "validation_file": "file-2", "hyperparameters": {},
            "fine_tuned_model": "ft:gpt-4o-mini-2024-07-18:acme::abc123" if status == "succeeded" else None,
            "trained_tokens": 240_000 if status == "succeeded" else None,
            "error": {"code": "invalid_training_file", "message": "Too few examples", "param": None}
            if status == "failed" else None}


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
