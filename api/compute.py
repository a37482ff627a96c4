"""The compute queue: at most N requests compute answers at once; the others wait their turn, first come first served.

Every request passes it once (its answer, its feedback record), so none queues again behind later arrivals; cheap
work (dependencies, documents, health) never waits behind it.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from anyio import CapacityLimiter, to_thread

T = TypeVar("T")


class ComputeQueue:
    """Runs blocking work in worker threads, `size` at a time, in arrival order (anyio's limiter is FIFO)."""

    def __init__(self, size: int):
        self.size = size
        self._limiter: CapacityLimiter | None = None

    def _slots(self) -> CapacityLimiter:
        if self._limiter is None:  # created inside the running event loop
            self._limiter = CapacityLimiter(self.size)
        return self._limiter

    async def run(self, work: Callable[..., T], *args: object) -> T:
        """`work(*args)` in a worker thread once a slot is free; waiting callers are served in arrival order."""
        return await to_thread.run_sync(work, *args, limiter=self._slots())
