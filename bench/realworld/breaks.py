"""Injected convention breaks: one change against the repository's grain in a held-out file, linted, undone.

Every break is written generically, from what bench/realworld/grain.py measured (no repository's own
strings), in six kinds per language family:

- `naming:<unit kind>`: a function, method, class, component, hook or styled component named in another case
  than that kind's names (`injectedHelperValue` among snake_case functions);
- `test-style`: a test in the style the file does not use (JS `test(` ↔ `it(`, pytest plain `assert` ↔
  `self.assertEqual`, JUnit 5 ↔ 4 assertions, a Go `t.Run` table test ↔ a flat one);
- `import-style`: the module most often imported whole, under another name (JS/TS), relative ↔ absolute
  imports within a package (Python), a wildcard import (Java), an aliased import (Go);
- `unused-pattern`: the first of a list of commonly banned calls the repository never uses at HEAD
  (`console.log(`, `print(`, `fmt.Println(`, `System.out.println(`, …);
- `file-case`: a copy of the held-out file beside it, named in another case than the folder's files;
- `test-name`: a copy of a held-out test file named against the repository's test naming
  (`.spec.` among `.test.`, `*_test.py` among `test_*.py`, `*Tests.java` among `*Test.java`).

Wrappers a break needs (the function around a Go `fmt.Println(`, the class holding a method) are named in
the grain, so each break breaks one thing. A break counts as caught when `idiom lint` reports more on the
file than before; every change is undone, even on an interrupt.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.realworld import grain as measure
from bench.realworld.grain import Grain, against, family_of, name_in
from bench.realworld.holdout import sample
from bench.realworld.truth import Tree, language_of


@dataclass(frozen=True)
class Edit:
    """One break: `path` gets `text` (a new file when `created`)."""

    kind: str
    path: str
    text: str
    created: bool = False
    detail: str = ""


class Repository(Tree):
    """A clone with what the breaks need: its tracked files, test files (truth), held-out files and grain."""

    def __init__(self, root: Path, paths: Sequence[str], tests: frozenset[str], held_out: Sequence[str],
                 units: Sequence[dict]) -> None:
        super().__init__(root, paths)
        self.tests = tests
        self.held_out = sorted(held_out)
        self.grain = measure_grain(self, units)

    def family(self, path: str) -> str:
        return family_of(language_of(path))


def measure_grain(repo: Repository, units: Sequence[dict]) -> Grain:
    """The grain of the files that were not held out (units: the harvest's, which leaves them out too)."""
    held = set(repo.held_out)
    kept = [p for p in repo.paths if p not in held and repo.family(p)]
    by_family: dict[str, list[str]] = {}
    for path in kept:
        by_family.setdefault(repo.family(path), []).append(path)
    packages = frozenset(posixpath.dirname(p) for p in repo.paths if posixpath.basename(p) == "__init__.py")
    js = measure.default_import(repo.text(p) for p in by_family.get("js", []))
    every = {family: "\n".join(repo.text(p) for p in repo.paths if repo.family(p) == family)
             for family in by_family}
    absent = {family: next((label for label, probe, _ in UNUSED_PROBES.get(family, ()) if not probe.search(text)), "")
              for family, text in every.items()}
    return Grain(
        unit_cases=measure.unit_cases(units),
        folder_cases=measure.folder_cases(kept, repo.tests),
        test_names=measure.naming_of_tests(t for t in repo.tests if t not in held),
        default_imports={"js": (js[0], js[1], js[2])} if js else {},
        python_imports=measure.python_import_style(
            {p: repo.text(p) for p in by_family.get("python", []) if p not in repo.tests}, packages),
        java_wildcards=measure.java_wildcard_share(repo.text(p) for p in by_family.get("java", [])),
        go_aliases=measure.go_alias_shares(repo.text(p) for p in by_family.get("go", [])),
        absent={f: a for f, a in absent.items() if a},
    )


def plan(repo: Repository, per_kind: int, targets: Sequence[str]) -> list[Edit]:
    """Every break that applies to the `targets` (held-out files lint looks at), at most `per_kind` of each
    kind (the same ones every run)."""
    edits: dict[str, dict[str, Edit]] = {}
    for path in targets:
        if not repo.family(path) or not repo.text(path) or path.endswith(".d.ts"):  # declarations hold no code
            continue
        for build in BUILDERS:
            for edit in build(repo, path):
                edits.setdefault(edit.kind, {}).setdefault(edit.path, edit)  # one per created file
    return [group[p] for kind, group in sorted(edits.items()) for p in sample(group, per_kind)]


@contextmanager
def applied(root: Path, edit: Edit) -> Iterator[None]:
    """The clone with `edit` made; restored on the way out, whatever happens."""
    target = root / edit.path
    created_folders = [f for f in reversed(target.parents) if root in f.parents and not f.exists()]
    original = None if edit.created else target.read_bytes()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(edit.text, encoding="utf-8")
        yield
    finally:
        if original is None:
            target.unlink(missing_ok=True)
            for folder in reversed(created_folders):
                folder.rmdir()
        else:
            target.write_bytes(original)


def trial(root: Path, edit: Edit, violations: Callable[[str], int]) -> bool:
    """Whether lint reports more on the edited file than before the edit."""
    before = 0 if edit.created else violations(edit.path)
    with applied(root, edit):
        return violations(edit.path) > before


# --- where and how to insert ---------------------------------------------------------------------------------

def appended(text: str, snippet: str) -> str:
    return text.rstrip("\n") + "\n\n" + snippet


JAVA_TYPE = re.compile(r"(@interface|\binterface|\bclass|\benum|\brecord)\s+[A-Za-z_$]")


def java_holds_methods(text: str) -> bool:
    """Whether a method with a body may be added to the file's top-level type: a class, enum or record (an
    interface's would need `default`, an annotation's cannot have one, a package-info.java has no type)."""
    declared = JAVA_TYPE.search(re.sub(r"/\*.*?\*/|//[^\n]*", "", text, flags=re.S))
    return declared is not None and declared.group(1) in ("class", "enum", "record")


def java_member(text: str, member: str) -> str:
    """`member` inserted before the closing brace of the file's last type."""
    end = text.rstrip().rfind("}")
    return text[:end] + member + text[end:] if end >= 0 else appended(text, member)


def after_imports(text: str, line: str, family: str) -> str | None:
    """`line` inserted after the file's last top-level import (Go: after the package clause; JS: at the top,
    after directives); None when there is no place for it."""
    lines = text.splitlines(keepends=True)
    if family == "go":
        at = next((i + 1 for i, l in enumerate(lines) if l.startswith("package ")), None)
    elif family == "js":
        at = 0
        while at < len(lines) and re.match(r"""\s*(#!|['"]use [\w ]+['"];?\s*$|$)""", lines[at]):
            at += 1
    else:
        starts = re.compile(r"^(?:import\s|from\s+\S+\s+import\s)" if family == "python" else r"^(?:import|package)\s")
        at = None
        index = 0
        while index < len(lines):
            if starts.match(lines[index]):
                if family == "python" and "(" in lines[index] and ")" not in lines[index]:
                    while index + 1 < len(lines) and ")" not in lines[index]:
                        index += 1
                at = index + 1
            index += 1
    if at is None:
        return None
    return "".join(lines[:at]) + line.rstrip("\n") + "\n" + "".join(lines[at:])


def in_grain(repo: Repository, family: str, kind: str, words: Sequence[str]) -> str:
    """A name for a wrapper, in the case the repository uses for that kind (its language's usual one when
    the grain is unknown)."""
    return name_in(repo.grain.unit_cases.get((family, kind), USUAL_CASES[(family, kind)]), words)


USUAL_CASES = {("python", "function"): "snake_case", ("python", "method"): "snake_case", ("python", "class"): "PascalCase",
               ("js", "function"): "camelCase", ("js", "method"): "camelCase", ("js", "class"): "PascalCase",
               ("go", "function"): "camelCase", ("go", "method"): "camelCase", ("go", "class"): "camelCase",
               ("java", "method"): "camelCase", ("java", "class"): "PascalCase"}


# --- naming --------------------------------------------------------------------------------------------------

NAME_WORDS = {"function": ("injected", "helper", "value"), "method": ("injected", "method", "value"),
              "class": ("injected", "thing", "holder"), "component": ("injected", "widget", "view"),
              "hook": ("use", "injected", "value"), "styled": ("injected", "styled", "box")}


def _unit_snippet(repo: Repository, path: str, family: str, kind: str, name: str) -> str | None:
    """The whole new text of `path` with a unit of `kind` named `name` added; None when it cannot hold one."""
    text = repo.text(path)

    def holder(kind_of_holder: str = "class") -> str:
        return in_grain(repo, family, kind_of_holder, ("injected", "holder", "type"))

    snippets: dict[tuple[str, str], Callable[[], str | None]] = {
        ("python", "function"): lambda: appended(text, f"def {name}():\n    return 1\n"),
        ("python", "method"): lambda: appended(text, f"class {holder()}:\n    def {name}(self):\n        return 1\n"),
        ("python", "class"): lambda: appended(text, f"class {name}:\n    pass\n"),
        ("js", "function"): lambda: appended(text, f"export function {name}() {{\n  return 1\n}}\n"),
        ("js", "method"): lambda: appended(text, f"export class {holder()} {{\n  {name}() {{\n    return 1\n  }}\n}}\n"),
        ("js", "class"): lambda: appended(text, f"export class {name} {{}}\n"),
        ("js", "component"): lambda: appended(text, f"export function {name}() {{\n  return <div />\n}}\n")
        if path.endswith((".tsx", ".jsx")) else None,
        ("js", "hook"): lambda: appended(text, f"export function {name}() {{\n  return 1\n}}\n"),
        ("js", "styled"): lambda: appended(text, f"export const {name} = styled.div``\n")
        if re.search(r"\bstyled\b", text) else None,
        ("go", "function"): lambda: appended(text, f"func {name}() int {{\n\treturn 1\n}}\n"),
        ("go", "method"): lambda: appended(text, f"type {holder()} struct{{}}\n\nfunc (h {holder()}) {name}() int {{\n"
                                                 "\treturn 1\n}\n"),
        ("go", "class"): lambda: appended(text, f"type {name} struct{{}}\n"),
        ("java", "class"): lambda: appended(text, f"class {name} {{\n}}\n"),
        ("java", "method"): lambda: java_member(text, f"\n  void {name}() {{\n  }}\n") if java_holds_methods(text) else None,
    }
    make = snippets.get((family, kind))
    return make() if make else None


def misnamed_units(repo: Repository, path: str) -> list[Edit]:
    """A unit of each kind with a grain, named against it, added to a held-out source file."""
    family = repo.family(path)
    if path in repo.tests:
        return []
    edits = []
    for (unit_family, kind), case in sorted(repo.grain.unit_cases.items()):
        if unit_family != family or kind not in NAME_WORDS:
            continue
        name = name_in(against(case), NAME_WORDS[kind])
        text = _unit_snippet(repo, path, family, kind, name)
        if text is not None:
            edits.append(Edit(f"naming:{kind}", path, text, detail=f"{kind} {name} among {case} names"))
    return edits


# --- test style ----------------------------------------------------------------------------------------------

GO_FLAT_TEST = "func TestInjectedFlat(t *testing.T) {\n\tif got := 1; got != 1 {\n\t\tt.Fatalf(\"got %d\", got)\n\t}\n}\n"
GO_TABLE_TEST = ("func TestInjectedTable(t *testing.T) {\n\ttests := []struct {\n\t\tname string\n\t\twant int\n"
                 "\t}{\n\t\t{\"one\", 1},\n\t}\n\tfor _, tt := range tests {\n\t\tt.Run(tt.name, func(t *testing.T) {\n"
                 "\t\t\tif tt.want != 1 {\n\t\t\t\tt.Fatal(tt.name)\n\t\t\t}\n\t\t})\n\t}\n}\n")


def swapped_test_style(repo: Repository, path: str) -> list[Edit]:
    """A test in the style this test file does not use."""
    if path not in repo.tests:
        return []
    family, text = repo.family(path), repo.text(path)
    if family == "js":
        uses_it = len(re.findall(r"(?m)^\s*it(?:\.\w+)*\(", text)) >= len(re.findall(r"(?m)^\s*test(?:\.\w+)*\(", text))
        call = "test" if uses_it else "it"
        return [Edit("test-style", path, appended(text, f"{call}(\"injected case\", () => {{\n  expect(1).toBe(1)\n}})\n"),
                     detail=f"`{call}(` in a file of `{'it' if uses_it else 'test'}(`")]
    if family == "python":
        if re.search(r"\bself\.assert\w*\(", text):
            return [Edit("test-style", path, appended(text, "def test_injected_case():\n    assert 1 == 1\n"),
                         detail="a plain assert in a unittest-style file")]
        return [Edit("test-style", path, appended(text, "class TestInjectedCase(unittest.TestCase):\n"
                                                        "    def test_injected(self):\n        self.assertEqual(1, 1)\n"),
                     detail="self.assertEqual in a pytest-style file")]
    if family == "java":
        # JUnit 5 and its extensions (org.junit.jupiter, org.junitpioneer.jupiter) or JUnit 4 (org.junit.*); a file
        # importing neither has no style of its own to swap.
        jupiter = re.search(r"\bimport\s+(?:static\s+)?[\w.]*\bjupiter\.", text) is not None
        if not jupiter and not re.search(r"\bimport\s+(?:static\s+)?org\.junit\.", text):
            return []
        imports = ("import org.junit.Test;\nimport static org.junit.Assert.assertEquals;" if jupiter else
                   "import org.junit.jupiter.api.Test;\nimport static org.junit.jupiter.api.Assertions.assertEquals;")
        with_import = after_imports(text, imports, family)
        if with_import is None:
            return []
        return [Edit("test-style", path, java_member(with_import, "\n  @Test\n  public void injectedCase() {\n"
                                                                  "    assertEquals(1, 1);\n  }\n"),
                     detail=f"JUnit {'4' if jupiter else '5'} assertions in a JUnit {'5' if jupiter else '4'} file")]
    if family == "go":
        table = "t.Run(" in text
        return [Edit("test-style", path, appended(text, GO_FLAT_TEST if table else GO_TABLE_TEST),
                     detail="a flat test in a file of t.Run table tests" if table else "a t.Run table test in a file of flat tests")]
    return []


# --- import style --------------------------------------------------------------------------------------------

def swapped_import(repo: Repository, path: str) -> list[Edit]:
    """An import in the style the repository does not use."""
    family, text, grain = repo.family(path), repo.text(path), repo.grain
    line, detail = "", ""
    if family == "js" and "js" in grain.default_imports:
        module, usual, form = grain.default_imports["js"]
        line = (f"import InjectedAlias from '{module}'" if form == "import"
                else f"const injectedAlias = require('{module}')")
        detail = f"{module} imported whole as injectedAlias, not {usual}"
    elif family == "python" and grain.python_imports and path not in repo.tests:
        line, detail = _python_import(repo, path)
    elif family == "java" and grain.java_wildcards < 0.05:
        line, detail = "import java.util.*;", "a wildcard import"
    elif family == "go":
        plain = sorted((share, pkg) for pkg, share in grain.go_aliases.items() if share < 0.05)
        if plain:
            line, detail = f'import injectedalias "{plain[0][1]}"', f"{plain[0][1]} imported under an alias"
    changed = after_imports(text, line, family) if line else None
    return [Edit("import-style", path, changed, detail=detail)] if changed else []


def _python_import(repo: Repository, path: str) -> tuple[str, str]:
    """A sibling module imported the other way (relative ↔ absolute), when `path` sits in a package."""
    folder = posixpath.dirname(path)
    if posixpath.join(folder, "__init__.py") not in repo.path_set:
        return "", ""
    siblings = sorted(p for p in repo.paths if posixpath.dirname(p) == folder and p.endswith(".py")
                      and p != path and not posixpath.basename(p).startswith("__"))
    if not siblings:
        return "", ""
    module = posixpath.splitext(posixpath.basename(siblings[0]))[0]
    if repo.grain.python_imports == "absolute":
        return f"from . import {module}", f"a relative import among absolute ones ({module})"
    top = folder
    while posixpath.join(posixpath.dirname(top), "__init__.py") in repo.path_set:
        top = posixpath.dirname(top)
    dotted = posixpath.relpath(folder, posixpath.dirname(top)).replace("/", ".") if posixpath.dirname(top) else \
        folder.replace("/", ".")
    return f"from {dotted} import {module}", f"an absolute import among relative ones ({module})"


# --- a pattern the repository never uses ---------------------------------------------------------------------

UNUSED_PROBES: dict[str, tuple[tuple[str, re.Pattern[str], str], ...]] = {
    "python": (("print(", re.compile(r"(?m)^\s*print\("), 'print("injected")\n'),
               ("bare except:", re.compile(r"(?m)^\s*except\s*:"), "try:\n    pass\nexcept:\n    pass\n"),
               ("import *", re.compile(r"(?m)^\s*from\s+\S+\s+import\s+\*"), "from os.path import *\n"),
               ("breakpoint()", re.compile(r"\bbreakpoint\(\)"), "breakpoint()\n")),
    "js": (("console.log(", re.compile(r"\bconsole\.log\("), 'console.log("injected")\n'),
           ("var", re.compile(r"(?m)^\s*var\s"), "var injectedValue = 1\n"),
           ("debugger", re.compile(r"(?m)^\s*debugger\b"), "debugger\n"),
           ("eval(", re.compile(r"\beval\("), 'eval("1")\n')),
    "go": (("fmt.Println(", re.compile(r"\bfmt\.Println\("), 'fmt.Println("injected")'),
           ("log.Println(", re.compile(r"\blog\.Println\("), 'log.Println("injected")'),
           ("panic(", re.compile(r"\bpanic\("), 'panic("injected")'),
           ("time.Sleep(", re.compile(r"\btime\.Sleep\("), "time.Sleep(1)")),
    "java": (("System.out.println(", re.compile(r"\bSystem\.out\.print(?:ln)?\("), 'System.out.println("injected");'),
             (".printStackTrace()", re.compile(r"\.printStackTrace\(\)"), "new Exception().printStackTrace();"),
             ("System.err.println(", re.compile(r"\bSystem\.err\.print(?:ln)?\("), 'System.err.println("injected");'),
             ("System.exit(", re.compile(r"\bSystem\.exit\("), "System.exit(1);")),
}


def unused_pattern(repo: Repository, path: str) -> list[Edit]:
    """The first probe of the family absent from the repository, used in a held-out source file."""
    family = repo.family(path)
    label = repo.grain.absent.get(family, "")
    if not label or path in repo.tests:
        return []
    statement = next(s for l, _, s in UNUSED_PROBES[family] if l == label)
    text = repo.text(path)
    if family == "go":
        name = in_grain(repo, "go", "function", ("injected", "debug", "call"))
        changed = appended(text, f"func {name}() {{\n\t{statement}\n}}\n")
    elif family == "java":
        if not java_holds_methods(text):
            return []
        name = in_grain(repo, "java", "method", ("injected", "debug", "call"))
        changed = java_member(text, f"\n  void {name}() {{\n    {statement}\n  }}\n")
    else:
        changed = appended(text, statement)
    return [Edit("unused-pattern", path, changed, detail=f"`{label}`, used nowhere in the repository")]


# --- files placed against the layout -------------------------------------------------------------------------

def miscased_file(repo: Repository, path: str) -> list[Edit]:
    """A copy of a held-out source file beside it, named in another case than the folder's files."""
    if path in repo.tests:
        return []
    folder, name = posixpath.split(path)
    case = repo.grain.folder_cases.get((folder, posixpath.splitext(name)[1]))
    if case is None:
        return []
    stem = name_in(against(case), ("injected", "module"))
    return _copy(repo, path, stem + name[len(name.split(".", 1)[0]):], "file-case",
                 f"a file named {stem} among {case} names")


def misnamed_test_file(repo: Repository, path: str) -> list[Edit]:
    """A copy of a held-out test file named against the repository's test naming."""
    family = repo.family(path)
    style = repo.grain.test_names.get(family)
    if path not in repo.tests or not style:
        return []
    name = posixpath.basename(path)
    stem, extension = name.split(".", 1)[0], posixpath.splitext(name)[1]
    if family == "js":
        new = f"{stem}.spec{extension}" if style != ".spec." else f"{stem}.test{extension}"
    elif family == "python":
        core = re.sub(r"^test_|_test$", "", stem)
        new = f"{core}_test.py" if style == "test_*.py" else f"test_{core}.py"
    else:
        core = re.sub(r"(Tests|TestCase|Test|IT)$", "", stem)
        core = re.sub(r"^Test(?=[A-Z])", "", core) if core == stem else core
        new = f"{core}Test.java" if style == "*Tests.java" else f"{core}Tests.java"
    return _copy(repo, path, new, "test-name", f"{new} among {style} test files")


def _copy(repo: Repository, path: str, new_name: str, kind: str, detail: str) -> list[Edit]:
    target = posixpath.join(posixpath.dirname(path), new_name)
    if target in repo.path_set or (repo.root / target).exists():
        return []
    text = repo.text(path)
    if path.endswith(".java"):  # a Java file's top-level class bears its name
        old, new = posixpath.splitext(posixpath.basename(path))[0], posixpath.splitext(new_name)[0]
        text = re.sub(rf"\b(class|interface|enum|record)\s+{re.escape(old)}\b", rf"\1 {new}", text)
    return [Edit(kind, target, text, created=True, detail=detail)]


BUILDERS: tuple[Callable[[Repository, str], list[Edit]], ...] = (
    misnamed_units, swapped_test_style, swapped_import, unused_pattern, miscased_file, misnamed_test_file)
