"""The index's embedding functions as Chroma knows them: real chromadb embedding functions, registered by
name so a stored collection's configuration names them, over encoders.py's vectors.

Only what talks to Chroma imports this module (building an index, opening its store): importing chromadb
takes about half a second, which a reader that searches its own vectors does not pay.
"""

from __future__ import annotations

from typing import Any

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

from router.strategies.rag.encoders import (
    HASH_DIMENSIONS,
    default_model,
    encoder,
    hash_dimensions,
    hash_vectors,
    sentence_vectors,
)


@register_embedding_function
class SentenceEmbedding(EmbeddingFunction[Documents]):
    """sentence-transformers embeddings, normalised for cosine distance."""

    def __init__(self, model: str = "") -> None:
        self.model = model or default_model()

    def __call__(self, input: Documents) -> Embeddings:
        return sentence_vectors(self.model, input)

    @staticmethod
    def name() -> str:
        return "idiom-sentence-transformers"

    def get_config(self) -> dict[str, Any]:
        return {"model": self.model}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> SentenceEmbedding:
        return SentenceEmbedding(config["model"])

    def dimension(self) -> int:
        """Length of the vectors."""
        return int(encoder(self.model).get_embedding_dimension())


@register_embedding_function
class HashEmbedding(EmbeddingFunction[Documents]):
    """Hashed identifier counts (encoders.py `hash_vectors`)."""

    def __init__(self, dimensions: int = HASH_DIMENSIONS) -> None:
        self.dimensions = dimensions

    def __call__(self, input: Documents) -> Embeddings:
        return hash_vectors(self.dimensions, input)

    @staticmethod
    def name() -> str:
        return "idiom-hash"

    def get_config(self) -> dict[str, Any]:
        return {"dimensions": self.dimensions}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> HashEmbedding:
        return HashEmbedding(config["dimensions"])

    def dimension(self) -> int:
        """Length of the vectors."""
        return self.dimensions


def embedding_function(model: str) -> SentenceEmbedding | HashEmbedding:
    """The embedding function a model name stands for (`hash` or `hash:N` = HashEmbedding)."""
    dimensions = hash_dimensions(model)
    return SentenceEmbedding(model) if dimensions is None else HashEmbedding(dimensions)
