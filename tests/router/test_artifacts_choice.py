"""With several datasets, `idiom lint`, `idiom conventions show` and the editor (`conventions_of`, what its
diagnostics and fast rules read) follow one rule: the dataset the index was built from, else a refusal."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from harvest.conventions.store import load_conventions, write_conventions
from harvest.errors import InputError
from harvest.store import Artifacts
from router.routing import conventions_of
from server.cli import idiom

HASH = {"IDIOM_INDEX_EMBEDDING_MODEL": "hash"}


def _shown(repo: Path) -> set[str]:
    """The proposed rules `idiom conventions show` lists."""
    shown = CliRunner().invoke(idiom, ["conventions", "show", str(repo), "--json"])
    assert shown.exit_code == 0, shown.output
    return {r["id"] for r in json.loads(shown.output)}


def _proposed(repo: Path) -> set[str]:
    return {id_ for id_, rule in conventions_of(repo).items() if rule.status == "proposed"}


def test_the_cli_and_the_editor_read_the_conventions_of_the_indexed_dataset(repo: Path) -> None:
    home = Path(os.environ["IDIOM_HOME"])
    shutil.copytree(home / "datasets" / "acme-web", home / "datasets" / "other")
    rules = [r for r in load_conventions(home / "datasets" / "acme-web" / "conventions.yaml") if r.status == "proposed"]
    assert len(rules) > 1
    write_conventions(home / "datasets" / "other" / "conventions.yaml", rules[:1], "other", "h")  # tell them apart

    # The fixture indexed acme-web: the CLI and the editor read its conventions.
    assert Artifacts(repo).conventions() == home / "datasets" / "acme-web" / "conventions.yaml"
    assert _shown(repo) == _proposed(repo) == {r.id for r in rules}

    indexed = CliRunner().invoke(idiom, ["index", str(repo), "--name", "other"], env=HASH)
    assert indexed.exit_code == 0, indexed.output
    assert _shown(repo) == _proposed(repo) == {rules[0].id}
    assert CliRunner().invoke(idiom, ["index", str(repo)], env=HASH).exit_code == 0  # re-indexes the default: other
    assert Artifacts(repo).indexed_dataset() == "other"

    (home / "index" / "manifest.json").unlink()
    linted = CliRunner().invoke(idiom, ["lint", str(repo)])
    assert linted.exit_code == 1 and "several datasets" in linted.output and "(acme-web, other); pass --name" \
        in linted.output
    with pytest.raises(InputError, match=r"several datasets under .* \(acme-web, other\); make one the default"):
        conventions_of(repo)
