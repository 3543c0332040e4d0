"""Limited mode: what the server does in a workspace the developer has not trusted.

The editor says so once, in `initialize` (`initializationOptions.trusted: false`; absent = trusted); a
later `didChangeConfiguration` cannot change it. In limited mode the server only checks conventions:
diagnostics, `idiom.validateFile` and `idiom.explain` work; completions come back empty, no code action
asks Idiomatic to fix, and the commands that would reach a model provider, an index server or the
request log answer with an error saying how to trust the workspace. Nothing leaves the machine.
"""

from __future__ import annotations

from typing import Any

from pygls.exceptions import JsonRpcServerError

from server.lsp.protocol import UNTRUSTED, kind_of_json

HOW_TO_TRUST = "trust the workspace to use it (VS Code: Manage Workspace Trust; Neovim: :IdiomTrust)"
REASON = f"the workspace is not trusted, so Idiomatic only checks conventions here; {HOW_TO_TRUST}"


def trusted_from(options: Any) -> tuple[bool, str]:
    """(trusted, problem) from initializationOptions: anything but true or absent means limited mode."""
    value = options.get("trusted", True) if isinstance(options, dict) else True
    if isinstance(value, bool):
        return value, ""
    return False, f"trusted must be true or false, not {kind_of_json(value)}; running in limited mode"


def require_trust(trusted: bool, command: str) -> None:
    """Refuse `command` in limited mode."""
    if not trusted:
        raise JsonRpcServerError(f"{command}: the workspace is not trusted, so Idiomatic only checks "
                                 f"conventions here; {HOW_TO_TRUST}", UNTRUSTED)
