"""Whether a file the runners would pick up declares a test they would run: the confirmation a path
match needs before the file counts as a test.

A runner's patterns catch helpers too (`helpers_test.go` with no `TestX`, an abstract `BaseTest.java`,
a `__tests__/utils.ts`, a `test/support.js` under mocha's default folder). What a framework runs is
visible in the text: `func TestX(`, `@Test`, `describe(`/`it(`/`test(` or an import of a test
framework, `def test_x` or `class TestX`. One small function per language; a language without one
is taken at its path.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

JS_TEST_CALL = re.compile(r"\b(?:describe|it|test|suite|context|specify|bench|[fx](?:it|describe))"
                          r"(?:[A-Z]\w*)?(?:\.\w+)*\s*[(`]")
JS_TEST_IMPORT = re.compile(r"""(?:from\s+|require\(\s*|import\s+)['"](?:vitest|@jest/globals|node:test|mocha|ava"""
                            r"""|tap|uvu|bun:test|@playwright/test|cypress)['"/]""")
GO_TEST = re.compile(r"^func\s+(?:Test|Benchmark|Fuzz|Example)(?:[^a-z\W]\w*|_\w*)?\s*\(", re.MULTILINE)
JVM_TEST = re.compile(r"@(?:Test|ParameterizedTest|RepeatedTest|TestFactory|TestTemplate|Property|Theory)\b"
                      r"|\bextends\s+[\w.]*(?:TestCase|Test|Tests|TestBase|Specification)\b"
                      r"|:\s*(?:Fun|String|Behavior|Describe|Should|Word|Feature|Expect|Free|Annotation)Spec\s*\(")
JVM_ABSTRACT = re.compile(r"^(?:public\s+|protected\s+)?abstract\s+class\s", re.MULTILINE)


def declares_tests(language: str, text: str, names: Sequence[str] = ()) -> bool:
    """Whether `text` holds something the language's test frameworks run; `names` are the prefixes a
    Python runner collects (pytest's python_functions and python_classes), "test"/"Test" by default."""
    check = EVIDENCE.get(language)
    return True if check is None else check(text, tuple(names))


def _python(text: str, names: tuple[str, ...]) -> bool:
    return _python_pattern(names or ("test", "Test")).search(text) is not None


@lru_cache(maxsize=64)
def _python_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    prefixes = "|".join(re.escape(n) for n in names if n)
    return re.compile(rf"^[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+(?:{prefixes})"
                      r"|^[ \t]*class[ \t]+\w+\([^)]*TestCase\b", re.MULTILINE)


def _ecmascript(text: str, _names: tuple[str, ...]) -> bool:
    return JS_TEST_CALL.search(text) is not None or JS_TEST_IMPORT.search(text) is not None


def _go(text: str, _names: tuple[str, ...]) -> bool:
    return GO_TEST.search(text) is not None


def _jvm(text: str, _names: tuple[str, ...]) -> bool:
    """A test annotation or an inherited test base, in a class surefire and Gradle would instantiate."""
    return JVM_TEST.search(text) is not None and JVM_ABSTRACT.search(text) is None


EVIDENCE: dict[str, Callable[[str, tuple[str, ...]], bool]] = {
    "python": _python, "javascript": _ecmascript, "typescript": _ecmascript, "tsx": _ecmascript,
    "go": _go, "java": _jvm, "kotlin": _jvm, "groovy": _jvm,
}
