"""kill -9 at random points of `idiom harvest` and `idiom index` (10 each, seeded): the previous result
stays whole or the run completed, nothing left behind changes what the readers see, and the next run
succeeds."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import orjson
import pytest

from harvest.store import Artifacts, complete_artifacts
from router.config import IndexConfig
from router.strategies.loaded import LoadedStrategies
from router.strategies.rag.retrieve import Retriever
from tests.crash.helpers import CHEAP_INDEX, IDIOM, change, home, run, small_repo

pytestmark = pytest.mark.slow
KILLS = 10
SEED = 14
NAME = "small"
ARTIFACTS = {"harvest": f"harvest/{NAME}/", "dataset": f"datasets/{NAME}/", "index": "index/"}


def _digests() -> dict[str, str]:
    """sha256 of every file a reader uses, by its path under the home. Chroma's database counts by its
    rows: opening it rewrites some of its bytes, never its content."""
    found = {}
    for prefix in ARTIFACTS.values():
        for path in sorted((home() / prefix).rglob("*")):
            relative = path.relative_to(home() / prefix)
            if not path.is_file() or any(part.startswith(".") for part in relative.parts):
                continue
            if path.name == "chroma.sqlite3":
                with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as db:
                    data = "\n".join(db.iterdump()).encode()
            else:
                data = path.read_bytes()
            found[prefix + relative.as_posix()] = hashlib.sha256(data).hexdigest()
    return found


def _of(digests: dict[str, str], artifact: str) -> dict[str, str]:
    return {k: v for k, v in digests.items() if k.startswith(ARTIFACTS[artifact])}


def _lines(path: Path) -> int:
    return sum(1 for line in path.read_bytes().splitlines() if line.strip())


def _manifest(folder: Path) -> dict:
    return orjson.loads((folder / "manifest.json").read_bytes())


def _check_new(artifact: str, head: str) -> None:
    """A result the run finished: whole, and made from the inputs it names."""
    harvest, dataset = home() / "harvest" / NAME, home() / "datasets" / NAME
    if artifact == "harvest":
        manifest = _manifest(harvest)
        assert manifest["inputs"]["head"] == head
        assert [_lines(harvest / f"{part}.jsonl") for part in ("files", "commits", "prs")] == \
            [manifest["counts"][part] for part in ("files", "commits", "prs")]
    elif artifact == "dataset":
        manifest = _manifest(dataset)
        built_from = hashlib.sha256((harvest / "manifest.json").read_bytes()).hexdigest()
        assert manifest["inputs"]["harvest_manifest_sha256"] == built_from and manifest["inputs"]["head"] == head
        assert _lines(dataset / "units.jsonl") == sum(manifest["counts"]["units"].values())
        assert _lines(dataset / "pairs.jsonl") == sum(sum(s.values()) for s in manifest["counts"]["pairs"].values())
    else:
        Retriever(home() / "index", IndexConfig(embedding_model="hash"))  # checks its parts agree
        units = hashlib.sha256((dataset / "units.jsonl").read_bytes()).hexdigest()
        assert _manifest(home() / "index")["units_sha256"] == units


def _readers_work(repo: Path) -> None:
    """Every picker sees exactly one dataset; `conventions show` and `idiom search` answer."""
    datasets = home() / "datasets"
    artifacts = Artifacts(repo)
    assert complete_artifacts(datasets) == [NAME] and artifacts.harvest().name == NAME
    assert artifacts.dataset() == datasets / NAME and artifacts.conventions().parent.name == NAME
    assert LoadedStrategies(repo).available() == ["few_shot", "rag"]
    assert run("conventions", "show", str(repo)).exit_code == 0
    found = run("search", "load a service item", "--repo", str(repo), "--json")
    assert found.exit_code == 0 and orjson.loads(found.output), found.output


def _nothing_left_over() -> None:
    assert sorted(p.name for p in home().iterdir() if p.name.startswith(".")) == [".gitignore", ".lock"]
    for folder in ("harvest", "datasets", f"datasets/{NAME}", "index"):
        assert not [p.name for p in (home() / folder).iterdir() if p.name.startswith(".")], folder


def _timed(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([IDIOM, *args], env={**os.environ, **CHEAP_INDEX}, check=True, capture_output=True)
    return time.perf_counter() - started


def _killed_at(delay: float, *args: str) -> bool:
    """Run `idiom ARGS`; SIGKILL it (and what it started) after `delay` seconds. True when it finished first."""
    process = subprocess.Popen([IDIOM, *args], env={**os.environ, **CHEAP_INDEX}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        assert process.wait(timeout=delay) == 0
        return True
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return False


def _kill_rounds(repo, command: list[str], touched: tuple[str, ...], seed: int) -> None:
    """KILLS times: change the repository, kill `command` at a random point (the delays spread over
    its measured duration), check what it left, then run it to completion."""
    duration = _timed(*command)
    rng = random.Random(seed)
    for number in range(KILLS):
        change(repo, seed * 100 + number)
        if command[0] == "index":
            assert run("harvest", str(repo.path)).exit_code == 0
        before = _digests()
        finished = _killed_at(duration * (number + rng.random()) / KILLS, *command)
        after = _digests()
        head = repo.git("rev-parse", "HEAD")
        for artifact in ARTIFACTS:
            if _of(after, artifact) != _of(before, artifact):
                assert artifact in touched, artifact
                _check_new(artifact, head)
            elif finished:
                assert artifact not in touched, f"{command[0]} finished, yet its {artifact} is the old one"
        _readers_work(repo.path)
        assert run(*command).exit_code == 0
        _nothing_left_over()


def test_kill_harvest_at_random(make_repo) -> None:
    repo = small_repo(make_repo(NAME), modules=12)
    assert run("harvest", str(repo.path)).exit_code == 0 and run("index", str(repo.path)).exit_code == 0
    _kill_rounds(repo, ["harvest", str(repo.path)], ("harvest", "dataset"), SEED)


def test_kill_index_at_random(make_repo) -> None:
    repo = small_repo(make_repo(NAME), modules=12)
    assert run("harvest", str(repo.path)).exit_code == 0 and run("index", str(repo.path)).exit_code == 0
    _kill_rounds(repo, ["index", str(repo.path)], ("index",), SEED + 1)
