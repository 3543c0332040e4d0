"""Harvest: a team's git repository → scrubbed records, then datasets (pipeline stage 1).

Grouped by stage: `mining/` reads the repository into scrubbed records (`scrub/` is the scrubber), `dataset/`
turns them into units (`units/`, `graph/`, `testkind/`), pairs (`pairs/`), conventions (`conventions/`) and
the written datasets. The top level holds what the stages, `router` and `server` share: the command line,
settings (config, trust, options, glob_settings), errors, records, where artifacts live and how they are
written (store, atomic, artifacts, lock), path rules (globs, classify), safe regexes (patterns), progress.

Imports nothing from `router` or `server`; everything else builds on what it writes.
"""

__version__ = "0.1.0"
