"""The manual: the generated pages match the code (server/docs.py), and every relative link in README.md
and docs/ reaches an existing file and heading."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from harvest.config import SECTIONS
from server.docs import ROOT, SECTION_CLASSES, anchor
from server.lsp.settings import ServerSettings

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def generated(**env: str) -> dict[str, str]:
    """The pages as `make docs` writes them, from a fresh interpreter: click keeps the help option a
    command was first run with, so a process that already ran commands (as other tests do in this one)
    may render `-h` differently."""
    done = subprocess.run([sys.executable, "-c", "import json, server.docs; print(json.dumps(server.docs.pages()))"],
                          cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_generated_pages_are_up_to_date() -> None:
    for path, text in generated().items():
        committed = ROOT / path
        if not committed.is_file() or committed.read_text(encoding="utf-8") != text:
            pytest.fail(f"{path} is out of date; run `make docs`", pytrace=False)


def test_the_pages_do_not_depend_on_the_terminal() -> None:
    assert generated(COLUMNS="40", LINES="10") == generated(COLUMNS="200")


def test_every_section_and_setting_is_documented() -> None:
    assert set(SECTION_CLASSES) <= set(SECTIONS)
    for section, cls in SECTION_CLASSES.items():  # each class is the one that section is loaded into
        assert (cls.__doc__ or "").startswith(f"`[{section}]`:"), cls.__name__
    for cls in (*SECTION_CLASSES.values(), ServerSettings):
        undocumented = [f.name for f in dataclasses.fields(cls) if not f.metadata.get("help")]
        assert undocumented == [], f"{cls.__name__} fields without help text: {undocumented}"


def _prose(path: Path) -> str:
    """The Markdown of `path` without fenced code (whose brackets and #-lines are not links or headings)."""
    return FENCE.sub("", path.read_text(encoding="utf-8"))


def anchors(path: Path) -> set[str]:
    """The anchors GitHub gives the headings of `path` (a repeated heading gets -1, -2, …)."""
    seen: dict[str, int] = {}
    found = set()
    for heading in HEADING.findall(_prose(path)):
        slug = anchor(heading)
        found.add(f"{slug}-{seen[slug]}" if slug in seen else slug)
        seen[slug] = seen.get(slug, 0) + 1
    return found


def broken_links(page: Path, root: Path = ROOT) -> list[str]:
    """Every relative link of `page` (under `root`) whose file, or heading in that file, does not exist."""
    broken = []
    for target in LINK.findall(_prose(page)):
        if re.match(r"[a-z]+:", target):  # https:, mailto: — not ours to check offline
            continue
        file_part, _, fragment = target.partition("#")
        linked = (page.parent / file_part).resolve() if file_part else page
        if not linked.exists():
            broken.append(f"{page.relative_to(root)}: {target} (no such file)")
        elif fragment and linked.suffix == ".md" and fragment not in anchors(linked):
            broken.append(f"{page.relative_to(root)}: {target} (no such heading)")
    return broken


def manual() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_links_in_the_readme_and_the_manual_resolve() -> None:
    assert [broken for page in manual() for broken in broken_links(page)] == []


def test_every_page_of_the_manual_is_linked_from_the_readme() -> None:
    linked = {(ROOT / target.partition("#")[0]).resolve() for target in LINK.findall(_prose(ROOT / "README.md"))}
    assert [p.name for p in manual()[1:] if p.resolve() not in linked] == []


def test_the_link_check_catches_a_missing_file_and_heading(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "other.md").write_text("# Other page\n\n## Other page\n")
    page = tmp_path / "docs" / "probe.md"
    page.write_text("# Probe\n\n[gone](nowhere.md) [bad](#no-such) [good](#probe) [there](../other.md#other-page-1)\n"
                    "[not there](../other.md#other) [web](https://example.com/x.md)\n\n```\n[code](x.md)\n```\n")
    assert broken_links(page, tmp_path) == ["docs/probe.md: nowhere.md (no such file)",
                                            "docs/probe.md: #no-such (no such heading)",
                                            "docs/probe.md: ../other.md#other (no such heading)"]


def test_anchors_follow_github() -> None:
    assert anchor("Datasets: `.idiom/datasets/<name>/`") == "datasets-idiomdatasetsname"
    assert anchor("Harvest: `idiom harvest REPO`") == "harvest-idiom-harvest-repo"
    assert anchor("[router]") == "router"
