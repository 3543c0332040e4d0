"""Datasets: pairs written as OpenAI chat, TRL prompt/completion and instruction/input/output JSONL,
the readable DATASET.md card, and `idiom dataset validate` for checking a file before paying to train."""
