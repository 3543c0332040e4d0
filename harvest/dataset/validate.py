"""`idiom dataset validate`: check JSONL files against OpenAI's fine-tuning format and estimate the cost.

The chat rules follow OpenAI's fine-tuning guide: every line a JSON object with a `messages` list of
system/user/assistant messages carrying string content, at least one non-empty assistant message, at
least 10 examples per training file (50+ recommended), examples within the model's token limit. TRL,
instruction and fill-in-the-middle files are checked for their own fields. Token counts are estimates (see
`estimate_tokens`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

from harvest.errors import InputError
from harvest.yamltext import load_yaml

MIN_EXAMPLES = 10  # OpenAI rejects smaller training files
RECOMMENDED_EXAMPLES = 50
ROLES = frozenset({"system", "user", "assistant"})
MESSAGE_KEYS = frozenset({"role", "content", "name", "weight"})
TOKENS_PER_MESSAGE = 3  # chat framing per message, plus 3 priming the reply (OpenAI's counting recipe)
# Close to the pre-tokenisation of OpenAI's cl100k/o200k encodings: words with their leading space,
# digits in runs of up to three, punctuation runs, whitespace.
PIECE = re.compile(r"'(?:s|t|re|ve|m|ll|d)\b| ?[^\W\d_]+| ?\d{1,3}| ?[^\s\w]+|_+|\s+")


@dataclass(frozen=True)
class ModelFacts:
    """What validation needs to know about a fine-tunable model (from finetune_models.yaml)."""

    name: str
    training_per_1m: float
    max_example_tokens: int | None
    as_of: str
    source: str


@dataclass
class FileReport:
    """One JSONL file's verdict and token statistics."""

    path: str
    format: str
    examples: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    tokens: int = 0
    min_tokens: int = 0
    max_tokens: int = 0
    over_limit: int = 0


@dataclass
class Report:
    """A whole validation: every file, the training tokens and the estimated cost."""

    model: str
    epochs: int
    files: list[FileReport]
    train_tokens: int = 0
    billed_tokens: int = 0
    cost_usd: float | None = None
    price_as_of: str = ""

    @property
    def ok(self) -> bool:
        """True when no file has an error."""
        return not any(f.errors for f in self.files)


def estimate_tokens(text: str) -> int:
    """An estimate of OpenAI's token count: short pieces are one token, longer ones one per ~4 characters."""
    count = 0
    for piece in PIECE.findall(text):
        size = len(piece.strip()) or 1
        count += 1 if size <= 4 or piece.isspace() else math.ceil(size / 4)
    return count


@lru_cache(maxsize=1)
def models() -> dict[str, ModelFacts]:
    """The model table shipped with the package."""
    data = load_yaml((Path(__file__).with_name("finetune_models.yaml")).read_text(encoding="utf-8"))
    return {name: ModelFacts(name, float(v["training_per_1m"]), v.get("max_example_tokens"), str(v["as_of"]),
                             v["source"]) for name, v in data.items()}


def model_facts(name: str) -> ModelFacts:
    """Facts for `name`, or an error listing the models we know."""
    known = models()
    if name not in known:
        raise InputError(f"unknown model {name!r}; known fine-tunable models: {', '.join(known)}")
    return known[name]


def validate_path(path: Path, model_name: str, max_tokens: int | None = None, epochs: int = 3) -> Report:
    """Validate a JSONL file, or every `<format>/<split>.jsonl` of a dataset directory."""
    model = model_facts(model_name)
    if path.is_dir():
        files = sorted(path.glob("*/train.jsonl")) + sorted(path.glob("*/eval.jsonl")) + sorted(path.glob("*/test.jsonl"))
        if not files:
            raise InputError(f"{path}: no <format>/<split>.jsonl files; pass a dataset folder or a JSONL file")
    elif path.is_file():
        files = [path]
    else:
        raise InputError(f"{path}: no such file or directory")
    reports = [validate_file(f, model, max_tokens) for f in files]
    # What OpenAI would bill: the chat-format training file of a dataset folder, or the one file given.
    billed_files = [r for r in reports if r.format == "openai" and Path(r.path).name == "train.jsonl"] \
        if path.is_dir() else reports
    train_tokens = sum(r.tokens for r in billed_files)
    billed = train_tokens * epochs
    return Report(model.name, epochs, reports, train_tokens, billed,
                  round(billed / 1e6 * model.training_per_1m, 4), model.as_of)


def validate_file(path: Path, model: ModelFacts, max_tokens: int | None = None) -> FileReport:
    """Check every line of `path` against the format its first valid line shows."""
    limit = max_tokens or model.max_example_tokens
    report = FileReport(str(path), "")
    counts: list[int] = []
    with path.open(encoding="utf-8", errors="replace") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            where = f"{path.name}:{number}"
            try:
                row = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                report.errors.append(f"{where}: not valid JSON ({exc})")
                continue
            if not isinstance(row, dict):
                report.errors.append(f"{where}: each line must be a JSON object")
                continue
            report.format = report.format or _format_of(row)
            problems, tokens = CHECKERS[report.format](row)
            report.errors += [f"{where}: {p}" for p in problems]
            report.examples += 1
            counts.append(tokens)
            if limit and tokens > limit:
                report.over_limit += 1
                report.warnings.append(f"{where}: ≈{tokens} tokens, over the {limit}-token limit (it would be truncated)")
    if counts:
        report.tokens, report.min_tokens, report.max_tokens = sum(counts), min(counts), max(counts)
    if not report.examples:  # an empty eval or test split is a choice; an empty training file is a mistake
        empty = f"{path.name}: no examples (no JSON lines in it)"
        (report.warnings if path.name in ("eval.jsonl", "test.jsonl") else report.errors).append(empty)
    if report.format == "openai" and path.name not in ("eval.jsonl", "test.jsonl"):
        if report.examples < MIN_EXAMPLES:
            report.errors.append(f"{path.name}: {report.examples} examples; OpenAI needs at least {MIN_EXAMPLES}")
        elif report.examples < RECOMMENDED_EXAMPLES:
            report.warnings.append(f"{path.name}: {report.examples} examples; OpenAI recommends 50 or more")
    report.format = report.format or "empty"
    return report


def _format_of(row: dict[str, Any]) -> str:
    if "middle" in row:
        return "fim"
    if "prompt" in row or "completion" in row:
        return "trl"
    if "instruction" in row or "output" in row:
        return "instruct"
    return "openai"


def _chat(row: dict[str, Any]) -> tuple[list[str], int]:
    """OpenAI chat rows: roles, string contents, a non-empty assistant turn."""
    messages = row.get("messages")
    if not isinstance(messages, list) or not messages:
        return ["missing `messages` (a non-empty list)"], 0
    problems: list[str] = []
    tokens = TOKENS_PER_MESSAGE
    unknown_top = sorted(set(row) - {"messages", "tools", "functions", "parallel_tool_calls"})
    if unknown_top:
        problems.append(f"unknown key(s) {', '.join(unknown_top)}")
    for index, message in enumerate(messages):
        if not isinstance(message, dict):
            problems.append(f"message {index} is not an object")
            continue
        role, content = message.get("role"), message.get("content")
        if role not in ROLES:
            problems.append(f"message {index}: role {role!r} is not one of {', '.join(sorted(ROLES))}")
        extra = sorted(set(message) - MESSAGE_KEYS)
        if extra:
            problems.append(f"message {index}: unknown key(s) {', '.join(extra)}")
        if not isinstance(content, str):
            problems.append(f"message {index}: content must be a string")
            continue
        if role == "assistant" and not content.strip():
            problems.append(f"message {index}: assistant message is empty")
        tokens += TOKENS_PER_MESSAGE + estimate_tokens(content)
    if not any(isinstance(m, dict) and m.get("role") == "assistant" for m in messages):
        problems.append("no assistant message")
    return problems, tokens


def _fields(*required: str, optional: tuple[str, ...] = ()):
    def check(row: dict[str, Any]) -> tuple[list[str], int]:
        problems = [f"`{key}` must be a non-empty string" for key in required
                    if not isinstance(row.get(key), str) or not row[key].strip()]
        problems += [f"`{key}` must be a string" for key in optional if not isinstance(row.get(key, ""), str)]
        text = "".join(str(row.get(k, "")) for k in (*required, *optional))
        return problems, estimate_tokens(text)
    return check


CHECKERS = {"openai": _chat, "trl": _fields("prompt", "completion"),
            "instruct": _fields("instruction", "output", optional=("input",)),
            "fim": _fields("middle", "span", "order", optional=("prefix", "suffix", "path", "language"))}
