"""RAG: retrieve the team's units relevant to the request and put them, with their paths, in the prompt."""

from __future__ import annotations

from pathlib import Path

from harvest.records import Unit, read_records
from router.config import IndexConfig, RouterConfig
from router.contracts import Completion, CompletionRequest, Message
from router.strategies.prompting import CONTEXT_LINES, SYSTEM, answer, fits, task_text
from router.strategies.rag.index import read_manifest
from router.strategies.rag.retrieve import Retriever

RETRIEVED = 8


def rag(request: CompletionRequest, config: RouterConfig, index_folder: Path, index_config: IndexConfig) -> Completion:
    """Answer `request` with retrieved team code in the prompt; with `rag_rounds` 2, retrieve again using
    the first draft (RepoCoder's iterative retrieval) and answer with what that finds."""
    retriever = Retriever(index_folder, index_config)
    texts = {u.id: u for u in read_records(Path(read_manifest(index_folder)["units_file"]), Unit)}
    query = "\n".join([request.instruction, request.path, *request.prefix.splitlines()[-CONTEXT_LINES // 2:]])
    completion = _round(retriever, texts, query, request, config)
    for _ in range(config.rag_rounds - 1):
        completion = _round(retriever, texts, f"{query}\n{completion.text}", request, config)
    return completion


def _round(retriever: Retriever, texts: dict[str, Unit], query: str, request: CompletionRequest,
           config: RouterConfig) -> Completion:
    hits = retriever.search(query, k=RETRIEVED, language=request.language)
    blocks = [f"### {h.path}:{h.start_line} ({h.kind} {h.name})\n{texts[h.unit].text}" for h in hits if h.unit in texts]
    blocks = blocks[:fits(blocks, request.budget_tokens)]
    context = "Code from this repository that may help:\n\n" + "\n\n".join(blocks) if blocks else ""
    messages = (Message("system", SYSTEM), Message("user", f"{context}\n\n{task_text(request)}".strip()))
    sources = tuple(f"{h.path}:{h.start_line} {h.name}" for h in hits[:len(blocks)])
    return answer("rag", messages, request, config, sources)
