"""Test style, per language family: `it(` or `test(` in JS/TS specs (and never both in one file) and
`.spec.`/`.test.` file names; pytest's plain asserts or unittest's `TestCase` methods, and `test_*.py` or
`*_test.py` names; Go table-driven tests run as `t.Run` subtests and testify or the standard library;
Java's test framework (JUnit 5, JUnit 4, TestNG), assertion library (AssertJ, Hamcrest, Truth, JUnit's
own) and test class names (`*Test.java` or `*Tests.java`).

Where the team chose between alternatives, the rule forbids the ones it did not choose, so a test written
the other way is caught; `mine` keeps a rule only when the code bears it out. A test style is the
language's habit in this repository: rules reach every test file of the language, wherever it is.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from harvest.config import HarvestConfig
from harvest.conventions.corpus import Corpus
from harvest.conventions.miners.base import extension_globs
from harvest.conventions.rules import Rule
from harvest.records import FileRecord

JS = frozenset({"javascript", "typescript", "tsx"})
# A test case is the call with its title first (`it('renders', …)`, `test.skip("…", …)`) or a table (`test.each`):
# a local named `test` (`test.req.abort()`, `test(app)` on a supertest request) is not one.
CASE = r"^\s*{0}(?:\.(?:only|skip|todo|concurrent|failing|sequential))*\(\s*['\"`]|^\s*{0}\.each\b"
FORBID = {"it": CASE.format("test"), "test": CASE.format("it")}
CALLS = {call: re.compile(CASE.format(call), re.MULTILINE) for call in ("it", "test")}
# A file calling both, whichever comes first (RE2 has no lookaround: the two orders are spelled out).
MIXED_CALLS = rf"(?s)(?:{FORBID['test']}).*(?:{FORBID['it']})|(?:{FORBID['it']}).*(?:{FORBID['test']})"
TESTS = ("test",)
NAMED_FILES = ("source", "test", "test-support")  # where a test file's name could be given
UNITTEST = re.compile(r"\bself\.assert\w+\(")
PYTEST_NAMES = {"test_*.py": r"_test\.py$", "*_test.py": r"^test_\w*\.py$"}  # style → the names it forbids
SPEC_NAME = re.compile(r"\.(spec|test)\.[cm]?[jt]sx?$")

GO_IMPORT = r'^\s*(?:import\s+)?(?:[\w.]+\s+)?"'  # an import line, grouped or not, aliased or not
JAVA_IMPORT = r"^\s*import\s+(?:static\s+)?"
# What a Go test file imports to assert; importing none of them, it asserts with the standard library.
GO_ASSERTIONS = {name: GO_IMPORT + path for name, path in {
    "testify": r"github\.com/stretchr/testify/", "gomega": r"github\.com/onsi/gomega",
    "gotest.tools": r"gotest\.tools/", "quicktest": r"github\.com/frankban/quicktest", "is": r"github\.com/matryer/is\b",
}.items()}
GO_STANDARD = "the standard library"
# Java: the framework a test class runs on, by what it imports.
JAVA_FRAMEWORKS = {"JUnit 5": JAVA_IMPORT + r"org\.junit\.jupiter\.",
                   "JUnit 4": JAVA_IMPORT + r"org\.junit\.(?:[A-Z]|rules\.|runners?\.|experimental\.)",
                   "TestNG": JAVA_IMPORT + r"org\.testng\."}
# The library it asserts with: by import, Hamcrest by its assertThat (its matchers alone also serve Spring's
# MockMvc and Mockito), JUnit's own by its value assertions (a team asserting with another library may still
# import JUnit's `assertThrows`).
JAVA_ASSERTIONS = {"AssertJ": JAVA_IMPORT + r"org\.assertj\.",
                   "Hamcrest": JAVA_IMPORT + r"org\.(?:hamcrest\.MatcherAssert|junit\.Assert\.assertThat)\b",
                   "Truth": JAVA_IMPORT + r"com\.google\.common\.truth\.",
                   "JUnit assertions": r"\bassert(?:Equals|NotEquals|True|False|Null|NotNull|Same|NotSame|ArrayEquals)\s*\("}
JAVA_TEST_NAMES = {"Test": r"Tests\.java$", "Tests": r"[^s]Test\.java$"}  # class suffix → the names it forbids


def testing_style(corpus: Corpus, config: HarvestConfig) -> list[Rule]:
    """Every language family's test-style rules."""
    return [rule for family in FAMILIES for rule in family(corpus, config)]


def _js(corpus: Corpus, config: HarvestConfig) -> list[Rule]:
    """Which test call the team uses (and that a file never mixes both), and which test file naming."""
    specs = [f for f in corpus.files if f.kind == "test" and f.language in JS]
    globs = extension_globs(f.path for f in specs)
    rules = []
    uses = {call: [f.path for f in specs if pattern.search(f.text)] for call, pattern in CALLS.items()}
    if uses["it"] or uses["test"]:
        call = max(uses, key=lambda c: len(uses[c]))
        other = "test" if call == "it" else "it"
        rules.append(Rule(f"specs-use-{call}-not-{other}", "not-regex", FORBID[call],
                          f"Write test cases with `{call}(`, never `{other}(`", globs, kinds=TESTS, source="test-style"))
        # Where the team writes both, each file still keeps to one: stated when the first rule cannot say it.
        if len(uses[other]) > (1 - config.warning_confidence) * len(set(uses[call] + uses[other])):
            rules.append(Rule("specs-one-test-call-per-file", "not-regex", MIXED_CALLS,
                              "Write a file's test cases with one of `it(` and `test(`, never both", globs, kinds=TESTS,
                              source="test-style"))
    # How test files are marked: `.spec.`, `.test.`, or not at all (mocha's `test/app.js`, `__tests__/x.ts`).
    names = [m.group(1) if (m := SPEC_NAME.search(f.path)) else "plain" for f in specs]
    if names:
        style = max(("spec", "test", "plain"), key=names.count)
        others = [s for s in ("spec", "test") if s != style]
        wanted = "named without `.spec.` or `.test.`" if style == "plain" else f"`*.{style}.ts(x)`"
        rules.append(Rule(f"test-files-named-{style}", "not-filename", rf"\.(?:{'|'.join(others)})\.[cm]?[jt]sx?$",
                          f"Name test files {wanted}, not {' or '.join(f'`*.{o}.ts(x)`' for o in others)}",
                          extension_globs(f.path for f in corpus.files if f.language in JS), kinds=NAMED_FILES,
                          source="test-style"))
    return rules


def _python(corpus: Corpus, _config: HarvestConfig) -> list[Rule]:
    """pytest's plain asserts or unittest's `TestCase` methods, whichever most test files use; and the test
    file names most use, `test_*.py` or `*_test.py`."""
    tests = [f for f in corpus.files if f.kind == "test" and f.language == "python"]
    if not tests:
        return []
    globs = ("*.py",)
    unittest_files = sum(1 for f in tests if UNITTEST.search(f.text))
    if unittest_files * 2 > len(tests):
        rules = [Rule("python-tests-unittest-methods", "not-regex", r"^(?:async\s+)?def\s+test",
                      "Write tests as `unittest.TestCase` methods asserting with `self.assert…`, not module-level "
                      "test functions", globs, kinds=TESTS, source="test-style")]
    else:
        rules = [Rule("pytest-plain-asserts", "not-regex", r"\bself\.assert\w+\(|\(unittest\.TestCase\)",
                      "Write pytest tests with plain `assert`, not unittest's `self.assert…` methods", globs, kinds=TESTS,
                      source="test-style")]
    prefixed = sum(1 for f in tests if f.path.rsplit("/", 1)[-1].startswith("test_"))
    style = "test_*.py" if prefixed * 2 >= len(tests) else "*_test.py"
    other = "*_test.py" if style == "test_*.py" else "test_*.py"
    rules.append(Rule(f"python-test-files-named-{'test-prefix' if style == 'test_*.py' else 'test-suffix'}",
                      "not-filename", PYTEST_NAMES[style],
                      f"Name test files `{style}`, not `{other}`", globs, kinds=NAMED_FILES, source="test-style"))
    return rules


def _go(corpus: Corpus, _config: HarvestConfig) -> list[Rule]:
    """Table-driven tests run their cases as `t.Run` subtests; one assertion library, or none."""
    files = _test_files(corpus, "go")
    if not files:
        return []
    globs = extension_globs((f.path for f in files), ending="_test.go")
    rules = []
    if any(u.subkind == "table" for f in files for u in corpus.units_by_path.get(f.path, ())):
        rules.append(Rule("go-table-tests-run-subtests", "unit-regex", r"\.Run\(",
                          "Run each case of a table-driven test as a subtest with `t.Run(tt.name, …)`", globs,
                          unit_kind="test:table", kinds=TESTS, source="test-style"))
    library = _dominant(files, GO_ASSERTIONS, none=GO_STANDARD)
    if library == GO_STANDARD:
        rules.append(Rule("go-tests-assert-with-the-standard-library", "not-regex", "|".join(GO_ASSERTIONS.values()),
                          "Assert with the standard library (`if got != want { t.Errorf(…) }`), not "
                          f"{_others(GO_ASSERTIONS, '')}", globs, kinds=TESTS, source="test-style"))
    elif library:
        rules.append(Rule(f"go-tests-assert-with-{_slug(library)}", "regex", GO_ASSERTIONS[library],
                          f"Assert with {library} in tests, not with bare `if … {{ t.Errorf(…) }}`", globs,
                          kinds=TESTS, source="test-style"))
    return rules


def _java(corpus: Corpus, _config: HarvestConfig) -> list[Rule]:
    """One test framework, one assertion library, one test class suffix."""
    files = _test_files(corpus, "java")
    if not files:
        return []
    globs = ("*.java",)
    rules = []
    for aspect, choices in (("on", JAVA_FRAMEWORKS), ("assert-with", JAVA_ASSERTIONS)):
        chosen = _dominant(files, choices)
        if chosen:
            rules.append(Rule(f"java-tests-{aspect}-{_slug(chosen)}", "not-regex",
                              "|".join(p for name, p in choices.items() if name != chosen),
                              f"{'Write tests for' if aspect == 'on' else 'Assert with'} {chosen}, not "
                              f"{_others(choices, chosen)}", globs, kinds=TESTS, source="test-style"))
    suffixes = Counter(m.group(1) for f in files if (m := re.search(r"(Tests?)\.java$", f.path)))
    if suffixes:
        style = max(JAVA_TEST_NAMES, key=lambda s: suffixes[s])
        other = "Tests" if style == "Test" else "Test"
        rules.append(Rule(f"java-test-classes-named-{style.lower()}", "not-filename", JAVA_TEST_NAMES[style],
                          f"Name test classes `*{style}.java`, not `*{other}.java`", globs, kinds=NAMED_FILES,
                          source="test-style"))
    return rules


def _test_files(corpus: Corpus, language: str) -> list[FileRecord]:
    """The language's test files that hold tests a runner would collect."""
    return [f for f in corpus.files if f.kind == "test" and f.language == language
            and any(u.kind == "test" for u in corpus.units_by_path.get(f.path, ()))]


def _dominant(files: list[FileRecord], choices: dict[str, str], none: str = "") -> str:
    """The choice whose pattern most files match ("" when none does); with `none`, the files matching no
    choice count for that one."""
    using = {name: {f.path for f in files if re.search(pattern, f.text, re.MULTILINE)} for name, pattern in choices.items()}
    counts = Counter({name: len(paths) for name, paths in using.items()})
    if none:
        counts[none] = len({f.path for f in files} - set().union(*using.values()))
    best = max(counts, key=counts.__getitem__, default="")
    return best if best and counts[best] else ""


def _others(choices: dict[str, str], chosen: str) -> str:
    names = [name for name in choices if name != chosen]
    return ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


FAMILIES: tuple[Callable[[Corpus, HarvestConfig], list[Rule]], ...] = (_js, _python, _go, _java)
