"""Harvest: a team's git repository → scrubbed records, then datasets (pipeline stage 1).

Imports nothing from `router` or `server`; everything else builds on what it writes.
"""

__version__ = "0.1.0"
