"""From a file's text and a cursor (or a selection) to the `CompletionRequest` every strategy answers:
the one builder behind `idiom generate --file/--line` and the editor's completions and commands."""

from __future__ import annotations

from harvest.classify import language_of
from router.contracts import CompletionRequest


def request_in(text: str, head: int, tail: int, path: str, instruction: str = "",
               max_tokens: int = 0) -> CompletionRequest:
    """The request for code at offset `head` of `text` (the file `path`), replacing `text[head:tail]` when
    that is a selection: the selected code is shown to the model as what its answer replaces."""
    if tail > head:
        instruction = f"{instruction}\n\nThe selected code, to be replaced by your answer:\n{text[head:tail]}"
    return CompletionRequest(instruction=instruction, prefix=text[:head], suffix=text[tail:], path=path,
                             language=language_of(path) if path else "",
                             **({"max_tokens": max_tokens} if max_tokens else {}))
