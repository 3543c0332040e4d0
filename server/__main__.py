"""`python -m server` is the same as the `idiom` command."""

from server.launch import main

main()
