"""Server: the language server and the umbrella `idiom` CLI (pipeline stage 3, composition root).

May import `router` and `harvest`; nothing imports it.
"""
