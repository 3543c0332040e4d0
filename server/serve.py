"""`idiom serve`: the language server editors start (stdio), or a TCP server that asks for a token."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from harvest.errors import InputError

DEFAULT_HOST = "127.0.0.1"
CONSENT = "--i-understand-this-exposes-code"


@click.command("serve")
@click.option("--repo", type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="The repository to serve (default: the workspace root the editor sends).")
@click.option("--tcp", "port", type=click.IntRange(0, 65535), default=None,
              help="Listen on this TCP port instead of talking over stdin/stdout. One client at a time; it "
                   "must send the token as initializationOptions.token. A client leaving does not stop the "
                   "server; shutdown + exit does.")
@click.option("--host", default=DEFAULT_HOST, show_default=True,
              help=f"With --tcp: the address to listen on. Anything but loopback (127.0.0.0/8, ::1, localhost) "
                   f"exposes your code and model keys to the network, and needs {CONSENT}.")
@click.option("--token-file", type=click.Path(path_type=Path, dir_okay=False),
              help="With --tcp: read the token from this file, or write a new one there (mode 0600) when it does "
                   "not exist [default: serve-PORT.token in your runtime folder].")
@click.option(CONSENT, "exposed", is_flag=True,
              help="With --tcp: allow a --host that is not loopback.")
@click.option("--log-file", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the server's own log here (stdout belongs to the protocol).")
def serve_command(repo: Path | None, port: int | None, host: str, token_file: Path | None, exposed: bool,
                  log_file: Path | None) -> None:
    """Run the language server for editors (VS Code extension, Neovim plugin): inline completions
    through the router, convention diagnostics, and the idiom.* commands (docs/editor-protocol.md).

    An editor that has not trusted the workspace sends initializationOptions.trusted = false: the
    server then only checks conventions and never contacts a model provider or index server."""
    from router.strategies.registry import start_early_imports
    from server.lsp.access import is_loopback

    check_listening(port is not None, "--tcp PORT", host, exposed, (("--token-file", bool(token_file)),),
                    "could try the server with your code and model keys")
    logging.basicConfig(filename=log_file, level=logging.INFO if log_file else logging.WARNING,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    from server.lsp.app import build_server
    from server.lsp.connection import serve_stdio, serve_tcp
    from server.lsp.warmup import start_helper_and_warm_up

    # The rest loads in a thread while the editor starts up and sends initialize; workers wait for it. The
    # imports above come first, so that no two threads import at once (server/lsp/warmup.py says why).
    start_early_imports(also=start_helper_and_warm_up)

    if port is None:
        serve_stdio(build_server(repo))
        return

    from server.lsp.access import default_token_file, token_from

    def listening(bound: int, token: str) -> None:
        say(f"idiom serve listening on {host}:{bound} (one client at a time)")
        if not is_loopback(host):
            say(f"warning: {host} is not loopback; whoever reaches it and has the token gets your code and keys")
        say(f"token file: {token_file or default_token_file(bound)}")
        say(f"token: {token} (clients send it as initializationOptions.token)")

    serve_tcp(lambda token: build_server(repo, token), host, port,
              lambda bound: token_from(token_file or default_token_file(bound)), listening, say)


def check_listening(listening: bool, switch: str, host: str, exposed: bool, others: tuple[tuple[str, bool], ...],
                    risk: str) -> None:
    """The flags of a server that may listen on the network: without `switch` (not `listening`) none of them
    applies; with it, a `host` that is not loopback needs the consent flag. `risk` says what a stranger could do."""
    from server.lsp.access import is_loopback

    if not listening:
        given = [flag for flag, used in (("--host", host != DEFAULT_HOST), *others, (CONSENT, exposed)) if used]
        if given:
            raise InputError(f"{given[0]} only applies with {switch}")
    elif not is_loopback(host) and not exposed:
        raise InputError(f"--host {host} is not a loopback address: anyone who can reach it {risk}; pass {CONSENT} "
                         "to listen there anyway")


def say(line: str) -> None:
    """A line for the person who started the server (stderr: stdout may carry the protocol)."""
    click.echo(line, err=True)
