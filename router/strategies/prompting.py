"""What the few-shot and RAG strategies share: the task text, the token budget, and the final call."""

from __future__ import annotations

from collections.abc import Sequence

from harvest.dataset.validate import estimate_tokens
from harvest.scrub import STRICT, scrub
from router.config import RouterConfig
from router.contracts import ChatRequest, Completion, CompletionRequest, Message
from router.errors import RouterError
from router.providers import provider

SYSTEM = ("You write code the way this team writes it: their structure, naming, tests and error handling. "
          "Answer with code only.")
CONTEXT_LINES = 60
CONTEXT_CHARS = 6_000  # per side of the cursor: a minified or generated one-line file must not go whole


def task_text(request: CompletionRequest) -> str:
    """The user's turn: the instruction, then the file and the code around the cursor."""
    parts = [request.instruction or "Continue the code at the cursor."]
    if request.path:
        parts.append(f"File: {request.path}")
    if request.prefix:
        parts.append("Code before the cursor:\n" + _window(request.prefix, before=True))
    if request.suffix:
        parts.append("Code after the cursor:\n" + _window(request.suffix, before=False))
    return "\n\n".join(parts)


def _window(code: str, before: bool) -> str:
    """At most CONTEXT_LINES lines and CONTEXT_CHARS characters of `code` next to the cursor, scrubbed
    before they are cut out. Cut first, the window can begin inside a private key below its BEGIN line,
    or between a password's name and its value, and the guard then sees random lines with nothing that
    says they are secret. Twice the window around them gives the detectors that context."""
    lines = code.splitlines()
    wide = "\n".join(lines[-CONTEXT_LINES * 2:] if before else lines[:CONTEXT_LINES * 2])
    wide = wide[-CONTEXT_CHARS * 2:] if before else wide[:CONTEXT_CHARS * 2]
    clean = scrub(wide, profile=STRICT).text.split("\n")  # the scrubber keeps the line count
    kept = "\n".join(clean[-CONTEXT_LINES:] if before else clean[:CONTEXT_LINES])
    return kept[-CONTEXT_CHARS:] if before else kept[:CONTEXT_CHARS]


def fits(texts: Sequence[str], budget: int) -> int:
    """How many of `texts`, taken in order, fit in `budget` estimated tokens."""
    used = 0
    for count, text in enumerate(texts):
        used += estimate_tokens(text)
        if used > budget:
            return count
    return len(texts)


def answer(strategy: str, messages: tuple[Message, ...], request: CompletionRequest, config: RouterConfig,
           sources: tuple[str, ...]) -> Completion:
    """Send `messages` to the configured provider and wrap the result as a Completion; a prompt over
    `[router] max_prompt_chars` is refused before anything is sent."""
    size = sum(len(m.content) for m in messages)
    if size > config.max_prompt_chars:
        raise RouterError(f"{strategy}: the prompt would be {size:,} characters, over [router] max_prompt_chars "
                          f"({config.max_prompt_chars:,}); select less code, or raise the limit")
    result = provider(config.provider)(ChatRequest(config.model, messages, max_tokens=request.max_tokens), config)
    return Completion(result.text, strategy, result.model, result.usage, result.cost_usd, result.latency_s,
                      result.sent or messages, sources)
