"""The retrieval modes, with what each returns; light to import, so `idiom search --help` stays fast."""

from __future__ import annotations

MODES = {
    "hybrid": "dependencies and look-alikes packed together (the default, and what RAG uses)",
    "deps": "definitions the code at the cursor imports, followed through re-exports",
    "similar": "the team's units in files of the same role, ranked by text similarity",
    "text": "BM25 and embeddings fused, no code awareness (for comparison)",
    "bm25": "BM25 alone (for comparison)",
    "embedding": "embedding similarity alone (for comparison)",
}
