"""What flows through the router: a chat request to a provider and its result, with usage, cost and latency."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Message:
    """One chat message as sent to a model."""

    role: str  # system, user, assistant
    content: str


@dataclass(frozen=True)
class Usage:
    """Tokens billed for one call, as the provider reported them (or the local tokenizer counted them)."""

    input_tokens: int = 0
    output_tokens: int = 0


@dataclass(frozen=True)
class Infill:
    """Code to fill in, for a provider's completions path (router/fim): the code before and after the hole,
    the context as commented file headers (in front of the prefix), the model family ("" = the provider
    finds it), the order (psm, spm) and the endpoint (raw: the family's layout as the prompt; suffix: the
    server's own template, given `prompt` and `suffix`)."""

    prefix: str
    suffix: str
    header: str = ""
    family: str = ""
    order: str = "psm"
    endpoint: str = "raw"


@dataclass(frozen=True)
class ChatRequest:
    """A request to a provider: the messages and how to sample; with `infill`, a provider that can infill
    sends that instead of the messages."""

    model: str
    messages: tuple[Message, ...]
    max_tokens: int = 512
    temperature: float = 0.0
    stop: tuple[str, ...] = ()
    infill: Infill | None = None


@dataclass(frozen=True)
class ChatResult:
    """A provider's answer, with what it cost and how long it took; `sent` is what left the machine."""

    text: str
    model: str
    usage: Usage
    cost_usd: float | None
    latency_s: float
    sent: tuple[Message, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class CompletionRequest:
    """What the editor (or `idiom generate`) asks for: an instruction and/or the code around the cursor."""

    instruction: str = ""
    prefix: str = ""  # code before the cursor
    suffix: str = ""  # code after the cursor
    path: str = ""
    language: str = ""
    budget_tokens: int = 3_000  # room for examples or retrieved code in the prompt
    max_tokens: int = 512  # room for the answer


@dataclass(frozen=True)
class Completion:
    """An answer with everything the router and the ROI report need: cost, latency, the prompt sent."""

    text: str
    strategy: str
    model: str
    usage: Usage
    cost_usd: float | None
    latency_s: float
    prompt: tuple[Message, ...]
    sources: tuple[str, ...] = ()  # examples or retrieved units the prompt carried ("path:line name")
