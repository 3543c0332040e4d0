"""Work started ahead is remembered by key, done or under way, and taken up instead of being done again; work
that failed or was cancelled (a request doing it itself rather than waiting behind a queue) is forgotten."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from router.strategies.rag.started import Started


@pytest.fixture
def pool():
    with ThreadPoolExecutor(1) as executor:
        yield executor


def test_work_started_once_is_taken_up_and_the_oldest_forgotten(pool: ThreadPoolExecutor) -> None:
    started: Started[int] = Started(pool, size=2)
    runs: list[str] = []
    first = started.start("a", lambda: runs.append("a") or 1)
    assert started.start("a", lambda: runs.append("again") or 2) is first and first.result() == 1
    started.start("b", lambda: 2).result()
    started.start("c", lambda: 3).result()
    assert started.get("a") is None and started.get("c").result() == 3 and runs == ["a"]


def test_failed_or_cancelled_work_is_done_anew(pool: ThreadPoolExecutor) -> None:
    started: Started[int] = Started(pool, size=8)
    failed = started.start("broken", lambda: 1 // 0)
    assert isinstance(failed.exception(), ZeroDivisionError) and started.get("broken") is None
    assert started.start("broken", lambda: 4).result() == 4

    release = threading.Event()
    busy = started.start("busy", release.wait)  # holds the pool's one thread: what follows is queued
    queued = started.start("queued", lambda: 5)
    assert queued.cancel() and started.get("queued") is None  # the asker did it itself
    release.set()
    assert busy.result() is True and started.start("queued", lambda: 6).result() == 6
