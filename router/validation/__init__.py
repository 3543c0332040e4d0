"""Validation: rules a generated completion must follow, suites of cases a tech lead edits, and runs
of every case through every strategy, stored in `.idiom/idiom.db`."""
