"""Infilling with chat-only models (GPT, Claude): an instruction tuned for fragments, a stop at the
suffix's next line, and the answer trimmed of what such models add anyway (fences, the suffix again).

The trim applies to every infill answer, FIM models' too: a base model may run on into the suffix.
"""

from __future__ import annotations

from router.contracts import Message

CURSOR = "<CURSOR>"
SYSTEM = ("You fill in code at the cursor, the way this team writes it. Answer with only the code that goes "
          f"where {CURSOR} is: no explanation, no Markdown fences, and nothing that is already before or after "
          "the cursor. The answer may be part of a line, a few lines or a block, and may be empty.")


def fragment_messages(path: str, prefix: str, suffix: str, header: str = "") -> tuple[Message, ...]:
    """The chat prompt for filling the hole between `prefix` and `suffix`; `header` (commented context)
    opens the file, as it does in a FIM prompt."""
    where = f"File: {path}\n" if path else ""
    return (Message("system", SYSTEM),
            Message("user", f"{where}```\n{header}{prefix}{CURSOR}{suffix}\n```\nThe code at {CURSOR}:"))


def suffix_stop(prefix: str, suffix: str) -> tuple[str, ...]:
    """A stop sequence at the start of the first whole non-blank line after the cursor (newline included,
    so a line of the answer that merely contains the same text does not stop it); none when there is none."""
    for line in _whole_lines(prefix, suffix):
        if line.strip():
            return ("\n" + line,)
    return ()


def trim_answer(text: str, prefix: str, suffix: str) -> str:
    """`text` without a Markdown fence around it (unless the file has fences of its own) and without
    trailing lines that repeat the suffix's lines."""
    return _without_suffix(text if "```" in prefix + suffix else _unfenced(text), prefix, suffix)


def _whole_lines(prefix: str, suffix: str) -> list[str]:
    """The suffix's whole lines: all of them when the cursor is at the start of a line, else those after
    the rest of the cursor's line."""
    lines = suffix.split("\n")
    return lines if not prefix or prefix.endswith("\n") else lines[1:]


def _unfenced(text: str) -> str:
    """The code inside a ```fence```, when the whole answer is one; else `text` unchanged."""
    stripped = text.strip()
    if not stripped.startswith("```"):
        return text
    lines = stripped.split("\n")
    body = lines[1:-1] if len(lines) > 1 and lines[-1].strip() == "```" else lines[1:]
    return "\n".join(body)


def _without_suffix(text: str, prefix: str, suffix: str) -> str:
    """`text` cut before its earliest line from which every remaining non-blank line equals, in order,
    the suffix's first whole lines (compared without surrounding spaces): the model wrote on past the hole.
    Only whole lines count; an overlap inside a line (a closing bracket) may be the answer's own."""
    at_line_start = not prefix or prefix.endswith("\n")
    expected = [line.strip() for line in _whole_lines(prefix, suffix) if line.strip()]
    lines = text.split("\n")
    for start in range(1 if not at_line_start else 0, len(lines)):
        tail = [line.strip() for line in lines[start:] if line.strip()]
        if tail and tail == expected[:len(tail)]:
            kept = "\n".join(lines[:start]).rstrip(" \t")
            return kept + "\n" if at_line_start and start else kept  # the suffix's line starts a line
    return text
