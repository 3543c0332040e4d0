"""The real-world matrix (issue 15): the product measured on public repositories pinned by commit.

`run.py` is the command; `repos.toml` the repositories; `truth.py` what each repository's own test runner
would collect; the other modules each compute one family of figures from the harvest's artifacts.
"""
