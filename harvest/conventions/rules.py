"""The rule format shared by mined conventions, `idiom lint` and (later) validation suites.

A `Rule` is data: a check name from `harvest.conventions.checks.CHECKS` (optionally prefixed `not-`), a
value, the files it applies to (globs, the paths it leaves out, the kinds of file it holds for), the
evidence that made the miner propose it, and its severity. A check looks at one `Subject` (a file's path
and text, its units and its folder's file names) and returns `Hit`s.

Severity is the confidence tier: a rule followed almost everywhere (`warning_confidence`, 97%) is a
`warning` — `idiom lint` fails on it, the editor underlines it, the router rejects an answer breaking it;
a weaker one is `info`: shown, never a failure.
"""

from __future__ import annotations

from dataclasses import dataclass

from harvest.records import Unit


@dataclass(frozen=True)
class Rule:
    """A convention as a checkable rule, with the statistics behind it."""

    id: str  # kebab-case, unique within a conventions file
    type: str  # a CHECKS key, optionally prefixed "not-" (e.g. "not-regex")
    value: str  # substring, regex, layout spec or naming pattern, depending on `type`
    message: str  # one sentence a person reads in a report: "Specs use it(), not test()"
    paths: tuple[str, ...] = ()  # globs of repo-relative files it applies to (empty = every file)
    exclude: tuple[str, ...] = ()  # globs of files it leaves out: where its exceptions cluster (`pages/`)
    kinds: tuple[str, ...] = ()  # kinds of file it holds for (source, test, …); empty = every kind but example
    language: str = ""  # restricts it to files of this language when set
    unit_kind: str = ""  # for unit-level checks: which unit kind (component, hook, route, ...), or `kind:subkind`
    support: int = 0  # places it applies to (files, units, folders or commits)
    followed: int = 0  # places that follow it
    confidence: float = 0.0  # followed / support
    evidence: tuple[str, ...] = ()  # a few places that follow it ("path:line", "PR #3 review: ...")
    exceptions: tuple[str, ...] = ()  # places that break it today
    source: str = ""  # the miner that proposed it
    status: str = "proposed"  # proposed (met the thresholds) or candidate (stated in review, not yet borne out)
    severity: str = ""  # warning or info (SEVERITIES); "" (a rule written by hand) is a warning


SEVERITIES = ("warning", "info")
FILE_KINDS = ("source", "test", "test-support", "example", "config", "docs", "build", "other")  # kind_of's answers
KIND_NAMES = {"test": "test files", "test-support": "test support files", "example": "examples and fixtures",
              "source": "source files"}  # how a kind of file is named in a sentence


def severity_of(rule: Rule) -> str:
    """`warning` or `info`: what a break of the rule is (a hand-written rule without one is a warning)."""
    return rule.severity or "warning"


@dataclass(frozen=True)
class Subject:
    """What a check looks at: one file (or one commit message, with path "")."""

    path: str
    text: str
    units: tuple[Unit, ...] = ()
    siblings: frozenset[str] = frozenset()  # names of the files in the same folder


@dataclass(frozen=True)
class Hit:
    """One place a rule is broken."""

    line: int  # 1-based; 1 when the rule is about the file as a whole
    message: str


def of_kind(unit: Unit, unit_kind: str) -> bool:
    """Whether a unit-level rule looks at `unit`: its kind is `unit_kind`, or `kind:subkind` names both
    (`test:table` is a table-driven Go test, `class:interface` an interface)."""
    kind, _, subkind = unit_kind.partition(":")
    return unit.kind == kind and (not subkind or unit.subkind == subkind)
