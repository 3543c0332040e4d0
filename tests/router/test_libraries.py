"""Libraries imported without the optional extras they would load for features the router never uses."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from router.libraries import UNUSED_EXTRAS

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("name", "extra"), [(name, extra) for name, extras in UNUSED_EXTRAS.items()
                                             for extra in extras])
def test_a_library_imports_without_its_unused_extra_which_stays_importable(name: str, extra: str) -> None:
    """In a fresh interpreter: the library's import leaves the extra unimported (a plain `import` would load
    it), and the extra imports afterwards for whoever needs it."""
    if importlib.util.find_spec(extra) is None:
        pytest.skip(f"{extra} is not installed: nothing to hide")
    script = (f"import sys; from router.libraries import library; library({name!r}); "
              f"print({extra!r} in sys.modules); import {extra}; print({extra}.__name__)")
    shown = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert shown.stdout.split() == ["False", extra]


def test_the_bm25_index_needs_no_scipy(tmp_path: Path) -> None:
    """The lexical index is built and read with bm25s' numpy backend, so hiding scipy changes nothing."""
    from router.strategies.rag.lexical import Lexical

    built = Lexical.build(["def fetch_user(user_id): return db.get(user_id)", "class Button: pass"])
    built.save(tmp_path)
    scores, terms = Lexical.load(tmp_path).scores("fetch the user")
    assert built.retriever.csc_backend == "numpy"
    assert terms == ["fetch", "user"] and scores[0] > scores[1] == 0
