"""Concurrent embedding calls are merged into fewer model calls and get exactly their own vectors."""
import threading

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
