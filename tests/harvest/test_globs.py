"""gitignore-style globs shared by path rules (`deprecated_paths`, `exclude_paths`) and `.idiomignore`."""

import pytest

from harvest.globs import matches_glob


@pytest.mark.parametrize("path, pattern, expected", [
    ("src/legacy/Table.tsx", "src/legacy/**", True),
    ("src/legacy/deep/x.ts", "src/legacy/**", True),
    ("lib/src/legacy/x.ts", "src/legacy/**", False),  # a slash anchors at the root
    ("a/b/fixtures.json", "fixtures.json", True),  # no slash: any depth
    ("src/x.test.ts", "src/*.ts", True),
    ("src/sub/x.ts", "src/*.ts", False),  # * stays within a directory
    ("vendor/lib/a.js", "vendor/", True),  # a trailing slash covers the directory
    ("docs/a1.md", "docs/a[0-9].md", True),
])
def test_matches_glob(path: str, pattern: str, expected: bool) -> None:
    assert matches_glob(path, pattern) is expected
