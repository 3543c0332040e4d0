"""Folder layout: in a family of sibling folders (`src/components/*/`), the files every member has,
named after the folder (`{dir}.tsx`, `{dir}.spec.tsx`, `index.ts`)."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import PurePosixPath

from harvest.config import HarvestConfig
from harvest.conventions.mine import Corpus
from harvest.conventions.rules import Rule


def layout(corpus: Corpus, config: HarvestConfig) -> list[Rule]:
    """One path-layout rule per folder family, listing the file templates most members have."""
    members: dict[str, dict[str, set[str]]] = defaultdict(dict)  # parent -> folder name -> templates
    for folder, names in corpus.siblings.items():
        path = PurePosixPath(folder)
        if folder in (".", ""):
            continue
        members[str(path.parent)][path.name] = {re.sub(rf"(?<![A-Za-z0-9]){re.escape(path.name)}(?![a-z0-9])", "{dir}", n)
                                                for n in names}
    rules = []
    for parent, folders in sorted(members.items()):
        if len(folders) < config.min_support:
            continue
        counts: dict[str, int] = defaultdict(int)
        for templates in folders.values():
            for template in templates:
                counts[template] += 1
        common = sorted(t for t, n in counts.items() if n / len(folders) >= config.min_confidence)
        if not common:
            continue
        glob = f"{parent}/*/" if parent not in (".", "") else "*/"
        slug = re.sub(r"[^a-z0-9]+", "-", parent.lower()).strip("-") or "root"
        rules.append(Rule(f"layout-{slug}", "path-layout", ",".join(common),
                          f"Each folder in `{parent}/` has {', '.join(f'`{t}`' for t in common)}", (glob,),
                          source="layout"))
    return rules
