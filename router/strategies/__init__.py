"""Strategies that answer a request: few-shot, RAG (retrieval over the team's code) and fine-tuned."""
