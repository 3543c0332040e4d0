"""Folder layout: in a family of sibling folders (`src/components/*/`), the files every member has, named
after the folder (`{dir}.tsx`, `{dir}.spec.tsx`, `index.ts`); and Python modules tested in `test_<module>.py`.
Checks look inside one folder, so "x.py has a tests/test_x.py" is proposed as what lint can check: when
most modules have one, Python test files must be named `test_<module>.py`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import PurePosixPath

from harvest.config import HarvestConfig
from harvest.conventions.corpus import Corpus
from harvest.conventions.miners.base import folder_globs
from harvest.conventions.rules import Rule

PYTEST_NAME = r"^test_\w+\.py$|^conftest\.py$|^__init__\.py$"


def layout(corpus: Corpus, config: HarvestConfig) -> list[Rule]:
    """One path-layout rule per folder family, and the Python test-companion rule when it holds."""
    return _families(corpus, config) + _python_companions(corpus, config)


def _families(corpus: Corpus, config: HarvestConfig) -> list[Rule]:
    """For each family of at least min_support sibling folders, the file templates most members have."""
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
        glob = f"{parent}/*/" if parent not in (".", "") else "/*/"
        slug = re.sub(r"[^a-z0-9]+", "-", parent.lower()).strip("-") or "root"
        rules.append(Rule(f"layout-{slug}", "path-layout", ",".join(common),
                          f"Each folder in `{parent}/` has {', '.join(f'`{t}`' for t in common)}", (glob,),
                          source="layout"))
    return rules


def _python_companions(corpus: Corpus, config: HarvestConfig) -> list[Rule]:
    """`test_<module>.py` naming for Python tests, when most modules `x.py` have a `test_x.py` somewhere."""
    modules = [f.path for f in corpus.files if f.language == "python" and f.kind == "source"
               and not PurePosixPath(f.path).name.startswith("__")]
    tests = [f.path for f in corpus.files if f.language == "python" and f.kind == "test"]
    tested = {PurePosixPath(p).name.removeprefix("test_") for p in tests if PurePosixPath(p).name.startswith("test_")}
    covered = sum(1 for m in modules if PurePosixPath(m).name in tested)
    if len(modules) < config.min_support or covered / len(modules) < config.min_confidence:
        return []
    return [Rule("python-tests-named-after-modules", "filename", PYTEST_NAME,
                 f"Test Python module `x.py` in `test_x.py` ({covered} of {len(modules)} modules have one)",
                 folder_globs(tests), source="layout")]
