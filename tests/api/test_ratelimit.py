"""The token bucket on its own, with a fake clock."""
from __future__ import annotations

from api.ratelimit import TokenBucketLimiter, retry_after_header


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_bucket_allows_a_burst_then_refills_continuously():
    clock = FakeClock()
    limiter = TokenBucketLimiter(60, clock=clock)  # one token a second
    assert [limiter.acquire("a") for _ in range(60)] == [0.0] * 60
    wait = limiter.acquire("a")
    assert 0.99 <= wait <= 1.0
    clock.now += 0.5
    assert 0.49 <= limiter.acquire("a") <= 0.51
    clock.now += 0.5
    assert limiter.acquire("a") == 0.0
    assert limiter.acquire("b") == 0.0, "clients have separate buckets"


def test_zero_means_off():
    limiter = TokenBucketLimiter(0)
    assert not limiter.enabled
    assert all(limiter.acquire("a") == 0.0 for _ in range(1000))


def test_full_buckets_are_forgotten_when_many_clients_appear():
    clock = FakeClock()
    limiter = TokenBucketLimiter(6, clock=clock, max_clients=3)
    for client in "abc":
        limiter.acquire(client)
    clock.now += 60
    limiter.acquire("d")
    assert set(limiter._buckets) == {"d"}


def test_retry_after_is_whole_seconds_at_least_one():
    assert retry_after_header(0.01) == "1"
    assert retry_after_header(1.2) == "2"
