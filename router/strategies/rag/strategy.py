"""RAG: put the code the request depends on and the team's look-alikes, each with its path and the
reason it was chosen, in the prompt; then answer."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from harvest.dataset.validate import estimate_tokens
from harvest.records import Unit, read_records
from harvest.store import units_file_of
from router.config import IndexConfig, RouterConfig
from router.contracts import Completion, CompletionRequest, Message
from router.errors import IndexStoreError
from router.strategies.prompting import SYSTEM, answer, task_text
from router.strategies.rag.focus import Focus, focus_of_request
from router.strategies.rag.retrieve import Hit, Retriever, pack

RETRIEVED = 8  # candidates of each kind before packing into the budget


def rag(request: CompletionRequest, config: RouterConfig, index_folder: Path, index_config: IndexConfig) -> Completion:
    """Answer `request` with retrieved team code in the prompt; with `rag_rounds` 2, retrieve again using
    the first draft (RepoCoder's iterative retrieval) and answer with what that finds."""
    retriever = Retriever(index_folder, index_config)
    units_file = units_file_of(index_folder, retriever.manifest)
    if not units_file.is_file():
        raise IndexStoreError(f"the index at {index_folder} was built from {units_file}, which is gone; "
                              "run `idiom index` again")
    texts = {u.id: u.text for u in read_records(units_file, Unit)}
    focus = focus_of_request(request)
    completion = _round(retriever, texts, focus, request, config)
    for _ in range(config.rag_rounds - 1):
        completion = _round(retriever, texts, replace(focus, instruction=f"{focus.instruction}\n{completion.text}"),
                            request, config)
    return completion


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
