"""RAG: the retrieval index over the team's code units (chromadb + sentence-transformers + BM25)."""
