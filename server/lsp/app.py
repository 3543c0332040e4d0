"""Builds the language server from its feature modules (connection.py runs it on stdio or TCP)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from lsprotocol import types

from server.lsp import commands, completion, diagnostics, documents
from server.lsp.answering import preload
from server.lsp.retention import finish_all
from server.lsp.settings import SESSION_KEYS
from server.lsp.state import IdiomServer
from server.lsp.trust import REASON, trusted_from

FEATURES = (completion, diagnostics, documents, commands)


def build_server(repo: Path | None = None, token: str = "") -> IdiomServer:
    """An IdiomServer with every feature registered; `repo` overrides the workspace root; `token`, when
    set, is what initialize must carry."""
    ls = IdiomServer(repo.resolve() if repo else None, token)
    for feature in FEATURES:
        feature.register(ls)

    @ls.feature(types.INITIALIZE)
    def initialize(ls: IdiomServer, params: types.InitializeParams) -> None:
        options = params.initialization_options
        ls.trusted, problem = trusted_from(options)
        if problem:
            ls.log(problem, types.MessageType.Warning)
        if not ls.trusted:
            ls.log(REASON, types.MessageType.Warning)
        ls.configure({k: v for k, v in options.items() if k not in SESSION_KEYS} if isinstance(options, dict)
                     else options)

    @ls.feature(types.INITIALIZED)
    def initialized(ls: IdiomServer, params: types.InitializedParams) -> None:
        ls.log(f"Idiomatic serving {ls.root()}")
        if ls.trusted:  # limited mode opens no index and reaches no provider, not even to warm up
            ls.in_background(preload, ls)

    @ls.feature(types.SHUTDOWN)
    def shutdown(ls: IdiomServer, params: None) -> None:
        ls.shutting_down = True
        finish_all(ls)  # the editor is closing: what is known of the completions followed is recorded now

    @ls.feature(types.EXIT)
    def exit_now(ls: IdiomServer, params: None) -> None:
        # A model call still in flight must not keep the editor waiting: its worker thread would be
        # joined at interpreter exit, for as long as the provider's timeout.
        finish_all(ls)  # an exit without shutdown: still record what is known
        sys.stdout.flush()
        os._exit(0 if ls.shutting_down else 1)

    @ls.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def changed(ls: IdiomServer, params: types.DidChangeConfigurationParams) -> None:
        ls.configure(params.settings)

    return ls
