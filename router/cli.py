"""Command line of the router: `idiom index`, `idiom search`, `idiom generate`, `idiom model tiny`,
`idiom train`, `idiom models`, `idiom suite`, `idiom validate`, `idiom route`, `idiom roi`, `idiom feedback`.

Also runs alone as `python -m router`.
"""

from __future__ import annotations

import click

from harvest.cli import FriendlyGroup
from router.feedback_command import feedback_group
from router.generate import generate_command, model_group, route_command
from router.reports.command import roi_command
from router.strategies.finetuned.command import models_group, train_command
from router.strategies.rag.command import index_command, search_command
from router.validate_command import suite_group, validate_command


@click.group(cls=FriendlyGroup)
def cli() -> None:
    """Retrieve the team's code and answer requests with it."""


cli.add_command(index_command)
cli.add_command(search_command)
cli.add_command(generate_command)
cli.add_command(route_command)
cli.add_command(model_group)
cli.add_command(train_command)
cli.add_command(models_group)
cli.add_command(suite_group)
cli.add_command(validate_command)
cli.add_command(roi_command)
cli.add_command(feedback_group)
