"""The third strategy: a model fine-tuned on the team's pairs (LoRA/QLoRA locally, or OpenAI's jobs),
versioned in a registry under `.idiom/models/<name>/v<N>/` and served through a provider."""
