"""Rule checks: each type fires and stays quiet as documented, `not-` handled once, bad rules named."""

from __future__ import annotations

import pytest

from harvest.conventions.checks import CHECKS, applies, run_check
from harvest.conventions.rules import Rule, Subject
from harvest.errors import ConfigError
from harvest.units import extract_units

SPEC = "describe('Button', () => {\n  it('renders', () => {});\n  test('clicks', () => {});\n});\n"
PACKAGE_MODULE = "import shop\nfrom shop.models import Order\nfrom .stock import level\nimport shop.billing\n"
ROUTES = ('@router.get("/a", response_model=A)\ndef a():\n    return 1\n\n\n'
          '@router.get("/b")\ndef b():\n    return 2\n')


def _rule(type_: str, value: str, **kw) -> Rule:
    return Rule(id="r", type=type_, value=value, message="m", **kw)


def _lines(rule: Rule, subject: Subject) -> list[int]:
    return [hit.line for hit in run_check(rule, subject)]


CASES = {
    "contains": (_rule("contains", "describe("), _rule("not-contains", "test("), Subject("a.spec.ts", SPEC), [], [3]),
    "regex": (_rule("regex", r"^import"), _rule("not-regex", r"^\s*it\("), Subject("a.spec.ts", SPEC), [1], [2]),
    "filename": (_rule("filename", r"\.spec\.ts$"), _rule("not-filename", r"\.spec\."), Subject("src/a.spec.ts", ""), [], [1]),
    "naming": (_rule("naming", r"^[a-z]$", unit_kind="route"), _rule("not-naming", r"^GET", unit_kind="route"),
               Subject("r.py", ROUTES, tuple(extract_units("r.py", "python", ROUTES))), [1, 6], [1, 6]),
    "unit-regex": (_rule("unit-regex", r"response_model=", unit_kind="route"),
                   _rule("not-unit-regex", r"response_model=", unit_kind="route"),
                   Subject("r.py", ROUTES, tuple(extract_units("r.py", "python", ROUTES))), [6], [1]),
    "path-layout": (_rule("path-layout", "{dir}.tsx,{dir}.spec.tsx,index.ts"), _rule("not-path-layout", "index.ts"),
                    Subject("src/Button/Button.tsx", "", siblings=frozenset({"Button.tsx", "index.ts"})), [1], [1]),
    # Relative: `from shop.x import y` in the package shop is the break; absolute (not-relative): `from .x import y`.
    "package-imports": (_rule("package-imports", "relative", paths=("/src/shop/",)),
                        _rule("not-package-imports", "relative", paths=("/src/shop/",)),
                        Subject("src/shop/orders/api.py", PACKAGE_MODULE), [2, 4], [3]),
    "commit-format": (_rule("commit-format", r"^(feat|fix)(\(\w+\))?: \S"), _rule("not-commit-format", r"WIP"),
                      Subject("", "fixed stuff\n\nbody"), [1], []),
}


@pytest.mark.parametrize("name", list(CHECKS))
def test_each_check_and_its_negation(name: str) -> None:
    positive, negative, subject, positive_lines, negative_lines = CASES[name]
    assert _lines(positive, subject) == positive_lines
    assert _lines(negative, subject) == negative_lines


def test_registry_is_documented_and_covered() -> None:
    assert set(CASES) == set(CHECKS)
    assert all(check.__doc__ for check in CHECKS.values())


def test_passing_subjects_produce_no_hits() -> None:
    assert run_check(_rule("not-regex", r"^\s*test\("), Subject("a.spec.ts", "it('x', () => {})\n")) == []
    assert run_check(_rule("commit-format", r"^feat: "), Subject("", "feat: add it")) == []


def test_unknown_types_and_bad_regexes_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="valid types: commit-format, contains"):
        run_check(_rule("sounds-nice", "x"), Subject("a", ""))
    with pytest.raises(ConfigError, match="rule r: invalid regex"):
        run_check(_rule("regex", "(unclosed"), Subject("a", "x"))


def test_applies_matches_file_and_folder_globs() -> None:
    files = _rule("not-regex", "x", paths=("src/components/*/*.spec.tsx",))
    assert applies(files, "src/components/Button/Button.spec.tsx", "tsx")
    assert not applies(files, "src/hooks/useX.spec.ts", "typescript")
    folders = _rule("path-layout", "index.ts", paths=("src/components/*/",))
    assert applies(folders, "src/components/Button/Button.tsx", "tsx")
    assert not applies(folders, "src/components/index.ts", "typescript")
    assert not applies(_rule("commit-format", "x"), "a.py", "python")
    assert not applies(_rule("regex", "x", language="python"), "a.ts", "typescript")
