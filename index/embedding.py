"""Embedding a build's new texts: each distinct text once, longest first, on every core, stoppable by Ctrl-C."""
from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from rag.embedder import Embedder

Progress = Callable[[str, int, int], None]
EMBED_BATCH = 64


def default_workers() -> int:
    """One embedding thread per core (each model runs one intra-op thread), at most 4."""
    return max(1, min(os.cpu_count() or 1, 4))


def _jobs(texts: dict[str, list[str]]) -> list[tuple[str, list[str]]]:
    """Batches of each model's distinct texts, longest first (similar lengths pad less; the ETA stays safe),
    interleaved across models so that the workers mostly run different models at once."""
    queues = {}
    for kind, items in texts.items():
        distinct = sorted(set(items), key=lambda t: -len(t))
        queues[kind] = [distinct[i:i + EMBED_BATCH] for i in range(0, len(distinct), EMBED_BATCH)]
    jobs: list[tuple[str, list[str]]] = []
    longest = max((len(q) for q in queues.values()), default=0)
    for i in range(longest):
        jobs += [(kind, q[i]) for kind, q in queues.items() if i < len(q)]
    return jobs


def embed_distinct(embedders: dict[str, Embedder], texts: dict[str, list[str]], progress: Progress,
                   workers: int | None = None) -> dict[str, dict[str, np.ndarray]]:
    """Vectors of every distinct text per model, keyed by text.

    Worker threads take the next batch from one shared list (a model that allows concurrent calls, like the
    ONNX backend, runs on several cores; others take turns behind their lock). An exception or Ctrl-C in the
    calling thread stops the workers after their current batch.
    """
    jobs = _jobs(texts)
    totals = {kind: sum(len(b) for k, b in jobs if k == kind) for kind in texts}
    done = dict.fromkeys(texts, 0)
    vectors: dict[str, dict[str, np.ndarray]] = {kind: {} for kind in texts}
    lock, stop, position = threading.Lock(), threading.Event(), iter(range(len(jobs)))
    for kind, total in totals.items():
        if total:
            progress(f"embed {kind}", 0, total)

    def work() -> None:
        while not stop.is_set():
            with lock:
                index = next(position, None)
            if index is None:
                return
            kind, batch = jobs[index]
            found = embedders[kind].embed(batch)
            with lock:
                vectors[kind].update(zip(batch, found))
                done[kind] += len(batch)
                progress(f"embed {kind}", done[kind], totals[kind])

    pool = ThreadPoolExecutor(max(1, workers or default_workers()), thread_name_prefix="embed")
    try:
        futures = [pool.submit(work) for _ in range(pool._max_workers)]
        for future in futures:
            future.result()
    finally:
        stop.set()
        pool.shutdown(wait=False, cancel_futures=True)
    return vectors
