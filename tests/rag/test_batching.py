"""Concurrent embedding calls are merged into fewer model calls and get exactly their own vectors."""
import threading
import time

import numpy as np
import pytest

from rag.batching import BatchingEmbedder


def test_concurrent_calls_share_model_calls_and_get_their_own_vectors(embedder):
    batching = BatchingEmbedder(embedder)
    questions = [f"How many paying users does Jimeng have in month {i}?" for i in range(24)]
    expected = embedder.embed(questions)
    results: dict[int, np.ndarray] = {}
    barrier = threading.Barrier(len(questions))

    def ask(i):
        barrier.wait()
        results[i] = batching.embed([questions[i]])[0]

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(questions))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i, vector in results.items():
        assert np.allclose(vector, expected[i], atol=1e-5)
    assert batching.model_calls < len(questions)


def test_a_model_error_reaches_every_caller_and_the_wrapper_recovers(embedder):
    class Failing:
        name, max_tokens = "x", 10

        def __init__(self):
            self.fail = True

        def embed(self, texts):
            if self.fail:
                raise RuntimeError("model broke")
            return embedder.embed(texts)

    inner = Failing()
    batching = BatchingEmbedder(inner)
    with pytest.raises(RuntimeError, match="model broke"):
        batching.embed(["a"])
    inner.fail = False
    assert batching.embed(["a", "b"]).shape == (2, 384)


class _Recording:
    """The real model, recording which thread ran each model call."""

    def __init__(self, inner):
        self.inner, self.name, self.max_tokens = inner, inner.name, inner.max_tokens
        self.callers: list[int] = []

    def embed(self, texts):
        self.callers.append(threading.get_ident())
        return self.inner.embed(texts)


def test_each_caller_returns_once_its_own_vectors_are_ready(embedder):
    """Issue 8 item 6: the leader used to keep running the model for callers queued after it (111 s tails)."""
    inner = _Recording(embedder)
    batching = BatchingEmbedder(inner)
    calls_per_thread, rounds = {}, 12
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def client(i):
        barrier.wait()
        me = threading.get_ident()
        for r in range(rounds):
            started = time.perf_counter()
            vector = batching.embed([f"question {i} round {r} about paying users"])
            with lock:
                latencies.append(time.perf_counter() - started)
                calls_per_thread[me] = calls_per_thread.get(me, 0) + 1
            assert vector.shape == (1, 384)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    total = time.perf_counter() - began
    for thread_id in set(inner.callers):
        # a caller runs at most one model call per call of its own (its batch), never batches queued after it
        assert inner.callers.count(thread_id) <= calls_per_thread[thread_id]
    assert max(latencies) < total / 3, "one caller was kept working for the others"
