"""Forbidden patterns: a catalogue of things teams often ban, proposed where this team's code never does them.

Each entry names the files it is about; the rule is measured on exactly those files, so a pattern
that appears where it belongs (hex colours in the theme file) does not count against it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice

from harvest.config import HarvestConfig
from harvest.conventions.mine import MAX_EVIDENCE, Corpus
from harvest.conventions.miners.base import folder_globs
from harvest.conventions.rules import Rule
from harvest.records import FileRecord

JS = frozenset({"javascript", "typescript", "tsx"})
TS = frozenset({"typescript", "tsx"})
# Not after a word character or `&` (`&#123;` is an HTML entity); RE2 has no lookbehind, so the character
# before is part of the match (never a newline, so the hit stays on its own line).
HEX_COLOUR = r"""(?:^|[^\w&\n])#(?:[0-9a-fA-F]{8}|[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b"""


@dataclass(frozen=True)
class Candidate:
    """A pattern teams often forbid, and the files where it would be a smell."""

    id: str
    pattern: str
    message: str
    scope: Callable[[FileRecord], bool]
    counterpart: str = ""  # what the team writes instead; its lines are the rule's positive evidence
    names: tuple[str, ...] = ()  # how a reviewer names it in backticks (`var`, `any`)


def _styled(f: FileRecord) -> bool:
    return f.language in JS and f.kind == "source" and ("styled-components" in f.text or "@emotion" in f.text)


def _js_source(f: FileRecord) -> bool:
    return f.language in JS and f.kind == "source"


def _py_source(f: FileRecord) -> bool:
    return f.language == "python" and f.kind == "source"


CATALOGUE = (
    Candidate("no-hex-colours-in-styles", HEX_COLOUR, "Take colours from theme tokens, never hex literals, in styled code", _styled,
              r"\btheme\.colou?rs?\.\w+"),
    Candidate("no-console-log", r"\bconsole\.log\(", "Do not leave `console.log(` in source code", _js_source),
    Candidate("no-explicit-any", r":\s*any\b|<any>|as any\b", "Do not type values as `any`",
              lambda f: f.language in TS and f.kind in ("source", "test"), names=("any",)),
    Candidate("no-var", r"^\s*var\s", "Declare with `const`/`let`, never `var`", lambda f: f.language in JS,
              r"^\s*(?:export\s+)?(?:const|let)\s", ("var",)),
    Candidate("no-default-export", r"^export\s+default\b", "Use named exports, not `export default`", _js_source,
              r"^export\s+(?:const|function|class|interface|type)\s", ("export default", "default export")),
    Candidate("no-ts-ignore", r"@ts-ignore", "Do not silence the type checker with `@ts-ignore`", lambda f: f.language in TS),
    Candidate("no-then-chains", r"\.then\(", "Use `async`/`await`, not `.then(` chains", _js_source, r"\bawait\s",
              (".then", "then(")),
    Candidate("no-print", r"^\s*print\(", "Log instead of `print(` in application code", _py_source,
              names=("print", "print()")),
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
        scope = [f for f in corpus.files if candidate.scope(f)]
        if scope:
            rules.append(Rule(candidate.id, "not-regex", candidate.pattern, candidate.message,
                              folder_globs(f.path for f in scope), evidence=_counterparts(candidate, scope),
                              source="forbidden"))
    return rules


def _counterparts(candidate: Candidate, scope: list[FileRecord]) -> tuple[str, ...]:
    """Up to MAX_EVIDENCE "path:line" places doing what the team does instead (`theme.colors.primary`)."""
    if not candidate.counterpart:
        return ()
    pattern = re.compile(candidate.counterpart, re.MULTILINE)
    # The first place per file: five files doing it say more than five lines of one.
    found = ((f, pattern.search(f.text)) for f in scope)
    places = (f"{f.path}:{f.text.count(chr(10), 0, m.start()) + 1}" for f, m in found if m)
    return tuple(islice(places, MAX_EVIDENCE))


def catalogue_pattern(text: str) -> Candidate | None:
    """The catalogue entry a piece of review text is about ("inline hex colours" → hex colours)."""
    lowered = text.lower()
    if re.search(r"\b(hex|colou?rs?)\b", lowered):
        return CATALOGUE[0]
    return next((c for c in CATALOGUE if text.strip() in c.names or re.search(c.pattern, text)), None)
