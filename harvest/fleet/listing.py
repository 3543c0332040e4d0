"""The list of repositories `idiom harvest --repos FILE` reads: a local path or a git URL per line.

Blank lines and `#` comments are skipped; a relative path is read from the list's own folder, so a list
means the same wherever it is run from. Each repository gets a label, unique within the list: the folder
a URL is cloned into, the tag of its rows in a merged dataset, its line in the summary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from harvest.errors import InputError
from harvest.store import safe_name

# scheme://… (https, ssh, git, file) or scp-like user@host:path, as `git clone` takes them
URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$|^[\w.-]+@[\w.-]+:\S+$")
COMMENT = re.compile(r"(^|\s)#.*$")


@dataclass(frozen=True)
class RepoSource:
    """One line of the list: where the repository is, and its label."""

    line: int
    text: str  # as written in the list
    label: str
    path: str = ""  # an absolute local path, or
    url: str = ""  # a git URL to clone


def read_repo_list(listing: Path) -> list[RepoSource]:
    """The repositories `listing` names, in its order; InputError naming the line for one it cannot use."""
    try:
        lines = listing.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise InputError(f"{listing} is not a text file; list one repository path or git URL per line") from None
    sources: list[RepoSource] = []
    labels: set[str] = set()
    seen: dict[str, int] = {}  # path or URL -> its line: two jobs on one repository would race for its lock
    for number, raw in enumerate(lines, 1):
        text = COMMENT.sub("", raw).strip()
        if not text:
            continue
        source = _source(listing, number, text)
        where = source.path or source.url
        if where in seen:
            raise InputError(f"{listing}:{number}: {text!r} is listed already, on line {seen[where]}")
        seen[where] = number
        if source.label in labels:  # two repositories of one name (forks, mirrors): the line tells them apart
            source = RepoSource(number, text, f"{source.label}-{number}", source.path, source.url)
        labels.add(source.label)
        sources.append(source)
    if not sources:
        raise InputError(f"{listing} lists no repositories; write one local path or git URL per line")
    return sources


def _source(listing: Path, number: int, text: str) -> RepoSource:
    if URL.match(text):
        name = text.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1].removesuffix(".git")
        return RepoSource(number, text, safe_name(name), url=text)
    path = (listing.parent / Path(text).expanduser()).resolve()
    if not path.is_dir():
        raise InputError(f"{listing}:{number}: {text!r} is neither a folder nor a git URL "
                         "(https://…, ssh://…, file://…, user@host:path)")
    return RepoSource(number, text, safe_name(path.name), path=str(path))
