"""Mined conventions as instructions for other coding assistants: GitHub Copilot's repository
instructions, the AGENTS.md convention, and a Continue rules file. Each is Markdown in our own words."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import yaml

from harvest.conventions.rules import Rule, severity_of

EXPORT_PATHS = {"copilot": ".github/copilot-instructions.md", "agents": "AGENTS.md",
                "continue": ".continue/rules/idiom.md"}
SECTIONS = (("test-style", "Tests"), ("imports", "Imports"), ("layout", "Files and folders"),
            ("naming", "Naming"), ("forbidden", "Patterns this team avoids"), ("review", "What reviewers ask for"),
            ("routes", "Routes and components"), ("commit-format", "Commit messages"))


def instructions(rules: Sequence[Rule]) -> str:
    """The proposed rules as Markdown sections of imperative sentences with their evidence, rules (warnings)
    before habits (information: most of the code follows them, nothing enforces them)."""
    chosen = sorted((r for r in rules if r.status == "proposed"),
                    key=lambda r: (severity_of(r) != "warning", -r.confidence * r.support, r.id))
    parts = []
    for source, title in (*SECTIONS, ("", "Other")):
        known = {s for s, _ in SECTIONS}
        group = [r for r in chosen if r.source == source or (not source and r.source not in known)]
        if group:
            parts.append(f"## {title}\n\n" + "\n".join(f"- {r.message} ({_tier(r)}: {r.followed} of {r.support} "
                                                    "follow it)" for r in group) + "\n")
    return "\n".join(parts) or "No conventions were strong enough to state yet.\n"


def _tier(rule: Rule) -> str:
    return "rule" if severity_of(rule) == "warning" else "habit, not enforced"


def _header(repository: str) -> str:
    return (f"These conventions were mined by Idiomatic from the {repository} repository: each holds in the "
            "share of places shown. A rule is followed almost everywhere and checked; a habit is what most of "
            "the code does. Follow them when writing code here; edit this file if one is wrong.\n")


def _copilot(rules: Sequence[Rule], repository: str) -> str:
    """`.github/copilot-instructions.md`: Copilot reads it for every chat request in the repository."""
    return f"# Coding conventions of {repository}\n\n{_header(repository)}\n{instructions(rules)}"


def _agents(rules: Sequence[Rule], repository: str) -> str:
    """`AGENTS.md`: the file coding agents look for at the repository root."""
    return (f"# AGENTS.md — {repository}\n\n{_header(repository)}\n"
            "Run `idiom lint <files>` to check changed files against these conventions before proposing them.\n\n"
            f"{instructions(rules)}")


def _continue(rules: Sequence[Rule], repository: str) -> str:
    """`.continue/rules/idiom.md`: a Continue rule, always applied, with YAML front matter."""
    front = yaml.safe_dump({"name": f"{repository} conventions (Idiomatic)", "alwaysApply": True,
                            "description": "Team conventions mined from the repository"}, sort_keys=False)
    return f"---\n{front}---\n\n{_header(repository)}\n{instructions(rules)}"


EXPORTS: dict[str, Callable[[Sequence[Rule], str], str]] = {"copilot": _copilot, "agents": _agents,
                                                           "continue": _continue}
