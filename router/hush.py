"""Quiet the ML libraries' console chatter (weight-loading bars, a CPU-kernel notice) in a CLI's output."""

from __future__ import annotations

import logging


def quiet_transformers() -> None:
    """No transformers or datasets progress bars, no bitsandbytes CPU notice."""
    logging.getLogger("bitsandbytes").setLevel(logging.ERROR)
    import datasets

    datasets.disable_progress_bars()
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    transformers_logging.set_verbosity_error()
