"""Conventions: mined statistically from a team's repository, written as rules (`conventions.yaml`),
checked by `idiom lint` and exported as instructions for other coding assistants."""
