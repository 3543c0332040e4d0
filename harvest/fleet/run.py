"""Running the repositories' jobs (harvest/fleet/job.py) side by side: on a local process pool, or as Ray
tasks on an existing cluster (`--ray ADDRESS`). Either way each job gets a fresh process of its own (its
peak memory is then its own) and results come back as they finish, for the progress display.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import socket
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import (
    FIRST_COMPLETED,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from harvest.errors import InputError
from harvest.fleet.job import RepoJob, RepoResult, run_job

RAY_INSTALL = "pip install 'idiomatic[ray]'"
REACH_SECONDS = 10


def run_local(jobs: Sequence[RepoJob], workers: int) -> Iterator[tuple[RepoJob, RepoResult]]:
    """Each job in a process of its own, `workers` at a time; (job, result) pairs in the order they finish.
    A thread per slot waits on its job's process: the standard pool's way of bounding work, without one
    shared process pool that a single killed worker would break for every job still queued."""
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(jobs)))) as threads:
        pending: dict[Future[RepoResult], RepoJob] = {threads.submit(_in_own_process, job): job for job in jobs}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                job = pending.pop(future)
                yield job, _outcome(job, future.result, BrokenProcessPool)


def _in_own_process(job: RepoJob) -> RepoResult:
    """`run_job` in a fresh interpreter (spawn: no lock or cache inherited from this one) that serves this job
    alone, so a worker killed (out of memory, a signal) fails only its own repository."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_die_with_parent, initargs=(os.getpid(),)) as one:
        return one.submit(run_job, job).result()


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with_parent(parent: int) -> None:
    """On Linux, end this job's process when the command that started it dies (`kill`, a CI timeout):
    otherwise it would go on harvesting for minutes that nobody waits for. What it leaves half done is
    a staging folder the next run clears (harvest/atomic.py). Elsewhere the job finishes on its own."""
    if not sys.platform.startswith("linux"):
        return
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the command died before the line above: no signal will come
        os._exit(1)


def run_ray(jobs: Sequence[RepoJob], address: str) -> Iterator[tuple[RepoJob, RepoResult]]:
    """Each job as a Ray task on the cluster at `address` (a Ray instance this process already joined is
    used as it is); (job, result) pairs in the order they finish. The tasks write where the jobs say, so
    the paths must be on a filesystem every node shares."""
    ray = import_ray()
    joined = ray.is_initialized()
    if not joined:
        _check_reachable(address)
        try:
            ray.init(address=address, log_to_driver=False)
        except (ConnectionError, ValueError, RuntimeError) as exc:
            raise InputError(f"cannot join the Ray cluster at {address}: {str(exc).strip().splitlines()[0]}") from None
    try:
        # max_calls=1: a worker process per task, as on the local pool.
        task = ray.remote(max_calls=1, num_cpus=1)(run_job)
        pending = {task.remote(job): job for job in jobs}
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            for ref in done:
                job = pending.pop(ref)
                yield job, _outcome(job, lambda ref=ref: ray.get(ref), ray.exceptions.RayError)
    finally:
        if not joined:
            ray.shutdown()


def _check_reachable(address: str) -> None:
    """Fail at once on a `host:port` nobody answers at: Ray itself retries for minutes before it gives up."""
    host, colon, port = address.rpartition(":")
    if not colon or not port.isdigit() or "/" in host:
        return  # `auto`, `ray://…` and the like: Ray resolves those itself
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=REACH_SECONDS).close()
    except OSError as exc:
        raise InputError(f"cannot join the Ray cluster at {address}: {exc.strerror or exc}; "
                         "is `ray start --head` running there?") from None


def import_ray() -> Any:
    """The `ray` module, or one clear line saying how to install it."""
    try:
        import ray
    except ImportError:
        raise InputError(f"--ray needs Ray, which is not installed: {RAY_INSTALL}") from None
    return ray


def _outcome(job: RepoJob, result: Callable[[], RepoResult], lost: type[BaseException]) -> RepoResult:
    """The job's result; a worker that died (killed, out of memory, a node lost) fails its repository only."""
    try:
        return result()
    except lost as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return RepoResult(job.source.label, job.source.text, "failed", f"its worker died: {reason}")
