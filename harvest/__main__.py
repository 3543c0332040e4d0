"""`python -m harvest` runs the harvester's own command group."""

from harvest.cli import cli

cli(prog_name="python -m harvest")
