"""The manual's generated pages match the code (server/docs.py)."""

from __future__ import annotations

import dataclasses

import pytest

from harvest.config import SECTIONS
from server.docs import ROOT, SECTION_CLASSES, anchor, pages
from server.lsp.settings import ServerSettings


def test_generated_pages_are_up_to_date() -> None:
    for path, text in pages().items():
        committed = ROOT / path
        if not committed.is_file() or committed.read_text(encoding="utf-8") != text:
            pytest.fail(f"{path} is out of date; run `make docs`", pytrace=False)


def test_the_pages_do_not_depend_on_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    before = pages()
    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setenv("LINES", "10")
    assert pages() == before


def test_every_section_and_setting_is_documented() -> None:
    assert set(SECTION_CLASSES) <= set(SECTIONS)
    for cls in (*SECTION_CLASSES.values(), ServerSettings):
        undocumented = [f.name for f in dataclasses.fields(cls) if not f.metadata.get("help")]
        assert undocumented == [], f"{cls.__name__} fields without help text: {undocumented}"


def test_anchors_follow_github() -> None:
    assert anchor("Datasets: `.idiom/datasets/<name>/`") == "datasets-idiomdatasetsname"
    assert anchor("Harvest: `idiom harvest REPO`") == "harvest-idiom-harvest-repo"
    assert anchor("[router]") == "router"
