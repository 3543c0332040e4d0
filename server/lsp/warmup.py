"""What a language server imports in the background at launch (`idiom serve`), before its workers run.

Python can deadlock two threads importing at once: one importing `harvest.units.nodes` holds that module
while it waits for its package `harvest.units`; the other holds `harvest.units` while the package's
`__init__` waits for `nodes`. Every such cycle goes through a package that is not imported yet, so the
workers (which import lazily) wait until every package of the project is, along with the strategies'
libraries and the scrubber's detectors: seconds the first answer would otherwise wait for.
"""

from __future__ import annotations

import importlib
import pkgutil

import harvest
import router
import server
from harvest.scrub.detectors import scanner


def project_packages() -> list[str]:
    """Every package of harvest, router and server (their modules import on first use)."""
    names = []
    for top in (harvest, router, server):
        names.append(top.__name__)
        names += [found.name for found in pkgutil.walk_packages(top.__path__, f"{top.__name__}.") if found.ispkg]
    return names


def start_helper_and_warm_up() -> None:
    """Start the remote providers' helper process (router/providers/helper.py), which imports the provider's SDK
    while the server starts, then `warm_up`."""
    # Imported here, in the early imports' thread, not by the main thread before it answers initialize.
    from router.providers import start_helper

    start_helper()
    warm_up()


def warm_up() -> None:
    """Import the project's packages and build the scrubber's detectors (the strategies' libraries are
    `start_early_imports`' own)."""
    for name in project_packages():
        importlib.import_module(name)
    scanner()
