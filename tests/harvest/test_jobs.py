"""`--jobs`: the same artifacts whatever the job count, worker errors as the serial path raises them, and no
worker process left behind by an error or Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from harvest.cli import cli
from harvest.dataset import cache
from harvest.errors import InputError, WorkerLost
from harvest.mining import scrubbing
from harvest.pool import Pool, batched, beside, cores, job_count
from tests.conftest import AWS_KEY_ID, AWS_SECRET, GitRepo

ROOT = Path(__file__).resolve().parents[2]


def _grow(repo: GitRepo) -> None:
    """More history on the team repository: several languages, a secret added then removed, another merge."""
    for i in range(6):
        repo.write(f"service/app/handlers_{i}.py",
                   f'"""Handler {i}."""\n\n\ndef handle_{i}(event: dict) -> dict:\n    return {{"id": {i}, **event}}\n')
        repo.write(f"web/src/widget{i}.ts", f"export function widget{i}(n: number): number {{\n  return n * {i}\n}}\n")
        repo.commit(f"feat: handler and widget {i}")
    repo.write("svc/main.go", 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("hi")\n}\n')
    repo.write("svc/Config.java", "public class Config {\n  public int port() { return 8080; }\n}\n")
    repo.write("deploy/keys.env", f"AWS_ACCESS_KEY_ID={AWS_KEY_ID}\nAWS_SECRET_ACCESS_KEY={AWS_SECRET}\n")
    repo.commit("chore: go, java and deploy keys")
    repo.git("checkout", "-q", "-b", "feature/rates")
    repo.write("service/app/rates.py", "def rate(x: float) -> float:\n    return x * 1.5\n")
    repo.commit("feat: rates")
    repo.git("checkout", "-q", "main")
    (repo.path / "deploy/keys.env").unlink()
    repo.commit("fix: keys come from the vault")
    repo.tick += 1
    date = f"2025-03-{repo.tick:02d}T12:00:00+00:00"
    repo.git("merge", "--no-ff", "-q", "feature/rates", "-m", "Merge pull request #21 from team/feature/rates",
             GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)


def _artifacts(home: Path, name: str) -> dict[str, bytes]:
    """Every file of the harvest and the dataset, manifests without their timings and the home's path."""
    found: dict[str, bytes] = {}
    for top in (home / "harvest" / name, home / "datasets" / name):
        for path in sorted(p for p in top.rglob("*") if p.is_file()):
            data = path.read_bytes()
            if path.name == "manifest.json":
                manifest = json.loads(data)
                manifest.pop("seconds")
                manifest["inputs"].pop("harvest_manifest_sha256", None)  # a hash of a manifest with timings
                data = json.dumps(manifest, sort_keys=True).replace(str(home), "<home>").encode()
            found[str(path.relative_to(home))] = data
    return found


def test_every_job_count_writes_the_same_artifacts(team_repo: GitRepo, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    _grow(team_repo)
    # Small batches, so even this repository is spread over several workers and batches.
    monkeypatch.setattr(scrubbing, "COMMIT_BATCH_MOST", 2)
    monkeypatch.setattr(scrubbing, "FILE_BATCH_MOST", 3)
    monkeypatch.setattr(cache, "AHEAD_BATCH_MOST", 2)
    results = {}
    for jobs in (1, 2):
        home = tmp_path / f"home-{jobs}"
        monkeypatch.setenv("IDIOM_HOME", str(home))
        outcome = CliRunner().invoke(cli, ["harvest", str(team_repo.path), "--name", "team", "--jobs", str(jobs),
                                           "--json"])
        assert outcome.exit_code == 0, outcome.output
        results[jobs] = _artifacts(home, "team")
    assert results[1] == results[2]
    written = b"".join(results[1].values())
    assert AWS_KEY_ID.encode() not in written and AWS_SECRET.encode() not in written
    report = json.loads(results[1]["harvest/team/scrub-report.json"])
    assert {f["path"] for f in report["findings"] if f["location"] == "history-diff"} >= {"deploy/keys.env"}
    assert len(json.loads(results[1]["harvest/team/manifest.json"])["counts"]) and \
        b'"jobs"' not in results[1]["harvest/team/manifest.json"]


def test_dataset_build_takes_jobs_and_matches_the_harvest(team_repo: GitRepo, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "AHEAD_BATCH_MOST", 1)
    monkeypatch.setenv("IDIOM_HOME", str(tmp_path / "home"))
    runner = CliRunner()
    assert runner.invoke(cli, ["harvest", str(team_repo.path), "--jobs", "1"]).exit_code == 0
    first = _artifacts(tmp_path / "home", "team")
    outcome = runner.invoke(cli, ["dataset", "build", str(team_repo.path), "--jobs", "2", "--json"])
    assert outcome.exit_code == 0, outcome.output
    assert _artifacts(tmp_path / "home", "team") == first


def test_jobs_zero_means_the_cores_more_are_capped_and_a_negative_count_is_refused(team_repo: GitRepo) -> None:
    assert job_count(0) == cores() >= 1 and job_count(1) == 1
    assert job_count(3) == min(3, cores()) and job_count(1024) == cores()  # idiom.toml may not fork a thousand
    outcome = CliRunner().invoke(cli, ["harvest", str(team_repo.path), "--jobs", "-1"])
    assert outcome.exit_code == 2 and "-1 is not in the range 0<=x<=1024" in outcome.output


def _square_or_refuse(batch: list[int]) -> list[int]:
    """A worker's job in these tests: squares, or the project's one-line error for a bad item."""
    if -1 in batch:
        raise InputError("item -1 is bad; remove it")
    return [n * n for n in batch]


def _pid(_batch: list[int]) -> int:
    return os.getpid()


def test_results_keep_their_order_and_the_work_leaves_this_process() -> None:
    with Pool(2) as pool:
        squares = [n for batch in pool.ordered_map(_square_or_refuse, batched(range(50), lambda n: 1, 3, 3))
                   for n in batch]
        pids = set(pool.ordered_map(_pid, [[n] for n in range(8)]))
    assert squares == [n * n for n in range(50)]
    assert os.getpid() not in pids


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_worker_error_is_the_serial_error_and_stops_every_worker(jobs: int) -> None:
    import multiprocessing

    batches = [[n, n + 1] for n in range(0, 40, 2)] + [[5, -1]] + [[n] for n in range(100)]
    with Pool(jobs) as pool, pytest.raises(InputError, match=r"^item -1 is bad; remove it$"):
        list(pool.ordered_map(_square_or_refuse, batches))
    assert multiprocessing.active_children() == []


def _die(batch: list[int]) -> list[int]:
    if -1 in batch:
        os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer would
    return batch


def test_a_worker_killed_under_us_is_one_line_and_the_rest_stop() -> None:
    import multiprocessing

    with Pool(2) as pool, pytest.raises(WorkerLost, match="a worker process died before finishing its batch"):
        list(pool.ordered_map(_die, [[1], [2], [-1], [3], [4]]))
    assert multiprocessing.active_children() == []


def _pid_and_sum(numbers: list[int]) -> tuple[int, int]:
    if -1 in numbers:
        raise InputError("item -1 is bad; remove it")
    if -9 in numbers:
        os.kill(os.getpid(), signal.SIGKILL)
    return os.getpid(), sum(numbers)


@pytest.mark.parametrize("jobs", [1, 2])
def test_work_beside_the_block_gives_its_result_its_error_or_one_line_and_no_worker_outlives_it(jobs: int) -> None:
    import multiprocessing

    with beside(jobs, _pid_and_sum, [1, 2, 3]) as result:
        pid, total = result()
    assert total == 6 and (pid == os.getpid()) == (job_count(jobs) == 1)
    with beside(jobs, _pid_and_sum, [1, -1]) as result, pytest.raises(InputError, match=r"^item -1 is bad"):
        result()
    if job_count(jobs) > 1:
        with beside(jobs, _pid_and_sum, [-9]) as result, pytest.raises(WorkerLost, match="a worker process died"):
            result()
    with beside(jobs, _pid_and_sum, [1]):
        pass  # the result never asked for: the worker is stopped all the same
    assert multiprocessing.active_children() == []


CTRL_C_SCRIPT = textwrap.dedent("""
    import os, signal, sys, time
    sys.path.insert(0, {root!r})
    from harvest.pool import Pool

    # Ctrl-C as a terminal's foreground job gets it. A test run started in the background by a shell
    # without job control inherits SIGINT ignored, and Python then leaves it ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)

    def slow(batch):
        time.sleep(0.2)
        return os.getpid()

    with Pool(2) as pool:
        for pid in pool.ordered_map(slow, [[n] for n in range(1000)]):
            print(pid, flush=True)
""")


def test_ctrl_c_leaves_no_worker_behind(tmp_path: Path) -> None:
    script = tmp_path / "pool_ctrl_c.py"
    script.write_text(CTRL_C_SCRIPT.format(root=str(ROOT)))
    child = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, start_new_session=True)
    workers = {int(child.stdout.readline()) for _ in range(6)}
    assert len(workers) == 2
    os.killpg(child.pid, signal.SIGINT)  # as a terminal's Ctrl-C: to the whole process group
    _, stderr = child.communicate(timeout=60)
    assert child.returncode != 0 and "KeyboardInterrupt" in stderr
    for pid in workers:
        assert not _alive(pid)


def _alive(pid: int) -> bool:
    """True while `pid` runs (a zombie would mean nobody reaped it: it counts as left behind too)."""
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        time.sleep(0.1)
    return True

