"""The process pool behind `--jobs`: the harvest's CPU-bound stages (diff parsing and scrubbing in mining,
tree-sitter in the dataset build) map a function over batches in worker processes.

Results come back in the order the batches went in, so the artifacts are the same whatever the job count,
and only a few batches per worker are in flight at a time, so memory stays bounded however long the input.
With one job nothing is started: the same functions run in this process, as they did before the pool.
Workers ignore Ctrl-C (the main process alone handles it) and are joined before any error or interrupt
leaves `ordered_map`, so none outlive the command. An error a worker raises is raised here unchanged (a
project error still prints as its one line); a worker that dies (killed, out of memory) is one line too.
"""

from __future__ import annotations

import gc
import itertools
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any, Self, TypeVar

from harvest.errors import WorkerLost

T = TypeVar("T")
R = TypeVar("R")

IN_FLIGHT_PER_WORKER = 3  # enough to keep a worker busy while its last result is read back


def cores() -> int:
    """The cores this process may use (its CPU affinity where the platform says)."""
    if hasattr(os, "process_cpu_count"):  # Python 3.13+: honours affinity and the -X cpu_count option
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def job_count(jobs: int) -> int:
    """The processes `jobs` asks for: itself, or for 0 the cores, and never more than the cores.

    The cap matters because a repository's idiom.toml may set the count: untrusted input must not choose
    to fork a thousand processes, and CPU-bound batches gain nothing from more workers than cores.
    """
    return min(jobs, cores()) if jobs > 0 else cores()


class Pool:
    """Up to `jobs` worker processes, each set up by `initializer(*initargs)` like this process is.

    The workers start with the first `ordered_map` that has more than one batch: a small repository's
    stages, one batch each, run here without paying for processes.
    """

    def __init__(self, jobs: int, initializer: Callable[..., None] | None = None,
                 initargs: tuple[Any, ...] = ()) -> None:
        self.jobs = job_count(jobs)
        self._initializer, self._initargs = initializer, initargs
        self._executor: ProcessPoolExecutor | None = None
        if initializer is not None:
            initializer(*initargs)  # this process runs batches too: one job, or a single batch

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers, dropping queued batches, and wait for them to exit."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def ordered_map(self, fn: Callable[[T], R], batches: Iterable[T]) -> Iterator[R]:
        """`fn(batch)` for each batch, in order; reads ahead at most a few batches per worker."""
        batches = iter(batches)
        first = list(itertools.islice(batches, 2))
        if self.jobs == 1 or len(first) < 2:
            yield from map(fn, itertools.chain(first, batches))
            return
        if self._executor is None:
            self._executor = ProcessPoolExecutor(self.jobs, initializer=_start_worker,
                                                 initargs=(self._initializer, self._initargs))
        pending: deque[Future[R]] = deque()
        limit = self.jobs * IN_FLIGHT_PER_WORKER
        try:
            for batch in itertools.chain(first, batches):
                pending.append(self._executor.submit(fn, batch))
                if len(pending) >= limit:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        except BrokenProcessPool:
            self.close()
            raise _lost() from None
        except BaseException:
            self.close()  # an error or Ctrl-C: nothing more is wanted, and no worker may outlive us
            raise


@contextmanager
def beside(jobs: int, fn: Callable[..., R], *args: Any) -> Iterator[Callable[[], R]]:
    """`fn(*args)` worked out in one worker process while the block runs, for a stage that reads what this
    process already holds and shares nothing with the stages running meanwhile; the block is given a call that
    waits for the result. With one job nothing is started, and the call works it out here.

    The worker is forked holding `fn` and `args` (on platforms that spawn, they are pickled to it), so a large
    argument (the corpus) is not copied through a pipe; only the result comes back. As with `Pool`, an error
    `fn` raises is raised by the call, a worker that dies is WorkerLost, and the worker does not outlive the
    block."""
    if job_count(jobs) == 1:
        yield lambda: fn(*args)
        return
    executor = ProcessPoolExecutor(1, initializer=_start_worker, initargs=(_hold, (fn, args)))
    try:
        future = executor.submit(_run_held)

        def result() -> R:
            try:
                return future.result()
            except BrokenProcessPool:
                raise _lost() from None

        yield result
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


_held: tuple[Callable[..., Any], tuple[Any, ...]] | None = None  # `beside`'s work, in its worker


def _hold(fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    global _held
    _held = (fn, args)


def _run_held() -> Any:
    if _held is None:
        raise RuntimeError("a worker started by `beside` holds its work")
    fn, args = _held
    return fn(*args)


def _lost() -> WorkerLost:
    return WorkerLost("a worker process died before finishing its batch (killed, or out of memory?); run again, "
                      "with a smaller --jobs or --jobs 1")


def _start_worker(initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles Ctrl-C and stops us
    # Objects inherited from a forked parent (the corpus, the files) are never garbage here; left in the
    # collector's generations, each full collection would walk them and copy every page of the parent's heap.
    gc.freeze()
    if initializer is not None:
        initializer(*initargs)


def batched(items: Iterable[T], size: Callable[[T], int], limit: int, most: int) -> Iterator[list[T]]:
    """`items` in consecutive lists of at most `most` items or about `limit` units of `size` (a batch
    holds at least one item), so a batch is worth a trip to a worker without holding much memory."""
    batch: list[T] = []
    total = 0
    for item in items:
        batch.append(item)
        total += size(item)
        if total >= limit or len(batch) >= most:
            yield batch
            batch, total = [], 0
    if batch:
        yield batch
