"""`python -m router`: the router's commands alone."""

from router.cli import cli

cli(prog_name="python -m router")
