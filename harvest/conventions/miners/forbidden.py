"""Forbidden patterns: a catalogue of things teams often ban, proposed where this team's code never does them.

The entries are the usual lint bans of each language (ESLint's no-console, no-debugger, no-eval, no-var;
flake8's print and breakpoint checks; golangci-lint's forbidigo on `fmt.Print…`; PMD and Checkstyle on
`System.out`, `printStackTrace()` and `System.exit`), each on the kinds of file where it would be a smell:
`console.log(` in source code, not in tests. Demo code (examples, stories, fixtures) is written to show,
not to ship: it is held to a ban only when there are enough demos (`min_support`) to measure, with the
source; where the demos never do it either, a new demo is held to it; where they do (a tutorial prints),
the exceptions cluster in the examples and mining leaves them out (harvest.conventions.scope). The bans
about the language rather than about shipped code (`var`, `debugger`, `import *`, silencing the type
checker) hold for tests, config and build files (setup.py) too. A rule reaches every file of those kinds
in the language; hex colours are about styled code only, so their rule stays on the folders of the files
measured.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice

from harvest.config import HarvestConfig
from harvest.conventions.corpus import Corpus
from harvest.conventions.measure import MAX_EVIDENCE
from harvest.conventions.miners.base import extension_globs, folder_globs
from harvest.conventions.rules import Rule
from harvest.records import FileRecord

JS = frozenset({"javascript", "typescript", "tsx"})
TS = frozenset({"typescript", "tsx"})
PYTHON = frozenset({"python"})
GO = frozenset({"go"})
JAVA = frozenset({"java"})
SOURCE = ("source", "example")
CODE = ("source", "test", "test-support", "example", "config", "build")
# Not after a word character or `&` (`&#123;` is an HTML entity); RE2 has no lookbehind, so the character
# before is part of the match (never a newline, so the hit stays on its own line).
HEX_COLOUR = r"""(?:^|[^\w&\n])#(?:[0-9a-fA-F]{8}|[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b"""


@dataclass(frozen=True)
class Candidate:
    """A pattern teams often forbid, and the files where it would be a smell."""

    id: str
    pattern: str
    message: str
    languages: frozenset[str]
    kinds: tuple[str, ...] = SOURCE
    counterpart: str = ""  # what the team writes instead; its lines are the rule's positive evidence
    names: tuple[str, ...] = ()  # how a reviewer names it in backticks (`var`, `any`)
    within: Callable[[FileRecord], bool] | None = None  # only files like these (styled code), on their folders


def in_code(call: str, comment: str = "/*") -> str:
    """`call` (a regex starting at a name) where it is code, not on a line that opens or continues a comment
    (`// fmt.Println(x)` in a Go doc comment, ` * System.out.println(…)` in Javadoc, `# breakpoint()`).
    `comment`: the characters a comment line starts with. A trailing comment after code still matches."""
    return rf"^[ \t]*(?:[^{re.escape(comment)}\s][^\n]*[^\w.$])?(?:{call})"


def _styled(f: FileRecord) -> bool:
    return "styled-components" in f.text or "@emotion" in f.text


CATALOGUE = (
    Candidate("no-hex-colours-in-styles", HEX_COLOUR, "Take colours from theme tokens, never hex literals, in styled code",
              JS, counterpart=r"\btheme\.colou?rs?\.\w+", within=_styled),
    Candidate("no-console-log", in_code(r"console\.log\("), "Do not leave `console.log(` in source code", JS),
    Candidate("no-debugger", r"^\s*debugger\b", "Do not leave `debugger` statements in code", JS, CODE),
    Candidate("no-eval", in_code(r"eval\("), "Never call `eval(`", JS, CODE),
    Candidate("no-explicit-any", r":\s*any\b|<any>|as any\b", "Do not type values as `any`", TS, ("source", "test"),
              names=("any",)),
    Candidate("no-var", r"^\s*var\s", "Declare with `const`/`let`, never `var`", JS, CODE,
              r"^\s*(?:export\s+)?(?:const|let)\s", ("var",)),
    Candidate("no-default-export", r"^export\s+default\b", "Use named exports, not `export default`", JS,
              counterpart=r"^export\s+(?:const|function|class|interface|type)\s", names=("export default", "default export")),
    Candidate("no-ts-ignore", r"@ts-ignore", "Do not silence the type checker with `@ts-ignore`", TS, CODE),
    Candidate("no-then-chains", r"\.then\(", "Use `async`/`await`, not `.then(` chains", JS, counterpart=r"\bawait\s",
              names=(".then", "then(")),
    Candidate("no-print", r"^\s*print\(", "Log instead of `print(` in application code", PYTHON,
              names=("print", "print()")),
    Candidate("no-breakpoints", in_code(r"breakpoint\(\)|pdb\.set_trace\(", "#"), "Do not leave `breakpoint()` or "
              "`pdb.set_trace()` in code", PYTHON, CODE),
    Candidate("no-bare-except", r"^\s*except\s*:", "Catch specific exceptions, never a bare `except:`", PYTHON, CODE),
    Candidate("no-star-imports", r"^from\s+\S+\s+import\s+\*", "Import names explicitly, never `import *`", PYTHON, CODE),
    Candidate("no-type-ignore", r"#\s*type:\s*ignore", "Do not silence the type checker with `# type: ignore`", PYTHON,
              CODE),
    Candidate("go-no-printing", in_code(r"fmt\.Print(?:f|ln)?\(|print(?:ln)?\("),
              "Do not print to stdout with `fmt.Print…` or `println(`: return values or log", GO),
    Candidate("go-no-log-package", in_code(r"log\.(?:Print|Fatal|Panic)(?:f|ln)?\("),
              "Do not log through the standard `log` package's `Print`/`Fatal`/`Panic`", GO),
    Candidate("go-no-panic", in_code(r"panic\("), "Return errors, do not `panic(`", GO),
    Candidate("go-no-sleep-in-tests", in_code(r"time\.Sleep\("), "Synchronise tests on channels or conditions, never "
              "`time.Sleep(`", GO, ("test",)),
    Candidate("java-no-system-out", in_code(r"System\.(?:out|err)\.print"), "Log instead of printing to `System.out`/`System.err`",
              JAVA),
    Candidate("java-no-print-stack-trace", r"\.printStackTrace\(\)", "Log or rethrow exceptions, never "
              "`printStackTrace()`", JAVA, CODE),
    # In a test too: it stops the JVM the runner shares (Surefire: "the forked VM terminated").
    Candidate("java-no-system-exit", in_code(r"System\.exit\("), "Do not call `System.exit(`: throw or return", JAVA, CODE),
)


def forbidden(corpus: Corpus, config: HarvestConfig) -> list[Rule]:
    """A not-regex rule per catalogue entry that has files to apply to (thresholds decide which stay)."""
    rules = []
    for candidate in CATALOGUE:
        scope = [f for f in corpus.files if f.language in candidate.languages and f.kind in candidate.kinds
                 and (candidate.within is None or candidate.within(f))]
        kinds = candidate.kinds
        if sum(1 for f in scope if f.kind == "example") < config.min_support:  # too few demos to say they keep it
            kinds = tuple(k for k in kinds if k != "example")
            scope = [f for f in scope if f.kind != "example"]
        if scope:
            paths = folder_globs(f.path for f in scope) if candidate.within else extension_globs(f.path for f in scope)
            rules.append(Rule(candidate.id, "not-regex", candidate.pattern, candidate.message, paths,
                              kinds=kinds, evidence=_counterparts(candidate, scope), source="forbidden"))
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
