"""Quiet the ML libraries' console chatter (weight-loading bars, a CPU-kernel notice) in a CLI's output."""

from __future__ import annotations

import logging
import warnings


def quiet_transformers() -> None:
    """No transformers or datasets progress bars, no bitsandbytes CPU notice, no deprecation notices
    about the libraries' own argument names (transformers 5 renames what trl 1.x still passes)."""
    logging.getLogger("bitsandbytes").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", category=FutureWarning, module=r"transformers\.")
    import datasets

    datasets.disable_progress_bars()
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    transformers_logging.set_verbosity_error()
