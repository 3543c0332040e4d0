"""Deprecation-aware pairs: marked units dropped, history pairs judged by what became of their files."""

from __future__ import annotations

from dataclasses import replace

import pytest

from harvest.classify import content_exclusion
from harvest.pairs.history import read_history
from harvest.records import CommitRecord, Exclusion, FileChange, Pair, Unit
from harvest.units.deprecation import judge_pairs, mark_units


def _unit(name: str, doc: str = "", text: str = "") -> Unit:
    return Unit(id=f"src/a.ts#{name}@1", path="src/a.ts", language="typescript", kind="function", name=name,
                start_line=1, end_line=3, signature=f"export function {name}()", doc=doc, imports=(),
                text=text or f"export function {name}() {{\n  return 1;\n}}\n")


def _pair(kind: str, files: tuple[str, ...], completion: str = "+const ok = 1\n", unit: str = "") -> Pair:
    return Pair(id=f"{kind}-{'-'.join(files)}", kind=kind, language="typescript", path=files[0], prompt="p",
                completion=completion, files=files, unit=unit)


def test_units_marked_deprecated_are_flagged_and_their_pairs_dropped() -> None:
    units = mark_units([_unit("fresh"), _unit("stale", doc="@deprecated use fresh"),
                        _unit("warned", text="def warned():\n    warnings.warn('old', DeprecationWarning)\n")])
    assert [u.deprecated for u in units] == ["", "marked deprecated", "marked deprecated"]

    pairs = [_pair("function", ("src/a.ts",), unit=u.id) for u in units]
    kept, rejected = judge_pairs(pairs, units, {"src/a.ts"}, [], {})

    assert [p.unit for p in kept] == ["src/a.ts#fresh@1"]
    assert {(r.stage, r.reason) for r in rejected} == {("deprecation", "marked-deprecated")}


def test_history_pairs_are_judged_by_what_became_of_their_files() -> None:
    head = {"src/a.ts", "src/new.ts"}
    excluded = [Exclusion("src/Old.old.tsx", "deprecated")]
    renames = [CommitRecord("c2", ("c1",), "a", "2025-01-02", "move", (FileChange("src/new.ts", "renamed", "src/old.ts"),))]
    pairs = [
        _pair("commit", ("src/a.ts",)),  # still there: untouched
        _pair("commit", ("src/gone.ts",)),  # deleted since: dropped
        _pair("review", ("src/Old.old.tsx",)),  # deprecated at HEAD: dropped
        _pair("commit", ("src/a.ts", "src/gone.ts")),  # partly gone: down-weighted
        _pair("commit", ("src/old.ts",)),  # renamed since: down-weighted
        replace(_pair("commit", ("src/a.ts",), completion="+export function vanished() {}\n"), id="vanished"),
        _pair("commit-message", ("src/gone.ts",)),  # message style does not go stale
    ]
    kept, rejected = judge_pairs(pairs, [_unit("present")], head, excluded, read_history(renames).renamed)

    assert [(r.reason, r.detail) for r in rejected] == [("deleted-later", "src/gone.ts"),
                                                         ("deprecated-file", "src/Old.old.tsx")]
    weights = {p.id: (p.weight, p.note) for p in kept}
    assert weights["commit-src/a.ts"] == (1.0, "")
    assert weights["commit-src/a.ts-src/gone.ts"][0] == 0.5
    assert "src/old.ts → src/new.ts" in weights["commit-src/old.ts"][1]
    assert weights["vanished"] == (0.5, "defines symbols that no longer exist: vanished")
    assert weights["commit-message-src/gone.ts"] == (1.0, "")


@pytest.mark.parametrize(("text", "whole_module"), [
    (b'"""Old API.\n\n@deprecated: use shop.v2.\n"""\nimport x\n', True),
    (b"# coding: utf-8\n# @deprecated\nimport x\n", True),
    (b"'use client';\n/**\n * @deprecated use Popover\n */\nexport {};\n", True),
    # A barrel that deprecates one of its exports is not a deprecated module (radix-ui's index.ts files).
    (b"'use client';\nexport {\n  Dialog,\n  /** @deprecated Noop */\n  WarningProvider,\n} from './dialog';\n", False),
    (b"import x\n\n/** @deprecated */\nexport const a = 1;\n", False),
])
def test_only_a_marker_above_the_first_statement_deprecates_a_file(text: bytes, whole_module: bool) -> None:
    assert (content_exclusion(text) == ("deprecated", "module is marked @deprecated")) is whole_module
