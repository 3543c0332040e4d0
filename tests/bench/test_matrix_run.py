"""The matrix command end to end on one small synthetic repository: every figure computed, the clone left clean."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.realworld.run import main


def small_library(make_repo, clones: Path):
    """A Python package with pytest tests, in CLONES_DIR already (the matrix checks out the pinned commit)."""
    repo = make_repo("clones/shop")
    assert repo.path == clones / "shop"
    repo.write("pyproject.toml", "[project]\nname = 'shop'\n\n[tool.pytest.ini_options]\ntestpaths = ['tests']\n")
    repo.write("shop/__init__.py", "from .cart import Cart\n")
    names = ("cart", "price", "stock", "order", "coupon", "refund", "invoice", "basket")
    for n, name in enumerate(names):
        other = names[(n + 1) % len(names)]
        repo.write(f"shop/{name}.py", f'"""The {name}."""\n\nfrom .{other} import load_{other}\n\n\n'
                                      f"def load_{name}(key: str) -> dict:\n    return {{'key': key, 'next': load_{other}}}\n\n\n"
                                      f"class {name.capitalize()}Book:\n    def find_entry(self, key: str) -> dict:\n"
                                      f"        return load_{name}(key)\n")
        repo.write(f"tests/test_{name}.py", f"from shop.{name} import load_{name}\n\n\n"
                                            f"def test_load_{name}():\n    assert load_{name}('a')['key'] == 'a'\n")
        repo.commit(f"feat: the {name}")
    repo.write("tests/conftest.py", "import pytest\n")
    return repo, repo.commit("test: a conftest")


@pytest.mark.slow
def test_the_matrix_measures_a_repository_and_leaves_its_clone_clean(make_repo, tmp_path: Path, capsys) -> None:
    clones = tmp_path / "clones"
    repo, head = small_library(make_repo, clones)
    repos = tmp_path / "repos.toml"
    repos.write_text(f'[[repo]]\nrepo = "local/shop"\ncommit = "{head}"\nlanguages = ["python"]\n'
                     'layout = "a package with a mirrored tests/ folder"\n')
    assert main([str(clones), "--repos", str(repos), "--json"]) == 0
    [result] = json.loads(capsys.readouterr().out)
    assert result["tests"]["truth"] == 8 and result["tests"]["runners"] == {"pytest": 8}
    assert result["tests"]["recall"] is not None and result["files"]["code"] == 18
    assert result["pairs"]["by_kind"] and result["conventions"]["proposed"] >= 1
    assert result["lint"]["linted"] == result["files"]["held_out"]
    assert result["breaks"]["tried"] >= 1 and set(result["breaks"]["by_kind"]) >= {"test-style"} or \
        result["files"]["held_out"] == 0
    assert "error" not in result["retrieval"]["deps"] and "error" not in result["retrieval"]["roles"]
    assert result["cost"]["ratio"] > 0 and result["cost"]["peak_mb"] > 0
    assert repo.git("status", "--porcelain") == "" and repo.git("rev-parse", "HEAD") == head


def test_an_unknown_repository_is_one_line(tmp_path: Path, capsys) -> None:
    assert main([str(tmp_path), "--repo", "no-such-repo"]) == 1
    error = capsys.readouterr().err
    assert error.startswith("realworld: unknown repository 'no-such-repo'") and error.count("\n") == 1
