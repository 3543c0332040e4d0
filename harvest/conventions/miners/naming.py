"""Naming: the case style of each kind of unit per language, and of file names per folder."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import PurePosixPath

from harvest.config import HarvestConfig
from harvest.conventions.mine import Corpus
from harvest.conventions.miners.base import CASES, folder_globs, suffix
from harvest.conventions.rules import Rule

FAMILIES = {"javascript": "js", "typescript": "js", "tsx": "js", "python": "python", "go": "go", "java": "java"}
PLURALS = {"class": "classes", "styled": "styled components"}
NAMED_KINDS = ("function", "method", "class", "component", "styled", "hook")


def naming(corpus: Corpus, config: HarvestConfig) -> list[Rule]:
    """Case rules for unit names (per language family and kind) and file names (per folder and extension)."""
    rules = []
    units: dict[tuple[str, str], list] = defaultdict(list)
    for unit in corpus.units:
        if unit.kind in NAMED_KINDS and unit.language in FAMILIES and not unit.name.startswith("__"):
            units[(FAMILIES[unit.language], unit.kind)].append(unit)
    for (family, kind), group in sorted(units.items()):
        case = _dominant([u.name for u in group], config)
        if case:
            rules.append(Rule(f"{family}-{kind}-names-{case.lower().replace('_', '-')}", "naming",
                              CASES[case].pattern, f"Name {PLURALS.get(kind, kind + 's')} in {case}", folder_globs(u.path for u in group),
                              unit_kind=kind, source="naming"))
    files: dict[tuple[str, str], list[str]] = defaultdict(list)
    for record in corpus.files:
        if record.kind == "source" and record.language in FAMILIES:
            files[(str(PurePosixPath(record.path).parent), suffix(record.path))].append(record.path)
    for (folder, ext), paths in sorted(files.items()):
        stems = [PurePosixPath(p).name[: -len(ext)] for p in paths if not PurePosixPath(p).name.startswith(("index.", "__"))]
        case = _dominant(stems, config)
        if case and len(stems) >= config.min_support:
            slug = re.sub(r"[^a-z0-9]+", "-", f"{folder}{ext}".lower()).strip("-")
            rules.append(Rule(f"file-names-{slug}", "filename",
                              CASES[case].pattern.removesuffix("$") + re.escape(ext) + "$|^index\\.|^__",
                              f"Name `{ext}` files in `{folder}/` in {case}", (f"{folder}/*{ext}",), source="naming"))
    return rules


def _dominant(names: list[str], config: HarvestConfig) -> str:
    """The case style most names fit, when enough of them do; multi-word names decide ties."""
    if len(names) < config.min_support:
        return ""
    shares = {case: sum(1 for n in names if pattern.match(n)) / len(names) for case, pattern in CASES.items()}
    best = max(shares, key=lambda c: (shares[c], -list(CASES).index(c)))
    return best if shares[best] >= config.min_confidence else ""
