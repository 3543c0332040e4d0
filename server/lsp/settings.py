"""The editor's settings for the language server: one typed dataclass, read from `initializationOptions`
and `workspace/didChangeConfiguration`.

The VS Code extension contributes exactly these fields (camelCase) as `idiomatic.<key>`; a test holds
the two together. API keys are never settings: providers read them from the server's environment.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from harvest.config import setting
from router.strategies.registry import NAMES, ROUTED

LAUNCH = "launch"  # the VS Code extension's own settings (how to start this server): never the server's
SESSION_KEYS = ("trusted", "token")  # read once from initialize (trust.py, protocol.py), never settings


@dataclass(frozen=True)
class ServerSettings:
    """What the editor may change while the server runs; 0 or "" defers to the repository's idiom.toml."""

    inline_enabled: bool = setting("Offer completions as you type (inline ghost text, or the completion list).", True)
    diagnostics_enabled: bool = setting("Check open files against the team's mined conventions.", True)
    strategies: tuple[str, ...] = setting("Strategies the router may use (a control such as plain "
                                                        "only when listed here).", ROUTED)
    latency_budget_s: float = setting("Seconds the cascade may spend escalating; 0 = [router] latency_budget_s "
                                      "of idiom.toml.", 0.0)
    min_pass_rate: float = setting("Pass rate a strategy must reach to be chosen; 0 = [router] min_pass_rate.", 0.0)
    provider_base_url: str = setting("The model provider's endpoint (OpenAI-compatible or Anthropic); empty = "
                                     "[router] base_url.", "")
    index_url: str = setting("A Chroma server for retrieval; empty = [index] url.", "")
    team_url: str = setting("The team server (`idiom api`) that answers completions, generate and feedback, with the "
                            "token from IDIOM_TOKEN or the OS keyring; empty = this machine's router.", "")
    team_repository: str = setting("The repository's name on the team server; empty = the workspace folder's name.",
                                   "")
    max_tokens: int = setting("Longest completion offered as you type.", 128)
    debounce_ms: int = setting("Quiet time after an edit before the file's conventions are checked again.", 400)
    max_concurrency: int = setting("Model calls in flight at once; further requests wait (and are dropped if "
                                   "superseded).", 2)


def camel(name: str) -> str:
    """`latency_budget_s` → `latencyBudgetS`: the key the editor uses."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _snake(key: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", key).lower()


def _coerce(field: dataclasses.Field, value: Any) -> Any:
    """`value` as the field's type, or ValueError saying what was expected."""
    kind = field.type
    if kind == "bool" and isinstance(value, bool):
        return value
    if kind == "int" and isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if kind == "float" and isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return float(value)
    if kind == "str" and isinstance(value, str):
        return value
    if kind == "tuple[str, ...]" and isinstance(value, list) and all(v in NAMES for v in value):
        return tuple(value)
    expected = {"bool": "true or false", "int": "a whole number ≥ 0", "float": "a number ≥ 0", "str": "a string",
                "tuple[str, ...]": f"a list of {', '.join(NAMES)}"}[kind]
    raise ValueError(f"{camel(field.name)} must be {expected}, not {value!r}")


def updated(current: ServerSettings, sent: Any) -> tuple[ServerSettings, list[str]]:
    """`current` with what the editor sent applied, and a problem per key ignored (unknown or mistyped).

    Accepts the object itself or `{"idiomatic": {...}}` (what didChangeConfiguration carries).
    """
    if isinstance(sent, dict) and isinstance(sent.get("idiomatic"), dict):
        sent = sent["idiomatic"]
    if not isinstance(sent, dict):
        return current, [] if sent is None else [f"settings must be an object, not {type(sent).__name__}"]
    fields = {f.name: f for f in dataclasses.fields(ServerSettings)}
    changes: dict[str, Any] = {}
    problems = []
    for key, value in sent.items():
        if key == LAUNCH:
            continue
        if key in SESSION_KEYS:
            problems.append(f"{key} is only read from initialize; ignored")
            continue
        field = fields.get(_snake(key))
        if field is None:
            problems.append(f"unknown setting {key!r} ignored; known: {', '.join(camel(n) for n in fields)}")
            continue
        try:
            changes[field.name] = _coerce(field, value)
        except ValueError as exc:
            problems.append(f"{exc}; keeping {getattr(current, field.name)!r}")
    return dataclasses.replace(current, **changes), problems
