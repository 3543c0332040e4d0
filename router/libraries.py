"""Third-party libraries imported without the optional dependencies they load, when installed, for features
Idiomatic never uses: a third of a second of a language server's start (its first answer waits for these
imports).

The SDKs of openai and anthropic import aiohttp for an aiohttp-backed async client, bm25s imports
scipy.sparse for a matrix backend it only uses when asked (the index is built with its numpy backend, the
default), and httpx imports rich and pygments for its command line. Other packages' dependencies install
them all here. An extra is hidden only while the library imports, so anything else may still import it
afterwards (a thread importing it in that moment would find it missing: the server imports none of them).
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

UNUSED_EXTRAS: dict[str, tuple[str, ...]] = {
    "openai": ("aiohttp",),  # `python -X importtime`: 558 -> 390 ms
    "anthropic": ("aiohttp",),  # 1,360 -> 898 ms
    "bm25s": ("scipy",),  # 267 -> 145 ms
    "httpx": ("rich", "pygments"),  # its command line's: 83 -> 52 ms
}


def library(name: str) -> ModuleType:
    """Import `name` (or return it, when imported) with its UNUSED_EXTRAS hidden: an import of one of them
    raises ImportError meanwhile, which these libraries take as "not installed"."""
    hidden = [extra for extra in UNUSED_EXTRAS.get(name, ()) if extra not in sys.modules]
    if name in sys.modules or not hidden:
        return importlib.import_module(name)
    for extra in hidden:
        sys.modules[extra] = None  # type: ignore[assignment]
    try:
        return importlib.import_module(name)
    finally:
        for extra in hidden:
            if extra in sys.modules and sys.modules[extra] is None:
                del sys.modules[extra]
