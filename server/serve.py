"""`idiom serve`: the language server editors start (stdio), or a TCP server on 127.0.0.1."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from harvest.errors import InputError


@click.command("serve")
@click.option("--repo", type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="The repository to serve (default: the workspace root the editor sends).")
@click.option("--tcp", "port", type=click.IntRange(0, 65535), default=None,
              help="Listen on this TCP port instead of talking over stdin/stdout.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="With --tcp: the address to listen on. Anything but loopback exposes your code and "
                   "model keys to the network.")
@click.option("--log-file", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the server's own log here (stdout belongs to the protocol).")
def serve_command(repo: Path | None, port: int | None, host: str, log_file: Path | None) -> None:
    """Run the language server for editors (VS Code extension, Neovim plugin): inline completions
    through the router, convention diagnostics, and the idiom.* commands (docs/editor-protocol.md)."""
    from server.lsp.app import build_server
    from server.lsp.connection import serve_stdio

    if host != "127.0.0.1" and port is None:
        raise InputError("--host only applies with --tcp PORT")
    logging.basicConfig(filename=log_file, level=logging.INFO if log_file else logging.WARNING,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    server = build_server(repo)
    if port is None:
        serve_stdio(server)
    else:
        click.echo(f"idiom serve listening on {host}:{port}", err=True)
        server.start_tcp(host, port)
