"""Errors the harvester shows to people: each message says what happened and how to fix it.

The CLI prints a `HarvestError` as one line on stderr and exits 1; any other exception is a bug.
"""


class HarvestError(Exception):
    """Root of every error the harvester raises on purpose; the message is shown as written."""


class ConfigError(HarvestError):
    """`idiom.toml` (or an `IDIOM_*` variable) is malformed or names an unknown key."""


class RepoError(HarvestError):
    """The repository cannot be mined: not a repo, empty, corrupt, or a ref that does not exist."""


class TrustError(HarvestError):
    """The repository asks for something the user has not trusted: a committed or symlinked `.idiom/`."""


class InputError(HarvestError):
    """A user-supplied input file (PR export, allowlist, corpus) is malformed."""


class BusyError(HarvestError):
    """Another process is writing the same artifact home (a harvest, dataset build or index is running)."""
