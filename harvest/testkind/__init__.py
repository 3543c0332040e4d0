"""Test files recognised from evidence: the repository's own runner configuration says which files
its test runners would run (runners.py → profile.py), and each matched file's text confirms that it
declares a test (evidence.py, applied by discover.py). Computed once per harvest and recorded in its
manifest, so the dataset build, lint and the router classify a path the same way.
"""
