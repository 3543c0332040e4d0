"""Forbidden patterns: a catalogue of things teams often ban, proposed where this team's code never does them.

Each entry names the files it is about; the rule is measured on exactly those files, so a pattern
that appears where it belongs (hex colours in the theme file) does not count against it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from harvest.config import HarvestConfig
from harvest.conventions.mine import Corpus
from harvest.conventions.miners.base import folder_globs
from harvest.conventions.rules import Rule
from harvest.records import FileRecord

JS = frozenset({"javascript", "typescript", "tsx"})
TS = frozenset({"typescript", "tsx"})
HEX_COLOUR = r"""(?<![\w&])#(?:[0-9a-fA-F]{8}|[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b"""


@dataclass(frozen=True)
class Candidate:
    """A pattern teams often forbid, and the files where it would be a smell."""

    id: str
    pattern: str
    message: str
    scope: Callable[[FileRecord], bool]


def _styled(f: FileRecord) -> bool:
    return f.language in JS and f.kind == "source" and ("styled-components" in f.text or "@emotion" in f.text)


def _js_source(f: FileRecord) -> bool:
    return f.language in JS and f.kind == "source"


def _py_source(f: FileRecord) -> bool:
    return f.language == "python" and f.kind == "source"


CATALOGUE = (
    Candidate("no-hex-colours-in-styles", HEX_COLOUR, "Take colours from theme tokens, never hex literals, in styled code", _styled),
    Candidate("no-console-log", r"\bconsole\.log\(", "Do not leave `console.log(` in source code", _js_source),
    Candidate("no-explicit-any", r":\s*any\b|<any>|as any\b", "Do not type values as `any`",
              lambda f: f.language in TS and f.kind in ("source", "test")),
    Candidate("no-var", r"^\s*var\s", "Declare with `const`/`let`, never `var`", lambda f: f.language in JS),
    Candidate("no-default-export", r"^export\s+default\b", "Use named exports, not `export default`", _js_source),
    Candidate("no-ts-ignore", r"@ts-ignore", "Do not silence the type checker with `@ts-ignore`", lambda f: f.language in TS),
    Candidate("no-then-chains", r"\.then\(", "Use `async`/`await`, not `.then(` chains", _js_source),
    Candidate("no-print", r"^\s*print\(", "Log instead of `print(` in application code", _py_source),
    Candidate("no-bare-except", r"^\s*except\s*:", "Catch specific exceptions, never a bare `except:`",
              lambda f: f.language == "python"),
    Candidate("no-star-imports", r"^from\s+\S+\s+import\s+\*", "Import names explicitly, never `import *`",
              lambda f: f.language == "python"),
    Candidate("no-type-ignore", r"#\s*type:\s*ignore", "Do not silence the type checker with `# type: ignore`",
              lambda f: f.language == "python"),
)


def forbidden(corpus: Corpus, _config: HarvestConfig) -> list[Rule]:
    """A not-regex rule per catalogue entry that has files to apply to (thresholds decide which stay)."""
    rules = []
    for candidate in CATALOGUE:
        scope = [f.path for f in corpus.files if candidate.scope(f)]
        if scope:
            rules.append(Rule(candidate.id, "not-regex", candidate.pattern, candidate.message, folder_globs(scope),
                              source="forbidden"))
    return rules


def catalogue_pattern(text: str) -> Candidate | None:
    """The catalogue entry a piece of review text is about ("inline hex colours" → hex colours)."""
    lowered = text.lower()
    if re.search(r"\b(hex|colou?rs?)\b", lowered):
        return CATALOGUE[0]
    return next((c for c in CATALOGUE if re.search(c.pattern, text)), None)
