"""`idiom harvest --repos`: a list of real repositories (local folders and git URLs) harvested side by side on
the local process pool, each into its own .idiom/, one failure not stopping the others, the merged dataset."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from harvest.cli import cli
from harvest.fleet.listing import read_repo_list
from harvest.trust import trust_repository
from tests.conftest import GitRepo

pytestmark = pytest.mark.slow  # each repository is harvested in a fresh interpreter


def _service(repo: GitRepo, team: str, settings: str = "") -> GitRepo:
    """A small Python service: enough functions over enough files for every split to get pairs."""
    if settings:
        repo.write("idiom.toml", settings)
    for n in range(8):
        repo.write(f"src/{team}/mod{n}.py",
                   f'def load_{n}(path: str) -> list[str]:\n    """Read the {n}th list, one item a line."""\n'
                   f"    with open(path) as handle:\n        return [line.strip() for line in handle]\n\n\n"
                   f"def total_{n}(values: list[int]) -> int:\n    return sum(values) + {n}\n")
        repo.commit(f"feat: module {n}")
    return repo


def _run(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, ["harvest", *args, "--json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, json.loads(result.stdout)


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each repository keeps its own .idiom/ (no shared IDIOM_HOME); the merged dataset goes to the current folder."""
    monkeypatch.delenv("IDIOM_HOME")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_list_takes_folders_and_urls_and_skips_blanks_and_comments(tmp_path: Path) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "other" / "api").mkdir(parents=True)
    listing = tmp_path / "lists" / "repos.txt"
    listing.parent.mkdir()
    listing.write_text("# the team's services\n\n../api\n  https://git.example.com/team/web.git   # the site\n"
                       "git@example.com:team/tools.git\n../other/api\n")
    sources = read_repo_list(listing)
    assert [(s.line, s.label, s.path, s.url) for s in sources] == [
        (3, "api", str(tmp_path / "api"), ""),  # relative to the list's folder
        (4, "web", "", "https://git.example.com/team/web.git"),
        (5, "tools", "", "git@example.com:team/tools.git"),
        (6, "api-6", str(tmp_path / "other" / "api"), ""),  # a second `api`: told apart by its line
    ]


@pytest.mark.parametrize(("text", "message"), [
    ("# nothing\n\n", "lists no repositories"),
    ("../missing\n", "repos.txt:1: '../missing' is neither a folder nor a git URL"),
    ("https://example.com/a.git\n\nhttps://example.com/a.git\n",
     "repos.txt:3: 'https://example.com/a.git' is listed already, on line 1"),
])
def test_a_list_it_cannot_use_is_one_line(here: Path, text: str, message: str) -> None:
    (here / "repos.txt").write_text(text)
    result = CliRunner().invoke(cli, ["harvest", "--repos", "repos.txt"])
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["--merge", "org", "--no-dataset"], "--merge merges the repositories' datasets"),
    (["--name", "x"], "--name name one repository"),
])
def test_flags_that_do_not_fit_many_repositories_are_refused(here: Path, make_repo, args: list[str],
                                                              message: str) -> None:
    (here / "repos.txt").write_text("repo\n")
    make_repo("repo")
    result = CliRunner().invoke(cli, ["harvest", "--repos", "repos.txt", *args])
    assert result.exit_code != 0 and message in result.output


def test_a_merge_may_not_replace_a_listed_repositorys_dataset(here: Path, make_repo,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo("repo")
    (here / "repos.txt").write_text("repo\n")
    monkeypatch.chdir(repo.path)  # run from inside the repository: its own dataset is .idiom/datasets/repo here
    result = CliRunner().invoke(cli, ["harvest", "--repos", "../repos.txt", "--merge", "repo"])
    assert result.exit_code == 1 and "--merge repo would replace the dataset of the repository in" in result.output
    assert not (repo.path / ".idiom").exists()  # refused before anything ran


def test_fleet_flags_need_a_list(here: Path) -> None:
    result = CliRunner().invoke(cli, ["harvest", ".", "--merge", "org"])
    assert result.exit_code == 2 and "--merge go with --repos FILE" in result.output


def test_a_shared_idiom_home_is_refused(tmp_path: Path, make_repo) -> None:
    make_repo("repo")
    (tmp_path / "repos.txt").write_text("repo\n")
    result = CliRunner().invoke(cli, ["harvest", "--repos", str(tmp_path / "repos.txt")])
    assert result.exit_code == 1 and "IDIOM_HOME is set" in result.output


def test_ray_not_installed_says_how_to_install_it(here: Path, make_repo, monkeypatch: pytest.MonkeyPatch) -> None:
    make_repo("repo")
    (here / "repos.txt").write_text("repo\n")
    monkeypatch.setitem(sys.modules, "ray", None)  # what `import ray` meets where it is not installed
    result = CliRunner().invoke(cli, ["harvest", "--repos", "repos.txt", "--ray", "10.0.0.1:6379"])
    assert result.exit_code == 1 and "pip install 'idiomatic[ray]'" in result.output
    assert not (here / ".idiom").exists()  # stopped before anything was cloned or written


def test_repositories_are_harvested_side_by_side_and_merged(here: Path, make_repo) -> None:
    api = _service(make_repo("api"), "api")
    # The same code with its own settings: its idiom.toml splits by time, so some pairs it trains on are
    # held out in `api`: the merge must drop them. Its untrusted prs_file is not honoured.
    (here / "garbage.json").write_text("not an export")
    copy = _service(make_repo("copy"), "api", '[harvest]\nsplit = "temporal"\nprs_file = "../garbage.json"\n')
    (here / "broken").mkdir()  # not a repository
    (here / "repos.txt").write_text("api\nbroken\ncopy\n")

    status, summary = _run("--repos", "repos.txt", "--repo-jobs", "2", "--merge", "org")

    assert status == 1  # one repository failed
    results = {r["repository"]: r for r in summary["repositories"]}
    assert [r["repository"] for r in summary["repositories"]] == ["api", "broken", "copy"]  # the list's order
    assert results["broken"]["status"] == "failed" and "not inside a git repository" in results["broken"]["error"]
    for name, repo in (("api", api), ("copy", copy)):
        result = results[name]
        assert result["status"] == "ok" and result["counts"]["commits"] == 8 and result["counts"]["pairs"] > 0
        assert result["peak_memory_mb"] > 0 and result["seconds"] > 0
        assert result["dataset"] == str(repo.path / ".idiom" / "datasets" / name)  # its own artifacts
    copy_config = json.loads((copy.path / ".idiom/harvest/copy/manifest.json").read_text())["config"]
    assert copy_config["split"] == "temporal" and copy_config["prs_file"] == ""

    merged = here / ".idiom" / "datasets" / "org"
    assert summary["merged"]["repositories"] == ["api", "copy"] and summary["skipped_from_merge"] == ["broken"]
    manifest = json.loads((merged / "manifest.json").read_text())
    for listed, repo in zip(manifest["inputs"], (api, copy), strict=True):
        dataset = Path(listed["dataset"])
        assert listed["dataset_manifest_sha256"] == _sha256(dataset / "manifest.json")
        assert listed["head"] == repo.git("rev-parse", "HEAD")
    pairs = [orjson.loads(line) for line in (merged / "pairs.jsonl").read_bytes().splitlines()]
    assert {p["repository"] for p in pairs} == {"api", "copy"}
    # Held out stays held out across repositories: every test pair is kept, and no eval or train pair
    # repeats a pair of a higher split (test over eval over train), whichever repository it came from.
    api_pairs = [orjson.loads(line) for line in (api.path / ".idiom/datasets/api/pairs.jsonl").read_bytes().splitlines()]
    api_test = {p["id"] for p in api_pairs if p["split"] == "test"}
    assert api_test and api_test <= {p["id"] for p in pairs if p["repository"] == "api" and p["split"] == "test"}
    # (a fim pair is compared with the lines around its middle, so only the other kinds by completion alone)
    by_split = {split: {p["completion"] for p in pairs if p["split"] == split and p["kind"] != "fim"}
                for split in ("train", "eval", "test")}
    assert not by_split["train"] & (by_split["eval"] | by_split["test"]) and not by_split["eval"] & by_split["test"]
    assert summary["merged"]["dropped_across"] > 0
    rejected = [orjson.loads(line) for line in (merged / "rejected.jsonl").read_bytes().splitlines()]
    assert {r["reason"] for r in rejected} <= {"contaminates-test", "contaminates-eval"}
    # Every format's rows are the kept pairs' rows, in pairs.jsonl's order.
    for split in ("train", "eval", "test"):
        rows = [orjson.loads(line) for line in (merged / "trl" / f"{split}.jsonl").read_bytes().splitlines()]
        kept = [p for p in pairs if p["split"] == split and p["kind"] != "fim"]
        assert [r["completion"] for r in rows] == [p["completion"] for p in kept]
        assert manifest["counts"]["formats"]["trl"][split] == len(rows)


def test_a_repository_trusted_by_the_user_gets_its_trusted_settings(here: Path, make_repo) -> None:
    (here / "garbage.json").write_text("not an export")
    repo = _service(make_repo("repo"), "svc", '[harvest]\nprs_file = "../garbage.json"\n')
    (here / "repos.txt").write_text("repo\n")
    assert _run("--repos", "repos.txt", "--no-dataset")[0] == 0  # untrusted: its prs_file is ignored
    trust_repository(repo.path)
    status, summary = _run("--repos", "repos.txt", "--no-dataset")
    assert status == 1 and "garbage.json" in summary["repositories"][0]["error"]  # as one harvest would


def test_a_url_is_cloned_partially_harvested_and_followed(here: Path, make_repo) -> None:
    origin = _service(make_repo("origin"), "svc")
    origin.git("config", "uploadpack.allowFilter", "true")
    origin.write("big.txt", "".join(f"line {n} past the blob size limit\n" for n in range(80)))
    origin.commit("data: a big file")
    origin.write("big.txt", "small now\n")
    origin.commit("data: shrink it")
    (here / "repos.txt").write_text(f"file://{origin.path}\n")

    status, summary = _run("--repos", "repos.txt", "--clone-filter", "blob:limit=1k", "--no-dataset")

    assert status == 0, summary
    clone = here / ".idiom" / "repos" / "origin"  # the default workdir
    assert subprocess.run(["git", "-C", str(clone), "config", "remote.origin.promisor"], capture_output=True, check=True,
                          text=True).stdout.strip() == "true"
    counts = summary["repositories"][0]["counts"]
    assert counts["commits"] == 10 and counts["missing_objects"] == 1 and counts["missing_diffs"] == 2

    origin.write("src/svc/extra.py", "def extra() -> int:\n    return 1\n")
    head = origin.commit("feat: extra")
    status, summary = _run("--repos", "repos.txt", "--no-dataset")
    assert status == 0 and summary["repositories"][0]["counts"]["commits"] == 11
    manifest = json.loads((clone / ".idiom/harvest/origin/manifest.json").read_text())
    assert manifest["inputs"]["head"] == head

    shutil.rmtree(origin.path)  # the remote is gone: the repository fails, with git's reason
    status, summary = _run("--repos", "repos.txt", "--no-dataset")
    assert status == 1 and summary["repositories"][0]["error"].startswith(f"fetching file://{origin.path} failed:")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_a_killed_command_takes_its_repository_jobs_with_it(here: Path, make_repo) -> None:
    """SIGKILL leaves no handler to run: each job's process must notice its parent's death by itself."""
    _service(make_repo("api"), "api")
    (here / "repos.txt").write_text("api\n")
    command = subprocess.Popen([sys.executable, "-m", "harvest", "harvest", "--repos", "repos.txt", "--json"],
                               cwd=here, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        job = _first_child(command.pid)
        command.kill()
        command.wait()
        _wait_gone(job)
    finally:
        command.kill()
    assert not (here / "api" / ".idiom" / "harvest" / "api" / "manifest.json").exists()  # stopped, not finished


def _children(pid: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:  # gone meanwhile
            continue
        if fields.get("PPid", "").strip() == str(pid):
            found.append(int(status.parent.name))
    return found


def _first_child(pid: int) -> int:
    """The job process the command spawns (the first child that is Python, not git)."""
    for _ in range(6000):
        for child in _children(pid):
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes() if Path(f"/proc/{child}").exists() else b""
            if b"multiprocessing" in cmdline and b"spawn_main" in cmdline:
                return child
        time.sleep(0.01)
    raise AssertionError("the command started no job process")


def _wait_gone(pid: int) -> None:
    for _ in range(6000):  # generous: this only waits for the signal to be handled, never asserts a time
        if not Path(f"/proc/{pid}").exists() or "Z" in _state(pid):
            return
        time.sleep(0.01)
    raise AssertionError(f"job process {pid} outlived the killed command")


def _state(pid: int) -> str:
    try:
        return next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("State:"))
    except (OSError, StopIteration):
        return "Z"
