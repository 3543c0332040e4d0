"""Convention miners: each proposes rules from one angle, on the `Corpus` (harvest/conventions/corpus.py);
`harvest.conventions.mine` runs them, measures their rules and keeps the good ones."""

from __future__ import annotations

from collections.abc import Callable

from harvest.config import HarvestConfig
from harvest.conventions.corpus import Corpus
from harvest.conventions.miners.commits import commit_format
from harvest.conventions.miners.forbidden import forbidden
from harvest.conventions.miners.imports import imports
from harvest.conventions.miners.layout import layout
from harvest.conventions.miners.naming import naming
from harvest.conventions.miners.review import review
from harvest.conventions.miners.routes import routes
from harvest.conventions.miners.testing import testing_style
from harvest.conventions.rules import Rule

MINERS: dict[str, Callable[[Corpus, HarvestConfig], list[Rule]]] = {
    "test-style": testing_style,
    "imports": imports,
    "layout": layout,
    "naming": naming,
    "forbidden": forbidden,
    "review": review,
    "commit-format": commit_format,
    "routes": routes,
}
