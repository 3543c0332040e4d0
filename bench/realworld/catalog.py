"""The matrix's repositories (`repos.toml` or any file of its shape) and their clones at the pinned commits."""

from __future__ import annotations

import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REPOS_FILE = Path(__file__).resolve().with_name("repos.toml")
MIRRORS = ROOT.parent / ".mirror"


class MatrixError(Exception):
    """Bad input to the matrix: said in one line by the command, exit code 1."""


@dataclass(frozen=True)
class RepoSpec:
    """One repository of the matrix."""

    repo: str  # owner/name
    commit: str
    languages: tuple[str, ...]
    layout: str

    @property
    def name(self) -> str:
        return self.repo.split("/", 1)[1]

    @property
    def mirror(self) -> Path:
        return MIRRORS / self.repo.replace("/", "+") / "repo"


def load_repos(path: Path = REPOS_FILE) -> list[RepoSpec]:
    """The `[[repo]]` tables of `path`, each checked."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MatrixError(f"{path}: no such repositories file; pass --repos FILE") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise MatrixError(f"{path}: not valid TOML ({exc}); fix the file") from None
    tables = data.get("repo")
    if not isinstance(tables, list) or not tables:
        raise MatrixError(f"{path}: expected [[repo]] tables with repo, commit, languages and layout")
    specs = []
    for number, table in enumerate(tables, 1):
        repo, commit = table.get("repo"), table.get("commit")
        languages, layout = table.get("languages", []), table.get("layout", "")
        if not (isinstance(repo, str) and repo.count("/") == 1 and all(repo.split("/"))):
            raise MatrixError(f"{path}: repo #{number}: `repo` must be owner/name, got {repo!r}")
        if not (isinstance(commit, str) and len(commit) == 40 and all(c in "0123456789abcdef" for c in commit)):
            raise MatrixError(f"{path}: {repo}: `commit` must be a full 40-character commit id, got {commit!r}")
        if not (isinstance(languages, list) and all(isinstance(x, str) for x in languages)) or not isinstance(layout, str):
            raise MatrixError(f"{path}: {repo}: `languages` must be a list of strings and `layout` a string")
        specs.append(RepoSpec(repo, commit, tuple(languages), layout))
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        raise MatrixError(f"{path}: two repositories share a name ({', '.join(sorted({n for n in names if names.count(n) > 1}))}); "
                          "clones are kept by name")
    return specs


def ensure_clone(spec: RepoSpec, clones: Path) -> Path:
    """`clones/<name>`, a clone checked out at the pinned commit with a clean work tree.

    Cloned from the project's mirror of the repository when there is one, else from GitHub. A clone left
    dirty by an interrupted run is reset (the matrix owns CLONES_DIR)."""
    target = clones.resolve() / spec.name  # git runs in `clones`: a relative path would nest
    if not target.exists():
        clones.mkdir(parents=True, exist_ok=True)
        source = str(spec.mirror) if spec.mirror.is_dir() else f"https://github.com/{spec.repo}"
        _git(clones, "clone", "-q", "--no-checkout", source, str(target))
    elif _git(target, "rev-parse", "--show-toplevel", check=False).strip() != str(target.resolve()):
        raise MatrixError(f"{target} exists but is not a clone; remove it or choose another CLONES_DIR")
    if _git(target, "cat-file", "-e", f"{spec.commit}^{{commit}}", check=False, status=True) != "0":
        _git(target, "fetch", "-q", "origin", spec.commit)
    _git(target, "checkout", "-q", "--force", "--detach", spec.commit)
    _git(target, "clean", "-q", "-f", "-d")
    return target


def tracked_files(clone: Path) -> list[str]:
    """The files git tracks at the clone's HEAD."""
    return [p for p in _git(clone, "ls-files", "-z").split("\0") if p]


def _git(cwd: Path, *args: str, check: bool = True, status: bool = False) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if status:
        return str(done.returncode)
    if check and done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise MatrixError(f"git {' '.join(args[:2])} in {cwd} failed: {detail}")
    return done.stdout
