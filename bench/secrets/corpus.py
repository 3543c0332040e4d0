"""Reading the labelled sets of the scrubber benchmark: the written set (`dev` always, `held-back` only on
request) and the shared corpus (with the one value ripsecrets marks safe upstream).

The held-back part measures the scrubber once, at the end of issue 16; reading it while tuning would make
it one more set the rules were fitted to. `load_written(final=False)` therefore never opens that file.
"""

from __future__ import annotations

from pathlib import Path

from harvest.errors import InputError
from harvest.scrub.allowlist import Allowlist, parse_allowlist
from harvest.scrub.evaluate import Case, load_cases

WRITTEN = Path(__file__).resolve().parent / "written"
DEV, HELD_BACK = "dev", "held-back"


def ripsecrets_allowlist(shared: Path) -> Allowlist:
    """ripsecrets' own `.secretsignore` `[secrets]` values as `.idiomignore` `[values]`: the values it marks
    safe upstream. Its path entry (`test`, its own fixture directory) is left out: every case lives there."""
    ignore = (shared / "ripsecrets" / ".secretsignore").read_text()
    return parse_allowlist("[values]\n" + ignore.split("[secrets]", 1)[1])


def split_path(name: str, root: Path = WRITTEN) -> Path:
    """The JSONL file of one split (`dev` or `held-back`)."""
    if name not in (DEV, HELD_BACK):
        raise InputError(f"unknown split {name!r}; use {DEV!r} or {HELD_BACK!r}")
    return root / f"{name}.jsonl"


def load_written(final: bool = False, root: Path = WRITTEN) -> dict[str, list[Case]]:
    """Split name → its cases: `dev`, plus `held-back` only when `final` is true."""
    splits = {DEV: load_cases(split_path(DEV, root))}
    if final:
        splits[HELD_BACK] = load_cases(split_path(HELD_BACK, root))
    return splits
