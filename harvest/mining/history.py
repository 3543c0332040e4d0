"""Walk the commit history in one `git log -p` stream and turn it into raw commit records.

One git process for the whole walk (not one per commit) keeps a whole-history harvest within a
small factor of `git log -p` itself. Merges come with their diff against the first parent, which
for a merged pull request is the PR's combined change. Should git stop on a blob the repository lacks
(a damaged mirror), the walk resumes after the commits it read, through a view that stands a
placeholder in for each missing blob (harvest/mining/objects.py); those diffs are marked `missing_object`.
"""

from __future__ import annotations

import queue
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import git

from harvest.config import HarvestConfig
from harvest.errors import RepoError
from harvest.mining.diffparse import RawChange, parse_patch
from harvest.mining.objects import ObjectAccess

# NUL never appears in text diffs (git calls such files binary), so it safely separates fields.
FORMAT = "%x00%H%x00%P%x00%an%x00%aI%x00%B%x00"
FIELDS_PER_COMMIT = 6  # sha, parents, author, date, message, patch
CHUNK = 1 << 20
BUFFERED_CHUNKS = 64  # MiB of git output waiting at most: the parse is slower than git, so more only waits


@dataclass(frozen=True)
class RawCommit:
    """A commit as read from the stream, before scrubbing."""

    sha: str
    parents: tuple[str, ...]
    author: str
    author_date: str
    message: str
    changes: tuple[RawChange, ...]


def log_command(repo: git.Repo, revisions: list[str], config: HarvestConfig, patches: bool = True,
                objects: ObjectAccess | None = None, skip: int = 0, listed: bool = False,
                fields: str = FORMAT) -> list[str]:
    """The `git log` argv the walk runs (on `objects`' view when it has one, past the first `skip` commits);
    the benchmark runs its floor on the same revisions. `listed`: the commits named on stdin alone, in that
    order (a re-harvest's new commits), instead of a walk of `revisions` within the configured limits."""
    git_argv = objects.command() if objects else ["git", "-C", repo.git_dir]
    argv = [*git_argv, "-c", "core.quotePath=false", "log", f"--format={fields}",
            "--no-color", "--no-ext-diff", "--no-textconv", "-M"]
    if patches:
        argv += ["-p", "--diff-merges=first-parent"]
    if objects and objects.missing:
        argv.append("--full-index")  # whole blob names, to tell which diffs stand on a placeholder
    if listed:
        return argv + ["--no-walk=unsorted", "--stdin", "--"]
    if config.since:
        argv.append(f"--since={config.since}")
    if config.max_commits:
        argv.append(f"--max-count={config.max_commits - skip}")
    if skip:
        argv.append(f"--skip={skip}")
    return argv + revisions + ["--"]


def commit_order(repo: git.Repo, revisions: list[str], config: HarvestConfig) -> list[str]:
    """The shas the walk visits, in its order, without the patches (a tenth of a second for 18k commits)."""
    return repo.git.execute(log_command(repo, revisions, config, patches=False, fields="%H")).split()


def count_commits(repo: git.Repo, revisions: list[str], config: HarvestConfig) -> int:
    """How many commits the walk will visit (for the progress bar)."""
    argv = ["rev-list", "--count"] + ([f"--since={config.since}"] if config.since else []) + revisions
    total = int(repo.git.execute(["git", "-C", repo.git_dir, *argv]))
    return min(total, config.max_commits) if config.max_commits else total


class LogFailed(RepoError):
    """git log exited with an error; the commit it was writing is incomplete."""


class LogStream:
    """A running `git log -p` whose output a thread drains into memory, so git never waits for us.

    Started before the HEAD files are read, git produces the history on the other core meanwhile.
    `restart(skip)` starts the same walk again past its first `skip` commits (through the object view, if
    one was opened since).
    """

    def __init__(self, argv: list[str], restart: Callable[[int], LogStream] | None = None,
                 stdin: bytes | None = None) -> None:
        self.restart = restart
        self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if stdin is not None:  # git reads all of it before it writes anything
            self.process.stdin.write(stdin)
            self.process.stdin.close()
        self.chunks: queue.Queue[bytes] = queue.Queue(maxsize=BUFFERED_CHUNKS)
        self.stopped = threading.Event()
        threading.Thread(target=self._pump, name="git-log-reader", daemon=True).start()

    def __enter__(self) -> LogStream:
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        if exc_type is not None:
            self.process.kill()
            self.close(check=False)

    def _pump(self) -> None:
        stdout = self.process.stdout
        while not self.stopped.is_set():
            try:
                chunk = stdout.read(CHUNK)
            except (OSError, ValueError):  # closed under us by close(): the reader is done
                return
            while not self._put(chunk):
                if self.stopped.is_set():
                    return
            if not chunk:
                return

    def _put(self, chunk: bytes) -> bool:
        try:
            self.chunks.put(chunk, timeout=0.1)
            return True
        except queue.Full:
            return False

    def read(self, _size: int = -1) -> bytes:
        """The next chunk of output; b"" at the end."""
        return self.chunks.get()

    def close(self, check: bool = True) -> None:
        """Stop reading and reap git; a failed git becomes a LogFailed with its first stderr line."""
        if self.stopped.is_set():
            return
        self.stopped.set()
        self.process.stdout.close()
        stderr = self.process.stderr.read().decode("utf-8", "replace").strip()
        self.process.stderr.close()
        code = self.process.wait()
        if check and code not in (0, -signal.SIGPIPE):
            first = stderr.splitlines()[0] if stderr else f"exit code {code}"
            raise LogFailed(f"git log failed: {first}; check the refs given and run `git fsck`")


def start_log(repo: git.Repo, revisions: list[str], config: HarvestConfig, objects: ObjectAccess | None = None,
              skip: int = 0) -> LogStream:
    """Start the history walk in the background."""
    return LogStream(log_command(repo, revisions, config, objects=objects, skip=skip),
                     lambda done: start_log(repo, revisions, config, objects, done))


def start_listed_log(repo: git.Repo, shas: list[str], config: HarvestConfig,
                     objects: ObjectAccess | None = None) -> LogStream:
    """Start the same output for the commits `shas` alone, in that order."""
    return LogStream(log_command(repo, [], config, objects=objects, listed=True),
                     lambda done: start_listed_log(repo, shas[done:], config, objects),
                     "".join(f"{sha}\n" for sha in shas).encode("ascii"))


@dataclass(frozen=True)
class LogEntry:
    """One commit's fields as git wrote them, undecoded and unparsed (a pool worker does that), with the
    blobs known to be missing when it was read."""

    fields: tuple[bytes, ...]  # sha, parents, author, date, message, patch
    missing: frozenset[str] = frozenset()


def read_log(stream: LogStream, objects: ObjectAccess | None = None) -> Iterator[LogEntry]:
    """Yield commits newest first as git writes them.

    When git fails and `objects` finds blobs missing, the walk goes on through its view from the commit
    git stopped at (the first not yielded); any other failure, or one the view does not cure, is raised.
    """
    done = 0
    try:
        while True:
            try:
                for fields in _records(stream):
                    yield LogEntry(tuple(fields), objects.missing if objects else frozenset())
                    done += 1
                return
            except LogFailed:
                if objects is None or stream.restart is None or not objects.open_view():
                    raise
                stream = stream.restart(done)
    finally:
        stream.close()


def parse_entry(entry: LogEntry, keep_hunks: Callable[[str, int], bool] = lambda path, size: True) -> RawCommit:
    """The commit in `entry`, decoded, its patch split into changes (hunks only where `keep_hunks` agrees)."""
    sha, parents, author, date, message, patch = (f.decode("utf-8", "replace") for f in entry.fields)
    return RawCommit(sha, tuple(parents.split()), author, date, message.rstrip("\n"),
                     tuple(parse_patch(patch, keep_hunks, entry.missing)))


def _records(stream: LogStream) -> Iterator[list[bytes]]:
    """Split the NUL-separated stream into per-commit fields without holding the whole stream."""
    tokens: list[bytes] = []  # complete tokens; tokens[0] is whatever precedes the first commit
    tail: list[bytes] = []  # the token still being read (a long patch spans many chunks)
    while chunk := stream.read(CHUNK):
        if b"\0" not in chunk:
            tail.append(chunk)
            continue
        pieces = (b"".join(tail) + chunk).split(b"\0")
        tail = [pieces.pop()]
        tokens.extend(pieces)
        while len(tokens) > FIELDS_PER_COMMIT:
            yield tokens[1:FIELDS_PER_COMMIT + 1]
            del tokens[1:FIELDS_PER_COMMIT + 1]
    stream.close()  # a failed git raises here: its last commit may be cut short, so it is not yielded
    if len(tokens) == FIELDS_PER_COMMIT:  # the last commit's patch runs to the end of the stream
        yield tokens[1:] + [b"".join(tail)]
