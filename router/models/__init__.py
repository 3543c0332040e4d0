"""Local models: building the tiny Llama used on CPU machines and in tests (the fine-tuned registry comes later)."""
