"""`idiom lint`: check files (and commit messages) against the conventions mined from the repository.

Only `proposed` rules run. Files are read from disk, so lint sees work in progress, and units are
parsed only for files some unit rule applies to. Each violation carries its rule's severity: a warning
is a failure, information is not (`idiom lint --strict` fails on both).
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from harvest.classify import content_exclusion, kind_of, language_of, path_exclusion
from harvest.config import HarvestConfig
from harvest.conventions.checks import NEEDS_UNITS, applies, parse_type, run_check
from harvest.conventions.rules import Rule, Subject, severity_of
from harvest.errors import InputError
from harvest.testkind.profile import DiscoveryProfile
from harvest.testkind.recorded import recorded_profile
from harvest.units import extract_units


@dataclass(frozen=True)
class Violation:
    """One place a file or commit message breaks a convention."""

    path: str
    line: int
    rule: str
    message: str
    evidence: str
    severity: str = "warning"  # the rule's: warning or info


def evidence_of(rule: Rule) -> str:
    """"212/219 follow it (97%)": why the rule is believed."""
    return f"{rule.followed}/{rule.support} follow it ({rule.confidence:.0%})"


def lint_files(root: Path, paths: Sequence[str], rules: Sequence[Rule],
               config: HarvestConfig | None = None, strict: bool = False) -> list[Violation]:
    """Violations of the proposed `rules` in the repo-relative `paths` under `root`.

    Files the harvester leaves out (vendored, generated, deprecated, binary; `config` says which paths)
    are not the team's current code, so conventions are not held against them. A folder-layout break
    is reported once per folder.
    """
    config = config or HarvestConfig()
    violations: list[Violation] = []
    reported_folders: set[tuple[str, str]] = set()
    layout_rules = {r.id for r in rules if parse_type(r)[0] == "path-layout"}
    profile = recorded_profile(root)
    for path in sorted(set(paths)):
        relevant = relevant_rules(rules, path, profile)
        if not relevant:  # most files of a repository: not worth reading
            continue
        raw = (root / path).read_bytes()
        if path_exclusion(path, len(raw), config) or content_exclusion(raw):
            continue
        for violation in _violations(root, path, raw.decode("utf-8", "replace"), relevant, strict):
            if violation.rule in layout_rules:
                key = (violation.rule, str(PurePosixPath(path).parent))
                if key in reported_folders:
                    continue
                reported_folders.add(key)
            violations.append(violation)
    return violations


def lint_text(root: Path, path: str, text: str, rules: Sequence[Rule], strict: bool = False) -> list[Violation]:
    """Violations of the proposed `rules` by `text` as the file `path` (the editor's unsaved buffer).

    Unless `strict`, the lines a rule lists as exceptions are not held against it: they broke it when
    it was mined, and conventions.yaml shows them to the tech lead; lint is about new breaks.
    """
    return _violations(root, path, text, relevant_rules(rules, path, recorded_profile(root)), strict)


def _violations(root: Path, path: str, text: str, relevant: Sequence[Rule], strict: bool) -> list[Violation]:
    """Violations of `relevant` (the proposed rules that look at `path`) by `text`."""
    if not relevant:
        return []
    language = language_of(path)
    needs_units = any(parse_type(r)[0] in NEEDS_UNITS for r in relevant)
    folder = (root / path).parent
    siblings = frozenset(p.name for p in folder.iterdir()) if folder.is_dir() else frozenset()
    subject = Subject(path, text, tuple(extract_units(path, language, text)) if needs_units else (), siblings)
    violations = []
    for rule in relevant:
        known = set() if strict else set(rule.exceptions)
        violations += [Violation(path, hit.line, rule.id, f"{rule.message}: {hit.message}", evidence_of(rule),
                                 severity_of(rule))
                       for hit in run_check(rule, subject) if f"{path}:{hit.line}" not in known]
    return violations


def relevant_rules(rules: Sequence[Rule], path: str, profile: DiscoveryProfile | None) -> list[Rule]:
    """The proposed rules that look at `path` (which need not exist yet), classified with the repository's
    recorded test profile: what lint checks there, and what `idiom mcp` tells an agent about the path."""
    language, kind = language_of(path), kind_of(path, profile)
    return [r for r in rules if r.status == "proposed" and applies(r, path, language, kind)]


def lint_commit_message(text: str, rules: Sequence[Rule]) -> list[Violation]:
    """Violations of the proposed commit-format rules by a commit message."""
    subject = Subject("", text)
    return [Violation("COMMIT_MSG", hit.line, rule.id, f"{rule.message}: {hit.message}", evidence_of(rule),
                      severity_of(rule))
            for rule in rules if rule.status == "proposed" and parse_type(rule)[0] == "commit-format"
            for hit in run_check(rule, subject)]


def repo_root(start: Path) -> Path:
    """The work tree containing `start` (or `start` itself outside git)."""
    folder = start if start.is_dir() else start.parent
    done = subprocess.run(["git", "-C", str(folder), "rev-parse", "--show-toplevel"], capture_output=True, text=True,
                          check=False)
    return Path(done.stdout.strip()) if done.returncode == 0 else folder.resolve()


def expand(root: Path, targets: Sequence[Path]) -> list[str]:
    """Repo-relative files for the given files and folders (folders: their tracked files)."""
    paths: list[str] = []
    for target in targets:
        absolute = target.resolve()
        if not absolute.exists():
            raise InputError(f"{target}: no such file or folder")
        if absolute.is_file():
            paths.append(absolute.relative_to(root.resolve()).as_posix())
            continue
        listed = subprocess.run(["git", "-C", str(absolute), "ls-files", "-z", "--full-name", "."],
                                capture_output=True, text=True, check=False)
        if listed.returncode == 0:
            paths += [p for p in listed.stdout.split("\0") if p and (root / p).is_file()]
        else:
            paths += [p.relative_to(root.resolve()).as_posix() for p in absolute.rglob("*")
                      if p.is_file() and not any(part.startswith(".") for part in p.relative_to(absolute).parts)]
    return paths
