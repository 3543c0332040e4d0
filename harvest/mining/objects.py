"""Where the harvest's git commands read objects, for a repository that may lack some of them.

A partial clone (`git clone --filter=blob:limit=…`) lacks the blobs its filter left on the server, and a
damaged mirror may lack any. Left alone, git would fetch each missing blob from a partial clone's remote
one request at a time, writing into the user's repository (or stop the whole run when offline), and
`git log -p` stops at the first blob it cannot read. The harvest never fetches: the blobs missing from the
mined refs' history are listed once (`git rev-list --objects --missing=print`, which does not fetch),
and git then runs on a *view* of the repository: a temporary git directory that borrows its objects
(`objects/info/alternates`) and refs, has no remote to fetch from, and replaces each missing blob
(`refs/replace/`) with a placeholder of its own. A diff touching one shows as a binary change, which
the history walk records as skipped for `missing-object`; the files at HEAD read with replacements off,
so a missing blob reads as missing and is excluded for the same reason.

A partial clone gets its view before anything is read; a complete repository only once git has failed
on it (the history walk then resumes where it stopped), so the common case pays nothing.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from harvest.errors import RepoError

MISSING_OBJECT = "missing-object"  # the reason recorded for a file or diff whose blob is not in the repository


class ObjectAccess:
    """The repository's git directory, or its view once objects turned out missing."""

    def __init__(self, git_dir: str, revisions: list[str]) -> None:
        self.git_dir = git_dir
        self.revisions = revisions
        self.view = ""  # the view's git directory, once there is one
        self.missing: frozenset[str] = frozenset()  # blobs the view replaces with placeholders

    def command(self, *args: str, placeholders: bool = True) -> list[str]:
        """The argv of `git args` on the repository or its view; without `placeholders` a missing blob
        reads as missing (`cat-file` says so) rather than as its placeholder."""
        if not self.view:
            return ["git", "-C", self.git_dir, *args]
        return ["git", "--git-dir", self.view, *(() if placeholders else ("--no-replace-objects",)), *args]

    def open_view(self) -> bool:
        """List the blobs the mined history lacks and, when there are some, read through a view from now on.

        False when there is nothing more to do: a view is open already, or no blob is missing (git failed
        for another reason, which the caller reports).
        """
        if self.view:
            return False
        missing = self._missing_blobs()
        if not missing:
            return False
        self.view = tempfile.mkdtemp(prefix="idiom-objects-")
        try:
            self._build_view(sorted(missing))
        except BaseException:
            self.close()
            raise
        self.missing = frozenset(missing)
        return True

    def close(self) -> None:
        """Remove the view (the repository itself is never written)."""
        if self.view:
            shutil.rmtree(self.view, ignore_errors=True)
            self.view = ""

    def _git(self, args: list[str], stdin: bytes = b"", git_dir: str = "") -> bytes:
        argv = ["git", "--git-dir", git_dir, *args] if git_dir else ["git", "-C", self.git_dir, *args]
        done = subprocess.run(argv, input=stdin, capture_output=True, check=False)
        if done.returncode != 0:
            first = done.stderr.decode("utf-8", "replace").strip().splitlines()[:1]
            raise RepoError(f"git {args[0]} failed: {first[0] if first else done.returncode}; "
                            "the repository may be corrupt, run `git fsck`")
        return done.stdout

    def _missing_blobs(self) -> set[str]:
        """Objects reachable from the mined refs (or HEAD) that the repository does not have; listing them
        never fetches. A lost tree is listed too, but git cannot read a blob placeholder as a tree: the walk
        then stops with git's own message, naming it."""
        listed = self._git(["rev-list", "--objects", "--missing=print", *self.revisions, "HEAD", "--"])
        return {line[1:].decode() for line in listed.splitlines() if line.startswith(b"?")}

    def _build_view(self, missing: list[str]) -> None:
        """A bare git directory with the repository's objects, refs and shallow boundary, and a replace
        ref per missing blob to a placeholder naming it (distinct, so a diff between two still shows)."""
        view = Path(self.view)
        object_format = self._git(["rev-parse", "--show-object-format"]).decode().strip()
        self._git(["init", "-q", "--bare", f"--object-format={object_format}", self.view])
        objects = Path(self._git(["rev-parse", "--path-format=absolute", "--git-path", "objects"]).decode().strip())
        (view / "objects" / "info" / "alternates").write_text(f"{objects}\n", encoding="utf-8")
        shallow = Path(self._git(["rev-parse", "--path-format=absolute", "--git-path", "shallow"]).decode().strip())
        if shallow.is_file():
            shutil.copyfile(shallow, view / "shallow")
        (view / "HEAD").write_text(self._git(["rev-parse", "HEAD"]).decode(), encoding="utf-8")
        marks = view / "placeholders.marks"
        # NUL makes the placeholder binary: git prints no hunk for it, only that the file changed.
        stream = b"".join(b"blob\nmark :%d\ndata %d\n%s\n" % (i, len(p), p) for i, p in
                          enumerate((b"\0idiom: object %s is missing\n" % sha.encode() for sha in missing), 1))
        self._git(["fast-import", "--quiet", f"--export-marks={marks}"], stream, git_dir=self.view)
        placeholders = dict(line.split(" ", 1) for line in marks.read_text(encoding="utf-8").splitlines())
        refs = self._git(["for-each-ref", "--format=%(objectname) %(refname)"]).decode().splitlines()
        taken = {line.split(" ", 1)[1] for line in refs}
        refs += [f"{placeholders[f':{i}']} refs/replace/{sha}" for i, sha in enumerate(missing, 1)
                 if f"refs/replace/{sha}" not in taken]
        (view / "packed-refs").write_text("".join(f"{line}\n" for line in refs), encoding="utf-8")


@contextmanager
def object_access(git_dir: str, revisions: list[str]) -> Iterator[ObjectAccess]:
    """Object access for one harvest: through a view from the start for a partial clone."""
    access = ObjectAccess(git_dir, revisions)
    try:
        if _partial_clone(git_dir):
            access.open_view()
        yield access
    finally:
        access.close()


def _partial_clone(git_dir: str) -> bool:
    """Whether the repository has a promisor remote, from which git would fetch what it lacks."""
    done = subprocess.run(["git", "-C", git_dir, "config", "--get-regexp", r"^(remote\..*\.promisor|extensions\.partialclone)$"],
                          capture_output=True, text=True, check=False)
    return any(value.strip().lower() not in ("false", "no", "off", "0", "")
               for value in (line.partition(" ")[2] for line in done.stdout.splitlines()))
