"""A repository's test-discovery profile: which files its test runners would run, as read from their
configuration (harvest/testkind/runners.py), and the verdict on one path.

A `Suite` is one runner configuration: the folder it is rooted at, the folders it scans, the globs or
regexes a test file must match and the ones that rule files out. The profile is the union of its suites
plus what the harvest learned from the files' contents: the paths that matched but declare no test (a
`helpers_test.go`, an abstract `BaseTest.java`), so the editor's path-only verdict agrees with the
harvest's. It is recorded in the harvest manifest and read back at request time.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from harvest.testkind.globs import runner_glob

# Folders whose code is there for the tests: what is in them and not a test is test support.
TEST_FOLDERS = frozenset({"test", "tests", "__tests__", "spec", "specs", "e2e"})
# Folders of data and stand-ins the tests use: neither what a test tests nor a project of their own.
FIXTURE_FOLDERS = ("__mocks__", "__fixtures__", "fixtures", "testdata")
FIXTURE_PATH = re.compile(rf"(^|/)({'|'.join(FIXTURE_FOLDERS)})/")
# Test-support files by name wherever they are: pytest's fixtures, the runners' setup files.
SUPPORT_NAME = re.compile(r"^(conftest\.py|(setup|jest|vitest)[.-]?(tests?|setup|env)\.[cm]?[jt]sx?|"
                          r"test[-_]?(utils?|helpers?)\.[cm]?[jt]sx?)$", re.IGNORECASE)


@dataclass(frozen=True)
class Suite:
    """One runner configuration: the files under `root` (scanning `scan`) that it runs."""

    framework: str  # pytest, unittest, jest, vitest, mocha, playwright, cypress, go, maven, gradle
    root: str = ""  # folder the configuration belongs to ("" = the repository root)
    include: tuple[str, ...] = ()  # runner globs, relative to `root` or to a scanned folder
    regex: tuple[str, ...] = ()  # jest `testRegex`, searched in "/" + the repository path
    exclude: tuple[str, ...] = ()  # runner globs ruling files out
    exclude_regex: tuple[str, ...] = ()  # jest `testPathIgnorePatterns`
    scan: tuple[str, ...] = ()  # repository folders it looks in (pytest testpaths, vitest dir); () = root
    dedicated: bool = False  # the scanned folders hold only test code: the rest of it is test support
    setup: tuple[str, ...] = ()  # setup files it loads (setupFiles, --require): test support
    test_names: tuple[str, ...] = ()  # what a test function or class is called (pytest python_functions)
    loose: bool = False  # its pattern takes in ordinary modules too (unittest's `test*.py`: `testing.py`)
    source: str = ""  # where the settings were read, for people reading the manifest

    def matches(self, path: str) -> bool:
        """Whether this configuration would run `path`."""
        compiled = _compiled(self)
        folders = compiled.folders
        if not any(_under(path, folder) for folder in folders):
            return False
        relative = [_relative(path, folder) for folder in {self.root, *folders}]
        hit = any(c.match(r) for c in compiled.include for r in relative) or \
            any(c.search("/" + path) for c in compiled.regex)
        if not hit:
            return False
        return not (any(c.match(r) for c in compiled.exclude for r in relative) or
                    any(c.search("/" + path) for c in compiled.exclude_regex))

    def holds(self, path: str) -> bool:
        """Whether `path` is inside a folder this suite dedicates to tests."""
        return self.dedicated and any(_under(path, folder) and folder for folder in _compiled(self).folders)


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: it is a cache key on the request path
class DiscoveryProfile:
    """Every suite of a repository, and the paths at HEAD they match that declare no test."""

    suites: tuple[Suite, ...]
    unconfirmed: frozenset[str] = field(default_factory=frozenset)

    def runs(self, path: str) -> bool:
        """Whether some suite runs `path` (whatever the file holds)."""
        return any(suite.matches(path) for suite in self.suites)

    def verdict(self, path: str) -> str:
        """"test" when a runner would run `path`, "support" when it is code kept for the tests, else ""."""
        if path not in self.unconfirmed and self.runs(path):
            return "test"
        return "support" if self.supports(path) else ""

    def supports(self, path: str) -> bool:
        """Test support: a file named as a test that declares none, a setup file, or anything in a test
        folder. A module only a loose pattern caught (unittest's `test*.py` takes in `testing.py`) is not."""
        unconfirmed = path in self.unconfirmed and any(s.matches(path) and not s.loose for s in self.suites)
        if unconfirmed or SUPPORT_NAME.match(posixpath.basename(path)):
            return True
        folders = posixpath.dirname(path).split("/")
        return any(part in TEST_FOLDERS for part in folders) or any(s.holds(path) or path in s.setup
                                                                     for s in self.suites)

    def to_json(self) -> dict[str, Any]:
        """The profile as the harvest manifest records it."""
        return {"suites": [_suite_json(s) for s in self.suites], "unconfirmed": sorted(self.unconfirmed)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DiscoveryProfile:
        """The profile `to_json` wrote; a field this version does not know is ignored."""
        known = Suite.__dataclass_fields__
        suites = tuple(Suite(**{k: tuple(v) if isinstance(v, list) else v for k, v in item.items() if k in known})
                       for item in data.get("suites", []))
        return cls(suites, frozenset(data.get("unconfirmed", ())))

    def with_unconfirmed(self, paths: Iterable[str]) -> DiscoveryProfile:
        """This profile, knowing which matched paths declare no test."""
        return DiscoveryProfile(self.suites, frozenset(paths))


@dataclass(frozen=True)
class _Compiled:
    folders: tuple[str, ...]
    include: tuple[re.Pattern[str], ...]
    regex: tuple[re.Pattern[str], ...]
    exclude: tuple[re.Pattern[str], ...]
    exclude_regex: tuple[re.Pattern[str], ...]


@lru_cache(maxsize=512)
def _compiled(suite: Suite) -> _Compiled:
    """The suite's patterns compiled once; a pattern that does not compile matches nothing."""
    return _Compiled(suite.scan or (suite.root,), _globs(suite.include), _regexes(suite.regex, suite.root),
                     _globs(suite.exclude), _regexes(suite.exclude_regex, suite.root))


def _globs(globs: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(c for c in map(runner_glob, globs) if c is not None)


def _regexes(patterns: tuple[str, ...], root: str) -> tuple[re.Pattern[str], ...]:
    """Jest regexes over absolute paths: `<rootDir>` stands for the configuration's folder."""
    found = []
    for pattern in patterns:
        try:
            found.append(re.compile(pattern.replace("<rootDir>", re.escape("/" + root if root else ""))))
        except re.error:
            continue
    return tuple(found)


def _under(path: str, folder: str) -> bool:
    return not folder or path.startswith(folder + "/")


def _relative(path: str, folder: str) -> str:
    return path[len(folder) + 1:] if folder and path.startswith(folder + "/") else path


def _suite_json(suite: Suite) -> dict[str, Any]:
    """Only the fields that differ from an empty suite: the manifest stays readable."""
    empty = asdict(Suite(suite.framework))
    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(suite).items()
            if k == "framework" or v != empty[k]}
