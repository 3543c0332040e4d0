"""One writer at a time per artifact home: a second writer fails at once naming the holder, a dead
holder never blocks, readers never wait."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from harvest.errors import BusyError
from harvest.lock import writing
from router.config import IndexConfig
from router.strategies.rag.index import build_index
from tests.crash.helpers import home, one_line_error, run, small_repo

HOLDER = '''
import sys
from pathlib import Path

from harvest.lock import writing

with writing(Path(sys.argv[1]), "harvest"):
    print("held", flush=True)
    sys.stdin.read()
'''


@pytest.fixture
def hold(tmp_path: Path):
    """Start a real process that holds the home's writer lock until it is killed."""
    script = tmp_path / "hold_the_lock.py"
    script.write_text(HOLDER)
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        process = subprocess.Popen([sys.executable, str(script), str(home())], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, text=True)
        started.append(process)
        assert process.stdout.readline() == "held\n"
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_second_writer_fails_at_once_naming_the_holder(make_repo, hold) -> None:
    repo = small_repo(make_repo("small")).path
    assert run("harvest", str(repo)).exit_code == 0
    holder = hold()
    for command in (["harvest", str(repo)], ["dataset", "build", str(repo)], ["index", str(repo)],
                    ["conventions", "mine", str(repo)]):
        line = one_line_error(run(*command))
        assert f"`hold_the_lock.py {home()}` (pid {holder.pid}, writing the harvest)" in line
        assert "wait for it to finish" in line and "its lock went with it" in line
    with pytest.raises(BusyError, match=f"pid {holder.pid}"):  # the language server's re-index calls this
        build_index(home() / "datasets" / "small" / "units.jsonl", home() / "index", IndexConfig(embedding_model="hash"))


def test_a_killed_holder_never_blocks_the_next_writer(make_repo, hold) -> None:
    repo = small_repo(make_repo("small")).path
    holder = hold()
    assert "being written" in one_line_error(run("harvest", str(repo)))
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert run("harvest", str(repo)).exit_code == 0
    assert run("index", str(repo)).exit_code == 0


def test_readers_never_take_the_lock(make_repo) -> None:
    repo = small_repo(make_repo("small")).path
    assert run("harvest", str(repo)).exit_code == 0 and run("index", str(repo)).exit_code == 0
    with writing(home(), "index"):
        assert run("search", "load", "--repo", str(repo)).exit_code == 0
        assert run("conventions", "show", str(repo)).exit_code == 0


def test_nested_in_one_thread_is_one_hold_and_another_thread_is_refused(tmp_path: Path) -> None:
    refused: list[str] = []

    def second_writer() -> None:
        try:
            with writing(tmp_path, "index"):
                refused.append("")
        except BusyError as exc:
            refused.append(str(exc))

    with writing(tmp_path, "harvest"), writing(tmp_path, "dataset"):
        thread = threading.Thread(target=second_writer)
        thread.start()
        thread.join()
    assert f"(pid {os.getpid()}, writing the harvest)" in refused[0]
    with writing(tmp_path, "index"):  # released by the outer hold
        pass
