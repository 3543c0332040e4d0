"""Work a request may start before it is answered, remembered by what it computes: the query embeddings of the
index's encoder (rag/query_encoder.py) and the retrievals started ahead (rag/context.py). The answer then takes
up what was started, done or under way, instead of doing it again."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Executor, Future
from typing import Generic, TypeVar

T = TypeVar("T")


class Started(Generic[T]):
    """The last `size` pieces of work started on `pool`, by key, done or under way. Work that failed or was
    cancelled is forgotten when asked for again, so the asker does it anew (and reports its failure)."""

    def __init__(self, pool: Executor, size: int) -> None:
        self.pool, self.size = pool, size
        self.recent: OrderedDict[Hashable, Future[T]] = OrderedDict()
        self.lock = threading.Lock()  # requests are answered, and work started, on several threads

    def start(self, key: Hashable, work: Callable[[], T]) -> Future[T]:
        """The work of `key`, started on the pool unless it is remembered."""
        with self.lock:
            pending = self._found(key)
            if pending is None:
                pending = self.recent[key] = self.pool.submit(work)
                if len(self.recent) > self.size:
                    self.recent.popitem(last=False)
            return pending

    def get(self, key: Hashable) -> Future[T] | None:
        """The work of `key` if it was started and has neither failed nor been cancelled."""
        with self.lock:
            return self._found(key)

    def _found(self, key: Hashable) -> Future[T] | None:
        pending = self.recent.get(key)
        if pending is None or pending.cancelled() or (pending.done() and pending.exception() is not None):
            return None
        self.recent.move_to_end(key)
        return pending
