"""Validation, the pure part: rules a generated completion must follow, suites of cases a tech lead
edits, the default suite's generation, and the statistics of results (intervals, McNemar, uplift).
Running a suite through the strategies is router/validate.py; the database is router/database.py."""
