"""An LRU cache of query embeddings: a repeated question skips the model entirely."""
from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

from rag.embedder import Embedder


class CachingEmbedder:
    """Wraps an Embedder; remembers the vectors of the last `size` distinct texts (0 turns caching off)."""

    def __init__(self, inner: Embedder, size: int = 1024):
        self.inner, self.size = inner, size
        self.name, self.max_tokens = inner.name, inner.max_tokens
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def token_offsets(self, text: str) -> list[tuple[int, int]]:
        """Delegated to the wrapped model."""
        return self.inner.token_offsets(text)

    def embed(self, texts: list[str]) -> np.ndarray:
        """Vectors for the texts: cached ones are copied, the rest come from one call to the wrapped model."""
        texts = list(texts)
        found: dict[int, np.ndarray] = {}
        with self._lock:
            for i, text in enumerate(texts):
                vector = self._vectors.get(text)
                if vector is not None:
                    self._vectors.move_to_end(text)
                    found[i] = vector
            self.hits += len(found)
            self.misses += len(texts) - len(found)
        missing = [i for i in range(len(texts)) if i not in found]
        if not missing:
            return np.stack([found[i] for i in range(len(texts))]) if texts else self.inner.embed([])
        computed = self.inner.embed([texts[i] for i in missing])
        self._remember({texts[i]: computed[j] for j, i in enumerate(missing)})
        if not found:
            return computed
        out = np.empty((len(texts), computed.shape[1]), dtype=computed.dtype)
        out[missing] = computed
        for i, vector in found.items():
            out[i] = vector
        return out

    def _remember(self, vectors: dict[str, np.ndarray]) -> None:
        if self.size <= 0:
            return
        with self._lock:
            for text, vector in vectors.items():
                vector = np.array(vector, copy=True)
                vector.setflags(write=False)
                self._vectors[text] = vector
                self._vectors.move_to_end(text)
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
