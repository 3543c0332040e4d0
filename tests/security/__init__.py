"""Hostile repositories: each row of issue 14's audit, shown not to work any more, with the trusted path
beside it. Rows 1-2: test_config_trust.py; row 2 in the editor and row 3: test_editor_and_server.py;
rows 4, 5, 7: test_artifacts.py; row 9: test_leaks.py. Row 6 (a local process on `idiom serve --tcp`)
is tests/server/test_serve_tcp.py and test_access.py; row 8 (killed and concurrent writers) is
tests/crash/."""
