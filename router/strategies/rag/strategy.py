"""RAG: put the code the request depends on and the team's look-alikes, each with its path and the
reason it was chosen, in the prompt; then answer."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import replace

from harvest.dataset.validate import estimate_tokens
from harvest.records import Unit, read_records
from harvest.store import MANIFEST, Artifacts, dataset_file, units_file_of
from router.config import IndexConfig, RouterConfig
from router.contracts import Completion, CompletionRequest, Message
from router.errors import IndexStoreError
from router.strategies.base import Answer, Strategy, file_stamp
from router.strategies.prompting import SYSTEM, answer, task_text
from router.strategies.rag.focus import Focus, focus_of_request
from router.strategies.rag.index import build_index
from router.strategies.rag.retrieve import Hit, Retriever, pack

RETRIEVED = 8  # candidates of each kind before packing into the budget


def rag_answer(retriever: Retriever, texts: dict[str, str]) -> Answer:
    """Answers with code `retriever` finds (unit texts from `texts`) in the prompt; with `rag_rounds` 2,
    retrieve again using the first draft (RepoCoder's iterative retrieval) and answer with what that finds."""
    def complete(request: CompletionRequest, config: RouterConfig) -> Completion:
        focus = focus_of_request(request)
        completion = _round(retriever, texts, focus, request, config)
        for _ in range(config.rag_rounds - 1):
            completion = _round(retriever, texts, replace(focus, instruction=f"{focus.instruction}\n{completion.text}"),
                                request, config)
        return completion

    return complete


def open_index(artifacts: Artifacts, index: IndexConfig) -> tuple[Retriever, dict[str, str]]:
    """The index's retriever and the texts of its units by id (read once: the index keeps only their keys)."""
    retriever = Retriever(artifacts.index, index)
    units_file = units_file_of(artifacts.index, retriever.manifest)
    if not units_file.is_file():
        raise IndexStoreError(f"the index at {artifacts.index} was built from {units_file}, which is gone; "
                              "run `idiom index` again")
    return retriever, {u.id: u.text for u in read_records(units_file, Unit)}


def index_missing(artifacts: Artifacts) -> str:
    """Why there is no index to retrieve from ("" when there is one)."""
    return "" if (artifacts.index / MANIFEST).is_file() else "no retrieval index yet; run `idiom index`"


def index_stamp(artifacts: Artifacts, index: IndexConfig) -> Hashable:
    """The index as it is now: its manifest is written last by every build, and the settings it is read with."""
    return file_stamp(artifacts.index / MANIFEST), index


def _load(artifacts: Artifacts, config: RouterConfig, index: IndexConfig) -> Answer:
    return rag_answer(*open_index(artifacts, index))


def _refresh(artifacts: Artifacts, index: IndexConfig, progress: Callable[[int], None]) -> dict[str, float]:
    """Bring the index up to date with the chosen dataset's units (only changed units are embedded again)."""
    stats = build_index(dataset_file(artifacts.dataset(option=""), "units.jsonl"), artifacts.index, index,
                        progress=progress)
    return {"units": stats.units, "embedded": stats.embedded, "kept": stats.kept, "removed": stats.deleted,
            "seconds": stats.seconds}


STRATEGY = Strategy(index_missing, lambda artifacts, config, index: index_stamp(artifacts, index), _load, _refresh)


def _round(retriever: Retriever, texts: dict[str, str], focus: Focus, request: CompletionRequest,
           config: RouterConfig) -> Completion:
    deps = retriever.search(focus, RETRIEVED, "deps")
    alikes = retriever.search(focus, RETRIEVED, "similar")
    blocks = {id(h): _block(h, texts) for h in (*deps, *alikes)}
    chosen = [h for h in pack(deps, alikes, request.budget_tokens, lambda h: estimate_tokens(blocks[id(h)]))
              if blocks[id(h)]]
    context = "Code from this repository that may help:\n\n" + "\n\n".join(blocks[id(h)] for h in chosen) \
        if chosen else ""
    messages = (Message("system", SYSTEM), Message("user", f"{context}\n\n{task_text(request)}".strip()))
    sources = tuple(f"{h.path}:{h.start_line} {h.name} ({'; '.join(h.why)})" for h in chosen)
    return answer("rag", messages, request, config, sources)


def _block(hit: Hit, texts: dict[str, str]) -> str:
    """A snippet with its header: where it is and why it is here; "" when its text is not in the dataset."""
    text = hit.text or texts.get(hit.unit, "")
    reason = "used by this code" if hit.source == "deps" else "same role in this repository"
    return f"### {hit.path}:{hit.start_line} ({hit.kind} {hit.name}, {reason})\n{text}" if text else ""
