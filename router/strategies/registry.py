"""Every strategy by name, in the order the router tries them when nothing is measured (cheapest prompt
first). Adding a strategy is one module defining `STRATEGY` (a `base.Strategy`) and one line here; the
router, `idiom generate`, `idiom validate`, the editor's settings and the ROI report take their lists from
this one.

The lines name each strategy's module rather than importing it: the CLI lists strategies in its help on
every start, and opening the retrieval code costs seconds of imports (onnxruntime, numpy) it must not pay.
"""

from __future__ import annotations

import gc
import importlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from router.errors import RouterError
from router.libraries import library
from router.strategies.base import Strategy

LOG = logging.getLogger(__name__)
_importing = threading.Lock()  # held while the early imports run (start_early_imports)


@dataclass(frozen=True)
class Listed:
    """A strategy's line in the registry."""

    name: str
    summary: str  # what goes in the prompt and who answers (help texts show it)
    module: str  # defines STRATEGY
    routed: bool = True  # the router may choose it by itself; a control is asked only when named
    trained: bool = False  # served by the fine-tuned model: the ROI report charges it the training
    # Libraries its load imports that a language server imports at launch, before it knows the repository
    # (seconds it would otherwise add to the first answer). Empty for a strategy whose load imports torch:
    # too heavy to import on the chance that the repository has a model.
    libraries: tuple[str, ...] = ()


REGISTRY: tuple[Listed, ...] = (
    Listed("few_shot", "team examples (the dataset's prompt/completion pairs) in the prompt",
           "router.strategies.few_shot"),
    Listed("rag", "retrieved team code (what the code uses, and look-alikes of the same role) in the prompt",
           "router.strategies.rag.strategy", libraries=("onnxruntime", "tokenizers", "bm25s")),
    Listed("finetuned", "the promoted version of the team's fine-tuned model, short prompt",
           "router.strategies.finetuned.strategy", trained=True),
    Listed("finetuned_rag", "the promoted fine-tuned model with retrieved team code in its prompt (train it with "
           "--rag-context)", "router.strategies.finetuned_rag", trained=True),
    Listed("plain", "the base model with the instruction and the code around the cursor alone: the control the "
           "others' uplift is measured against, never routed unless named", "router.strategies.plain",
           routed=False),
)
NAMES = tuple(s.name for s in REGISTRY)
ROUTED = tuple(s.name for s in REGISTRY if s.routed)
TRAINED = tuple(s.name for s in REGISTRY if s.trained)


def listed(name: str) -> Listed:
    """The registry's line for `name`, or an error listing the strategies there are."""
    for line in REGISTRY:
        if line.name == name:
            return line
    raise RouterError(f"unknown strategy {name!r}; valid strategies: {', '.join(NAMES)}")


@cache
def strategy(name: str) -> Strategy:
    """The strategy registered as `name` (its module imported on first use, after any early imports)."""
    early_imports_done()
    found = importlib.import_module(listed(name).module).STRATEGY
    if not isinstance(found, Strategy):
        raise TypeError(f"{listed(name).module}.STRATEGY is not a Strategy")
    return found


def start_early_imports(also: Callable[[], object] = lambda: None) -> None:
    """Run `also`, then `import_early`, in a daemon thread; `strategy` and every strategy load wait for them.

    Two threads importing at once deadlock in an import cycle (Python detects it and one import fails; see
    server/lsp/warmup.py), so a load never imports beside the early imports: it waits until they are done.
    """
    _importing.acquire()  # here, not in the thread: a load that starts at once must already find it held
    # The imports allocate objects (modules, classes, functions) that live as long as the process; the
    # cyclic collector's full passes over them while they pile up would only delay the first answer (four
    # of them, 0.22 s of the example's server start). Frozen afterwards, later passes skip them too.
    gc.disable()

    def run() -> None:
        try:
            also()
            import_early()
        except Exception:  # a load imports for itself afterwards and says what is missing
            LOG.warning("early imports failed; strategies import when they load", exc_info=True)
        finally:
            gc.freeze()
            gc.enable()
            _importing.release()

    threading.Thread(target=run, name="early-imports", daemon=True).start()


def early_imports_done() -> None:
    """Wait for `start_early_imports` to finish, when it was started (at once otherwise)."""
    with _importing:
        pass


def import_early() -> None:
    """Import the routed strategies' modules and their `libraries` (a language server does this in a
    thread at launch, while the editor starts; nothing here reads a repository)."""
    for line in REGISTRY:
        if line.routed and line.libraries:
            for name in line.libraries:
                library(name)
            importlib.import_module(line.module)


def help_text() -> str:
    """One sentence per strategy, for the help of options that name them."""
    return "; ".join(f"{s.name}: {s.summary}" for s in REGISTRY)
