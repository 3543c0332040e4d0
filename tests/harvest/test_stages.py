"""Time and peak memory per stage (harvest/stages.py) in the `--json` summaries of `idiom harvest`, and
what its progress bars show (harvest/progress.py)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from harvest.progress import columns
from tests.conftest import GitRepo
from tests.harvest.test_bad_input import run

ROOT = Path(__file__).resolve().parents[2]
MINING = ["files at HEAD", "history", "test map", "pull requests", "written"]
BUILD = ["corpus", "pairs", "dedup and split", "conventions", "code graph", "written"]


# Run in a fresh process: a test worker's own high-water mark, from the tests before, would hide the stage.
PEAKS = """
import json
from harvest.stages import StageClock
clock = StageClock()
clock.lap("before")
held = bytearray(256 << 20)
held[::4096] = b"x" * len(held[::4096])  # touched, so resident
del held
clock.lap("holding")
clock.lap("after")
print(json.dumps(clock.figures))
"""


def test_a_lap_shows_the_peak_its_stage_reached() -> None:
    """A stage that held 256 MB for a while raises the peak its lap shows; the next lap keeps it."""
    done = subprocess.run([sys.executable, "-c", PEAKS], capture_output=True, text=True, check=True, cwd=ROOT)
    figures = json.loads(done.stdout)
    before, holding, after = (lap["peak_mb"] for lap in figures)
    assert before < 256 <= holding and after == holding  # the bytes held alone are 256 MB
    assert [lap["name"] for lap in figures] == ["before", "holding", "after"]
    assert all(lap["seconds"] >= 0 and lap["children_peak_mb"] >= 0 for lap in figures)


def test_the_json_summaries_time_every_stage(team_repo: GitRepo) -> None:
    code, out, err = run("harvest", str(team_repo.path), "--json")
    assert code == 0, err
    summary = json.loads(out)
    for stages, names in ((summary["stages"], MINING), (summary["dataset"]["stages"], BUILD)):
        assert [stage["name"] for stage in stages] == names
        assert all(stage["seconds"] >= 0 and stage["peak_mb"] > 0 for stage in stages)
    assert sum(stage["seconds"] for stage in summary["stages"]) <= summary["seconds"] + 1


def test_a_bar_shows_its_count_rate_and_time_left() -> None:
    """The columns of the harvest's bars, rendered for a task half done at a measured pace."""
    progress = Progress(*columns(), console=Console(file=io.StringIO(), force_terminal=True), auto_refresh=False)
    task = progress.add_task("commits", total=1000)
    for _ in range(5):
        progress.advance(task, 100)
        time.sleep(0.02)
    shown = [str(column.render(progress.tasks[task])).strip() for column in progress.columns]
    assert shown[0] == "commits" and shown[2] == "500/1000" and shown[3].endswith("/s")
    assert ":" in shown[4] and ":" in shown[5]  # elapsed and remaining, h:mm:ss
