"""`python -m server` is the same as the `idiom` command."""

from server.cli import main

main()
