"""build_record: JSON → frozen records, equal to what their constructors make, and as strict as them."""

from __future__ import annotations

import dataclasses

import orjson
import pytest

from harvest.records import CommitRecord, FileChange, Hunk, Unit, build_record, copier

COMMIT = {"sha": "a" * 40, "parents": ["b" * 40], "author": "Ann", "author_date": "2024-01-01T00:00:00+00:00",
          "message": "feat: x", "changes": [{"path": "a.py", "status": "modified",
                                              "hunks": [{"header": "@@ -1 +1 @@", "old_start": 1, "old_lines": 1,
                                                         "new_start": 1, "new_lines": 1, "text": "-a\n+b"}]}]}


def test_a_record_equals_the_one_its_constructor_makes_and_writes_the_same_json() -> None:
    built = build_record(CommitRecord, COMMIT)
    hunk = Hunk("@@ -1 +1 @@", 1, 1, 1, 1, "-a\n+b")
    expected = CommitRecord("a" * 40, ("b" * 40,), "Ann", "2024-01-01T00:00:00+00:00", "feat: x",
                            (FileChange("a.py", "modified", hunks=(hunk,)),))
    assert built == expected and hash(built) == hash(expected)
    assert orjson.dumps(built) == orjson.dumps(expected)  # every field, defaults too, in field order
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.sha = "c"  # type: ignore[misc]


def test_a_missing_field_or_a_wrong_shape_raises_as_the_constructor_does() -> None:
    with pytest.raises(TypeError):
        build_record(CommitRecord, {k: v for k, v in COMMIT.items() if k != "author"})
    with pytest.raises(TypeError):
        build_record(CommitRecord, {**COMMIT, "changes": [{"status": "added"}]})  # a change without its path
    with pytest.raises(TypeError):
        build_record(CommitRecord, {**COMMIT, "parents": None})
    with pytest.raises(AttributeError):
        build_record(Unit, ["not", "a", "record"])


def test_unknown_keys_are_ignored() -> None:
    assert build_record(Hunk, {**COMMIT["changes"][0]["hunks"][0], "extra": 1}) == Hunk("@@ -1 +1 @@", 1, 1, 1, 1, "-a\n+b")


@dataclasses.dataclass(frozen=True)
class _Plain:  # a record without slots, as other stages' dataclasses are
    name: str
    hunks: tuple[Hunk, ...] = ()


def test_records_have_slots_and_a_dataclass_without_them_still_decodes_whole() -> None:
    built = build_record(CommitRecord, COMMIT)
    assert not hasattr(built, "__dict__") and not hasattr(built.changes[0], "__dict__")  # a third of the memory
    plain = build_record(_Plain, {"name": "a", "hunks": COMMIT["changes"][0]["hunks"]})
    assert plain == _Plain("a", (Hunk("@@ -1 +1 @@", 1, 1, 1, 1, "-a\n+b"),)) and vars(plain) == {
        "name": "a", "hunks": plain.hunks}


def test_a_copy_with_fields_set_is_the_one_replace_makes() -> None:
    unit = Unit(id="a.py#f@1", path="a.py", language="python", kind="function", name="f", start_line=1, end_line=2,
                signature="def f():", doc="old", imports=(), text="def f():\n    return 1\n")
    assert copier(Unit, ("doc", "name"))(unit, "new", "g") == dataclasses.replace(unit, doc="new", name="g")
    assert copier(Unit, ())(unit) == unit and copier(Unit, ())(unit) is not unit
    plain = _Plain("a", ())
    assert copier(_Plain, ("name",))(plain, "b") == _Plain("b", ())  # without slots: through `replace`
    with pytest.raises(TypeError, match="no field colour"):
        copier(Unit, ("colour",))
