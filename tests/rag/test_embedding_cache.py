"""The LRU cache of question embeddings, over the real model."""
from __future__ import annotations

import numpy as np

from rag.embedding_cache import CachingEmbedder


class CountingEmbedder:
    """Passes through to the real model and counts the texts it was asked to embed."""

    def __init__(self, inner):
        self.inner, self.name, self.max_tokens = inner, inner.name, inner.max_tokens
        self.texts_embedded = 0

    def embed(self, texts):
        self.texts_embedded += len(texts)
        return self.inner.embed(texts)

    def token_offsets(self, text):
        return self.inner.token_offsets(text)


def test_cached_vectors_equal_the_models_and_repeats_skip_it(embedder):
    counting = CountingEmbedder(embedder)
    cache = CachingEmbedder(counting, size=8)
    questions = ["How many users are there?", "Who won the prize?", "When was it founded?"]
    first = cache.embed(questions)
    assert np.allclose(first, embedder.embed(questions), atol=1e-5)
    assert counting.texts_embedded == 3
    mixed = cache.embed(["Who won the prize?", "A new question?", "How many users are there?"])
    assert counting.texts_embedded == 4  # only the new question reached the model
    assert np.allclose(mixed[0], first[1], atol=1e-6) and np.allclose(mixed[2], first[0], atol=1e-6)
    assert np.allclose(mixed[1], embedder.embed(["A new question?"])[0], atol=1e-5)
    assert (cache.hits, cache.misses) == (2, 4)


def test_least_recently_used_is_evicted_and_size_zero_caches_nothing(embedder):
    counting = CountingEmbedder(embedder)
    cache = CachingEmbedder(counting, size=2)
    cache.embed(["a"]), cache.embed(["b"]), cache.embed(["a"]), cache.embed(["c"])  # evicts "b"
    assert counting.texts_embedded == 3
    cache.embed(["a"])
    assert counting.texts_embedded == 3
    cache.embed(["b"])
    assert counting.texts_embedded == 4
    off = CachingEmbedder(counting, size=0)
    off.embed(["a"]), off.embed(["a"])
    assert counting.texts_embedded == 6
    assert off.embed([]).shape[0] == 0


def test_returned_vectors_cannot_corrupt_the_cache(embedder):
    cache = CachingEmbedder(embedder, size=4)
    vector = cache.embed(["a question"])
    vector[:] = 0
    again = cache.embed(["a question"])
    assert np.linalg.norm(again[0]) > 0.99
