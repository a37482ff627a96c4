"""Merge concurrent embedding calls into one model call (no added wait: batches form while the model is busy)."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np

from rag.embedder import Embedder


@dataclass
class _Request:
    texts: list[str]
    done: bool = False
    result: np.ndarray | None = None
    error: BaseException | None = None
    owner: int = field(default_factory=threading.get_ident)


class BatchingEmbedder:
    """Wraps an Embedder: threads that call `embed` while the model is busy are served together next."""

    def __init__(self, inner: Embedder, max_texts: int = 64):
        self.inner, self.max_texts = inner, max_texts
        self.name, self.max_tokens = inner.name, inner.max_tokens
        self._cond = threading.Condition()
        self._pending: list[_Request] = []
        self._leader_active = False
        self.model_calls = 0

    def token_offsets(self, text: str) -> list[tuple[int, int]]:
        """Delegated to the wrapped model."""
        return self.inner.token_offsets(text)

    def embed(self, texts: list[str]) -> np.ndarray:
        """Vectors for the texts; the first waiting caller runs the model for everyone queued."""
        request = _Request(list(texts))
        with self._cond:
            self._pending.append(request)
            while not request.done and self._leader_active:
                self._cond.wait()
            if not request.done:
                self._leader_active = True
        if not request.done:
            self._lead()
        if request.error is not None:
            raise request.error
        return request.result  # type: ignore[return-value]

    def _lead(self) -> None:
        try:
            while True:
                with self._cond:
                    batch, size = [], 0  # type: ignore[var-annotated]
                    while self._pending and (not batch or size + len(self._pending[0].texts) <= self.max_texts):
                        size += len(self._pending[0].texts)
                        batch.append(self._pending.pop(0))
                    if not batch:
                        return
                self._run(batch)
                with self._cond:
                    self._cond.notify_all()
        finally:
            with self._cond:
                self._leader_active = False
                self._cond.notify_all()

    def _run(self, batch: list[_Request]) -> None:
        texts = [t for request in batch for t in request.texts]
        try:
            vectors = self.inner.embed(texts)
            self.model_calls += 1
        except BaseException as exc:  # every waiting caller gets the model's error
            for request in batch:
                request.error, request.done = exc, True
            return
        start = 0
        for request in batch:
            request.result = vectors[start:start + len(request.texts)]
            request.done = True
            start += len(request.texts)
