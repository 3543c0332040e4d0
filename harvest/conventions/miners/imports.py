"""Import conventions: the name each module is imported under, and aliases over deep relative paths."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from harvest.config import HarvestConfig
from harvest.conventions.mine import Corpus
from harvest.conventions.miners.base import folder_globs
from harvest.conventions.rules import Rule
from harvest.units import file_imports

JS = frozenset({"javascript", "typescript", "tsx"})
DEEP_RELATIVE = r"""from\s+['"](?:\.\./){2,}"""
WIDELY_IMPORTED = 0.1  # share of JS/TS files that must import a module for its import name to be a rule
ALIAS = re.compile(r"""from\s+['"][@~]/""")


def imports(corpus: Corpus, config: HarvestConfig) -> list[Rule]:
    """Default-import names that never vary, and `@/` aliases where paths would climb two folders."""
    names: dict[str, Counter[str]] = defaultdict(Counter)
    files: dict[str, list[str]] = defaultdict(list)
    for record in corpus.files:
        if record.language not in JS:
            continue
        for imp in file_imports(record.path, record.language, record.text):
            if imp.default and not imp.module.startswith("."):
                names[imp.module][imp.default] += 1
                files[imp.module].append(record.path)
    rules = []
    js_files = sum(1 for f in corpus.files if f.language in JS)
    for module, counts in sorted(names.items()):
        name, _ = counts.most_common(1)[0]
        # Only modules much of the code imports: a name settled by a handful of files is no convention.
        if len(files[module]) < max(config.min_support, WIDELY_IMPORTED * js_files):
            continue
        slug = re.sub(r"[^a-z0-9]+", "-", module.lower()).strip("-")
        rules.append(Rule(
            f"import-{slug}-as-{name.lower()}", "not-regex",
            rf"""^import\s+(?!{re.escape(name)}\b)[\w$]+\s*(?:,\s*\{{[^}}]*\}}\s*)?from\s+['"]{re.escape(module)}['"]""",
            f"Import `{module}` as `{name}`", folder_globs(files[module]), source="imports"))
    aliased = [f.path for f in corpus.files if f.language in JS and ALIAS.search(f.text)]
    if aliased:
        scope = [f.path for f in corpus.files if f.language in JS and f.kind in ("source", "test")]
        rules.append(Rule("no-deep-relative-imports", "not-regex", DEEP_RELATIVE,
                          "Import across folders through the `@/` alias, not `../../` paths", folder_globs(scope),
                          source="imports"))
    return rules
