"""The bundled example end to end: build it, harvest it with its PR export, check the promises."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load_builder():
    spec = importlib.util.spec_from_file_location("build_example", ROOT / "examples" / "build_example.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_example_harvest_keeps_conventions_and_drops_every_secret(tmp_path: Path) -> None:
    builder = _load_builder()
    repo = builder.build(tmp_path / "acme-web")
    result = subprocess.run(
        [sys.executable, "-m", "server", "harvest", str(repo), "--prs", str(builder.export_path(repo)), "--json"],
        capture_output=True, text=True, check=True,
    )
    summary = json.loads(result.stdout)
    out = Path(summary["output"])
    assert summary["counts"]["merges"] == 1 and summary["counts"]["prs"] == 5
    assert summary["counts"]["review_comments"] >= 5
    assert summary["scrub"]["secrets_only_in_history"] >= 1
    written = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file())
    for value in builder.PLANTED_SECRETS.values():
        assert value not in written
    assert "jonas.berg@acme.dev" not in written
    files = [json.loads(line) for line in (out / "files.jsonl").read_text().splitlines()]
    button_spec = next(f for f in files if f["path"].endswith("Button/Button.spec.tsx"))
    assert button_spec["kind"] == "test" and button_spec["tests"][0].endswith("Button/Button.tsx")
    check = subprocess.run([sys.executable, "-m", "server", "scrub", str(out)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    dataset = Path(summary["dataset"]["output"])
    kinds = set(summary["dataset"]["pairs"])
    assert {"component", "test", "commit", "review"} <= kinds
    top = [c["id"] for c in summary["dataset"]["conventions"][:4]]
    assert "specs-use-it-not-test" in top and "no-hex-colours-in-styles" in top
    for command in (["dataset", "validate", str(dataset)], ["lint", str(repo)], ["scrub", str(dataset)]):
        done = subprocess.run([sys.executable, "-m", "server", *command], capture_output=True, text=True)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
