"""Routes and components: the decorator arguments every route declares (FastAPI's `response_model=`), and
components typed with a `<Name>Props` type."""

from __future__ import annotations

import re
from collections import Counter

from harvest.config import HarvestConfig
from harvest.conventions.corpus import Corpus
from harvest.conventions.miners.base import folder_globs
from harvest.conventions.rules import Rule

KEYWORD = re.compile(r"\b([a-z_][a-z0-9_]*)\s*=(?!=)")


def routes(corpus: Corpus, config: HarvestConfig) -> list[Rule]:
    """unit-regex rules for keyword arguments most route decorators pass, and for typed component props."""
    rules = []
    python_routes = [u for u in corpus.units if u.kind == "route" and u.language == "python"]
    counts: Counter[str] = Counter()
    for unit in python_routes:
        decorator = unit.text.split("def ", 1)[0]
        counts.update(set(KEYWORD.findall(decorator)))
    for keyword, n in sorted(counts.items()):
        if n >= config.min_support and n / len(python_routes) >= config.min_confidence:
            rules.append(Rule(f"routes-declare-{keyword.replace('_', '-')}", "unit-regex",
                              # In the decorators, before a `def` line: the same keyword in the body does not
                              # count (unless a nested def follows it, which RE2's lack of lookahead allows).
                              rf"\A\s*@[\s\S]*?\b{keyword}\s*=[\s\S]*?^[ \t]*(?:async[ \t]+)?def\s",
                              f"Route decorators declare `{keyword}=`", folder_globs(u.path for u in python_routes),
                              unit_kind="route", source="routes"))
    components = [u for u in corpus.units if u.kind == "component"]
    if components:
        rules.append(Rule("components-typed-props", "unit-regex", r"\b\w*Props\b",
                          "Type component props with a `<Name>Props` interface or type",
                          folder_globs(u.path for u in components), unit_kind="component", source="routes"))
    return rules
