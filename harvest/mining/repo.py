"""Open the repository to mine and decide which refs its history walk covers.

Every way a repository can be unusable (missing, not git, empty, corrupt, unknown ref) becomes one
`RepoError` line that says what to do; a `since` date git cannot read is a `ConfigError`.
"""

from __future__ import annotations

from pathlib import Path

import git

from harvest.config import HarvestConfig
from harvest.errors import ConfigError, RepoError


def open_repo(path: Path) -> git.Repo:
    """The repository at (or above) `path`, checked to have a readable HEAD commit."""
    if not path.exists():
        raise RepoError(f"{path}: no such directory; pass the path of a git repository")
    try:
        repo = git.Repo(path, search_parent_directories=True)
    except git.InvalidGitRepositoryError:
        raise RepoError(f"{path} is not inside a git repository; run `git init` or pass the repository's folder") from None
    if not repo.head.is_valid():
        raise RepoError(f"{path}: the repository has no commits yet; commit something, then harvest")
    try:
        repo.head.commit.tree.hexsha  # noqa: B018 - reading it proves the objects are there
    except (ValueError, git.BadName, git.BadObject, git.GitCommandError) as exc:
        raise RepoError(f"{path}: HEAD cannot be read ({exc}); the repository may be corrupt, run `git fsck`") from None
    return repo


# git reads a word it does not know as "now" (approxidate), so this string reads as now; see _check_since.
NOT_A_DATE = "idiom-not-a-date"


def default_revisions(repo: git.Repo, config: HarvestConfig) -> list[str]:
    """What `git log` walks: `--all`, the configured refs, or the default branch (from `since` on, which is
    checked here, before anything is written)."""
    if config.since:
        _check_since(repo, config.since)
    if config.all_refs:
        return ["--all"]
    if config.refs:
        for ref in config.refs:
            _verify(repo, ref)
        return list(config.refs)
    return [_default_branch(repo)]


def _default_branch(repo: git.Repo) -> str:
    """The remote's default branch (its local copy if there is one), else whatever HEAD is."""
    try:
        target = repo.git.symbolic_ref("refs/remotes/origin/HEAD")
    except git.GitCommandError:
        return "HEAD"
    local = "refs/heads/" + target.removeprefix("refs/remotes/origin/")
    try:
        _verify(repo, local)
        return local
    except RepoError:
        return target


def _verify(repo: git.Repo, ref: str) -> None:
    try:
        repo.git.rev_parse("--verify", "--quiet", f"{ref}^{{commit}}")
    except git.GitCommandError:
        raise RepoError(f"ref {ref!r} does not name a commit in {repo.working_tree_dir or repo.git_dir}; "
                        "check `git branch -a` for its name") from None


def _check_since(repo: git.Repo, since: str) -> None:
    """Refuse a `since` that git reads as now or later: no commit would be mined.

    git's date parser never fails: `--since=garbage` means now, and the walk silently finds nothing. So the
    value is parsed by git itself, in one process beside a string that cannot be a date, and must come out
    earlier than that string's "now" (a second apart at most, should the clock tick between the two).
    """
    parsed = repo.git.rev_parse(f"--since={since}", f"--since={NOT_A_DATE}").split()
    value, now = (int(word.rpartition("=")[2]) for word in parsed)
    if value >= now - 1:
        raise ConfigError(f"since = {since!r} (--since or [harvest] since): git reads it as now or later, so no "
                          "commit would be mined; give a date such as 2024-01-01 or '6 months ago'")
