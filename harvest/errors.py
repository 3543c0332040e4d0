"""Errors Idiomatic shows to people: each message says what happened and how to fix it.

The CLI prints an `IdiomError` as one line on stderr and exits 1; any other exception is a bug. The
harvester's errors derive from `HarvestError`, the router's from `router.errors.RouterError`.
"""


class IdiomError(Exception):
    """Root of every error Idiomatic raises on purpose; the message is shown as written."""


class HarvestError(IdiomError):
    """Raised on purpose by the harvester (mining, scrubbing, datasets, conventions, the artifact store)."""


class ConfigError(HarvestError):
    """`idiom.toml` (or an `IDIOM_*` variable) is malformed or names an unknown key."""


class RepoError(HarvestError):
    """The repository cannot be mined: not a repo, empty, corrupt, or a ref that does not exist."""


class TrustError(HarvestError):
    """The repository asks for something the user has not trusted: a committed or symlinked `.idiom/`."""


class InputError(HarvestError):
    """A user-supplied input file (PR export, allowlist, corpus) is malformed."""


class WorkerLost(HarvestError):
    """A `--jobs` worker process died (killed, out of memory) before it returned its batch."""


class BusyError(HarvestError):
    """Another process is writing the same artifact home (a harvest, dataset build or index is running)."""
