"""`POST /v1/chat/completions`, OpenAI-compatible: any client that speaks OpenAI's chat API uses the team's
router as its model. `model` is `idiom` (routed) or `idiom/<strategy>`; the repository and the file come from
the headers `X-Idiom-Repository` and `X-Idiom-Path` or the request's `metadata` (`repository`, `path`). The
last user message is the instruction; the answer is the routed one, checked and logged as the editor's.
`stream: true` sends it as server-sent events in OpenAI's chunk format, ending with `data: [DONE]`. Errors
take OpenAI's shape here (`{"error": {"message": ...}}`), so its clients show the one line."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from router.routing import Routed
from server.agents import tools
from server.api.auth import Caller, State
from server.api.code_routes import allowed_strategies

router = APIRouter(prefix="/v1", tags=["openai"])
MODEL = "idiom"
PATH = "/v1/chat/completions"


class Message(BaseModel):
    role: str
    content: str | list[dict[str, Any]] | None = None


class ChatBody(BaseModel):
    model: str = MODEL
    messages: list[Message] = Field(min_length=1)
    stream: bool = False
    metadata: dict[str, str] = {}
    max_tokens: int | None = None
    temperature: float | None = None


def strategy_of(model: str) -> str:
    """"" for `idiom` (routed), the strategy for `idiom/<strategy>`; 422 for any other model."""
    name, slash, strategy = model.partition("/")
    if name != MODEL or (slash and not strategy):
        raise HTTPException(422, f"unknown model {model!r}; use {MODEL} (routed) or {MODEL}/<strategy>")
    return strategy


def instruction_of(messages: list[Message]) -> str:
    """The last user message's text (its text parts, for a message in parts)."""
    for message in reversed(messages):
        if message.role == "user":
            content = message.content or ""
            if isinstance(content, list):
                content = "\n".join(str(part.get("text", "")) for part in content if part.get("type") == "text")
            return content
    raise HTTPException(422, "messages hold no user message; send the instruction as one")


@router.post(PATH.removeprefix("/v1"), response_model=None)
def chat_completions(body: ChatBody, request: Request, token: Caller, state: State) -> dict[str, Any] | StreamingResponse:
    """The routed answer to the last user message, as an OpenAI chat completion (or its chunks)."""
    repository = request.headers.get("x-idiom-repository") or body.metadata.get("repository", "")
    path = request.headers.get("x-idiom-path") or body.metadata.get("path", "")
    if not repository:
        raise HTTPException(422, "say which repository: the header X-Idiom-Repository or metadata.repository")
    served = state.repository(repository, token)
    allowed = allowed_strategies(strategy_of(body.model))
    generated = tools.generate_request(served, instruction_of(body.messages), path)
    started = time.perf_counter()
    routed = tools.routed(served, generated, allowed, token.developer)
    state.metrics.observe(repository, routed, time.perf_counter() - started)
    answer = tools.answer_json(routed)
    reply = {"id": f"chatcmpl-{uuid.uuid4().hex}", "created": int(time.time()),
             "model": f"{MODEL}/{answer['strategy']}" if answer["strategy"] else MODEL,
             "idiom": {key: answer[key] for key in ("request_id", "kind", "strategy", "reason", "answered")}}
    if body.stream:
        return StreamingResponse(_chunks(reply, answer["text"]), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache"})
    return {**reply, "object": "chat.completion",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": answer["text"]}}],
            "usage": _usage(routed)}


def _usage(routed: Routed) -> dict[str, int]:
    used = routed.completion.usage if routed.completion else None
    prompt, completion = (used.input_tokens, used.output_tokens) if used else (0, 0)
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _chunks(reply: dict[str, Any], text: str) -> Iterator[str]:
    """The answer line by line as `chat.completion.chunk` events: the role first, the text, then `stop`."""
    def event(delta: dict[str, str], finish: str | None = None) -> str:
        chunk = {**reply, "object": "chat.completion.chunk",
                 "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        return f"data: {json.dumps(chunk)}\n\n"

    yield event({"role": "assistant", "content": ""})
    for line in text.splitlines(keepends=True):
        yield event({"content": line})
    yield event({}, "stop")
    yield "data: [DONE]\n\n"
