"""`idiom harvest --repos --ray`: the repositories' jobs as tasks on a real local Ray instance with two CPUs,
driven by `idiom` in another process that joins it (as a CI job joins a cluster), results in the same layout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import GitRepo

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.slow  # Ray takes seconds to start

IDIOM = [sys.executable, "-m", "harvest"]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A local Ray instance for the module; its workers see no IDIOM_HOME and a config folder of their own."""
    config = tmp_path_factory.mktemp("ray-user-config")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("IDIOM_HOME", raising=False)
        patch.setenv("IDIOM_CONFIG_DIR", str(config))
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()


def _service(repo: GitRepo, name: str) -> GitRepo:
    for n in range(6):
        repo.write(f"src/{name}/mod{n}.py", f"def {name}_{n}(items: list[int]) -> int:\n"
                                            f'    """Add up the {n}th batch."""\n    return sum(items) * {n}\n')
        repo.commit(f"feat: {name} {n}")
    return repo


def test_two_repositories_are_harvested_as_ray_tasks(cluster: str, make_repo, tmp_path: Path) -> None:
    billing, search = _service(make_repo("billing"), "billing"), _service(make_repo("search"), "search")
    (tmp_path / "repos.txt").write_text("billing\nsearch\nnot-a-repo\n")
    (tmp_path / "not-a-repo").mkdir()
    env = {k: v for k, v in os.environ.items() if k != "IDIOM_HOME"} | {"RAY_ADDRESS": cluster}
    done = subprocess.run([*IDIOM, "harvest", "--repos", "repos.txt", "--merge", "org", "--json"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 1, done.stderr  # not-a-repo failed; the others did not stop
    summary = json.loads(done.stdout)
    assert summary["ray"] == cluster
    results = {r["repository"]: r for r in summary["repositories"]}
    assert results["not-a-repo"]["status"] == "failed" and "not inside a git repository" in results["not-a-repo"]["error"]
    for name, repo in (("billing", billing), ("search", search)):
        assert results[name]["status"] == "ok" and results[name]["counts"]["commits"] == 6
        assert results[name]["peak_memory_mb"] > 0
        # the same layout as a local run: each repository's own .idiom/
        assert (repo.path / ".idiom" / "datasets" / name / "manifest.json").is_file()
    merged = json.loads((tmp_path / ".idiom" / "datasets" / "org" / "manifest.json").read_text())
    assert [i["repository"] for i in merged["inputs"]] == ["billing", "search"]


def test_an_unreachable_cluster_is_one_line(tmp_path: Path, make_repo, cluster: str) -> None:
    make_repo("repo")
    (tmp_path / "repos.txt").write_text("repo\n")
    env = {k: v for k, v in os.environ.items() if k != "IDIOM_HOME"}
    done = subprocess.run([*IDIOM, "harvest", "--repos", "repos.txt", "--ray", "127.0.0.1:9"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("Error: cannot join the Ray cluster at 127.0.0.1:9")
