"""The router's errors: one root whose message is shown as written (what happened, how to fix it)."""

from __future__ import annotations

from harvest.errors import IdiomError


class RouterError(IdiomError):
    """Raised on purpose by the router; the CLI prints it as one line and exits 1."""


class IndexStoreError(RouterError):
    """The retrieval index is missing, locked, built with another model, or unreachable."""


class TrainingError(RouterError):
    """Fine-tuning cannot start or failed: no CUDA for QLoRA, no data, a failed remote job."""
