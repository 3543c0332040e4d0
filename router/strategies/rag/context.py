"""Retrieved team code as a prompt: the one place that turns an opened index and a request into the
"Code from this repository that may help" block and the user turn that carries it.

The `rag` and `finetuned_rag` strategies build their prompts here, and so does RAG-aware training
(`idiom train --rag-context`), so an adapter is trained on exactly the shape it is later served.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from harvest.dataset.validate import estimate_tokens
from router.config import IndexConfig, RouterConfig
from router.contracts import CompletionRequest
from router.fim.layout import Snippet
from router.strategies.base import Ahead
from router.strategies.rag.focus import Focus, focus_of_request
from router.strategies.rag.index import UnitTexts
from router.strategies.rag.retrieve import Hit, Retriever, pack
from router.strategies.rag.started import Started

LOG = logging.getLogger(__name__)
Prepare = Callable[[list[Hit], CompletionRequest, RouterConfig], None]  # what a strategy builds from the hits ahead
RETRIEVED = 8  # candidates of each kind before packing into the budget
HEADING = "Code from this repository that may help:"
# A snippet's block is the same text whenever it is retrieved (where it is, its kind and name, its code), and
# counting its tokens walks every word: counted once per block, not once per request.
block_tokens = functools.lru_cache(maxsize=4096)(estimate_tokens)
# Retrievals started ahead, at once: each holds the interpreter's lock except while it waits for its query's
# vector, so more threads would only queue behind each other (one or two measured alike: bench/RESULTS.md).
AHEAD_THREADS = 2
STARTED_RETRIEVALS = 32  # kept for the requests that follow: one per document being typed in, and room
_RETRIEVING = ThreadPoolExecutor(AHEAD_THREADS, thread_name_prefix="idiom-retrieval")  # threads start on first use


@dataclass
class OpenIndex:
    """An index ready to answer: its retriever, the texts of its units, and the retrievals started ahead."""

    retriever: Retriever
    texts: Mapping[str, str]
    started: Started[list[Hit]] = field(default_factory=lambda: Started(_RETRIEVING, STARTED_RETRIEVALS))


def open_index(index_folder: Path, index_config: IndexConfig) -> OpenIndex:
    """The index at `index_folder`, with its units' texts."""
    retriever = Retriever(index_folder, index_config)
    retriever.query_vector("warm up")  # the embedding model loads now, not on the first request
    return OpenIndex(retriever, UnitTexts(index_folder, retriever.rows))


def retrieval_ahead(index: OpenIndex, prepare: Prepare | None = None) -> Ahead:
    """What a request starts before it is answered (`Loaded.ahead`): its query embedding on an encoding thread, and
    its whole retrieval on a retrieval thread, then `prepare(hits, request, config)`: the strategy's prompt for
    them, built and scrubbed (router/strategies/prompting.py keeps it for the call). The language server starts
    them when the edit before the request arrives, typing having paused by the time the editor asks, and as the
    request arrives, when a worker may not be free yet; `retrieved` then takes up the retrieval, done or under
    way, so the request's own time goes to its model call and the checks of the answer. A request whose focus an
    earlier one's retrieval was started for (the keystrokes into one word: rag/focus.py) starts no retrieval of
    its own, only its prompt, from those hits once they are found."""
    # What was last started, by path: the request that follows an edit is the one the edit started.
    last: dict[str, tuple[CompletionRequest, RouterConfig]] = {}

    def ahead(request: CompletionRequest, config: RouterConfig) -> None:
        if last.get(request.path) == (request, config):  # its focus is not worked out again (the event loop's time)
            return
        if request.path not in last and len(last) >= STARTED_RETRIEVALS:  # as many documents as retrievals kept
            del last[next(iter(last))]
        last[request.path] = request, config
        focus = focus_of_request(request)
        key = (focus, request.budget_tokens)
        started = index.started.get(key)
        if started is None:
            index.retriever.embed_ahead(focus)  # now, even when both retrieval threads are busy
            index.started.start(key, lambda: _prepared(index, focus, request, config, prepare))
        elif prepare is not None:  # the focus of an earlier request (the same word being typed): its hits serve
            started.add_done_callback(lambda done: _RETRIEVING.submit(_prepare, done, request, config, prepare))

    return ahead


def _prepared(index: OpenIndex, focus: Focus, request: CompletionRequest, config: RouterConfig,
              prepare: Prepare | None) -> list[Hit]:
    hits = _retrieved(index, focus, request.budget_tokens)
    if prepare is not None:
        _prepare(hits, request, config, prepare)
    return hits


def _prepare(hits: list[Hit] | Future[list[Hit]], request: CompletionRequest, config: RouterConfig,
             prepare: Prepare) -> None:
    """`prepare` for `hits` (found, or the retrieval that found them): only a head start, whose failure the
    answer meets again when it builds its prompt, and reports."""
    try:
        prepare(hits.result() if isinstance(hits, Future) else hits, request, config)
    except Exception:
        LOG.debug("the prompt started ahead failed", exc_info=True)


def retrieved(index: OpenIndex, focus: Focus, budget_tokens: int, exclude: Collection[str] = ()) -> list[Hit]:
    """The dependencies and look-alikes for `focus` that fit `budget_tokens`, none from a path in `exclude`
    (training leaves out the target's own file: the adapter must learn to use context, not to copy its answer);
    the retrieval started ahead for the same focus and budget when there is one."""
    pending = None if exclude else index.started.get((focus, budget_tokens))
    # Taken up when under way or done; one still queued behind other documents' is done here instead, at once,
    # and one that failed is done again here, where its failure is reported.
    if pending is not None and not pending.cancel() and pending.exception() is None:
        return pending.result()
    return _retrieved(index, focus, budget_tokens, exclude)


def _retrieved(index: OpenIndex, focus: Focus, budget_tokens: int, exclude: Collection[str] = ()) -> list[Hit]:
    index.retriever.embed_ahead(focus)  # encoded while the dependencies are found
    deps = [h for h in index.retriever.search(focus, RETRIEVED, "deps") if h.path not in exclude]
    alikes = [h for h in index.retriever.search(focus, RETRIEVED, "similar") if h.path not in exclude]
    blocks = {id(h): block(h, index.texts) for h in (*deps, *alikes)}
    return [h for h in pack(deps, alikes, budget_tokens, lambda h: block_tokens(blocks[id(h)])) if blocks[id(h)]]


def with_context(hits: list[Hit], texts: Mapping[str, str], task: str) -> str:
    """The user turn: the retrieved snippets under their heading (none: no heading), then the task."""
    context = f"{HEADING}\n\n" + "\n\n".join(block(h, texts) for h in hits) if hits else ""
    return f"{context}\n\n{task}".strip()


def snippets(hits: list[Hit], texts: Mapping[str, str]) -> list[Snippet]:
    """The hits as an infill prompt's context: each under its path and first line."""
    return [Snippet(f"{h.path}:{h.start_line}", h.text or texts.get(h.unit, "")) for h in hits]


def sources_of(hits: list[Hit]) -> tuple[str, ...]:
    """Where each snippet came from and why it was chosen, for the Completion's sources."""
    return tuple(f"{h.path}:{h.start_line} {h.name} ({'; '.join(h.why)})" for h in hits)


def block(hit: Hit, texts: Mapping[str, str]) -> str:
    """A snippet with its header: where it is and why it is here; "" when the index has no text for it."""
    text = hit.text or texts.get(hit.unit, "")
    reason = "used by this code" if hit.source == "deps" else "same role in this repository"
    return f"### {hit.path}:{hit.start_line} ({hit.kind} {hit.name}, {reason})\n{text}" if text else ""
