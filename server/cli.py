"""The umbrella `idiom` command: mounts every package's commands (the composition root).

Heavy libraries load inside the commands that need them, so `idiom --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path

import click

from harvest import __version__
from harvest.cli import AFTER_HARVEST, FriendlyGroup
from harvest.cli import cli as harvest_cli
from router.cli import cli as router_cli
from router.storage.location import exists
from server.agents.command import mcp_command
from server.api.command import api_group
from server.serve import serve_command


@click.group(cls=FriendlyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="idiom")
def idiom() -> None:
    """Idiomatic: learn a team's conventions from its git repository and serve them in the editor."""


def _match_accepted_completions(repo: Path, harvest: Path) -> str:
    """After a harvest, the accepted completions of the request log against its commits (router/retention.py);
    imported here, not at start, so `idiom --help` stays fast, and only when there is a request log: a
    harvest of a fresh clone (a CI job's) then never loads the database layer."""
    if not exists(repo):
        return ""
    from router.retention import after_harvest

    return after_harvest(repo, harvest)


for group in (harvest_cli, router_cli):
    for command in group.commands.values():
        idiom.add_command(command)
idiom.add_command(serve_command)
AFTER_HARVEST.append(_match_accepted_completions)
idiom.add_command(mcp_command)
idiom.add_command(api_group)


def main() -> None:
    """Console-script entry point."""
    idiom(prog_name="idiom")
