"""The test-discovery profile of a repository at harvest time: its runner configurations read into
suites, then every file the suites match checked for a test it declares."""

from __future__ import annotations

from collections.abc import Mapping

from harvest.classify import language_of
from harvest.testkind.evidence import declares_tests
from harvest.testkind.profile import DiscoveryProfile
from harvest.testkind.runners import is_runner_config, read_suites


def discover_profile(texts: Mapping[str, str]) -> DiscoveryProfile:
    """The profile of a repository from its files at HEAD (path → text): the suites its runner configs
    describe, and which of the files they match declare no test."""
    suites = tuple(read_suites({p: t for p, t in texts.items() if is_runner_config(p)}, texts.keys()))
    unconfirmed = []
    for path, text in texts.items():
        matched = [s for s in suites if s.matches(path)]
        names = tuple(n for s in matched for n in s.test_names)
        if matched and not declares_tests(language_of(path), text, names):
            unconfirmed.append(path)
    return DiscoveryProfile(suites, frozenset(unconfirmed))
