"""Per-client token buckets: `per_minute` requests a minute, refilled continuously, bursts up to the same."""
from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable


class TokenBucketLimiter:
    """Admits a client's request if its bucket holds a token; otherwise says how long to wait."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic, max_clients: int = 10_000):
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.clock, self.max_clients = clock, max_clients
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        """False when the limit is 0 (off)."""
        return self.capacity > 0

    def acquire(self, client: str) -> float:
        """Take a token for `client`: 0.0 when admitted, else the seconds until one is available."""
        if not self.enabled:
            return 0.0
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._store(client, tokens - 1.0, now)
                return 0.0
            self._store(client, tokens, now)
            return (1.0 - tokens) / self.rate

    def _store(self, client: str, tokens: float, now: float) -> None:
        if client not in self._buckets and len(self._buckets) >= self.max_clients:
            self._forget_full(now)
        self._buckets[client] = (tokens, now)

    def _forget_full(self, now: float) -> None:
        """Drop buckets that have refilled completely (they hold no information)."""
        full_after = self.capacity / self.rate
        for client, (_, last) in list(self._buckets.items()):
            if now - last >= full_after:
                del self._buckets[client]


def retry_after_header(wait_seconds: float) -> str:
    """Whole seconds to wait, at least 1, for the Retry-After header."""
    return str(max(1, math.ceil(wait_seconds)))
