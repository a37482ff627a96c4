"""One measured step per process (so memory and start-up are the step's own): `python -m bench.probe STEP ...`.

Every step prints one JSON line with its figures on stdout.
"""
from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

STARTED = time.time()


def peak_rss_mb() -> float:
    """Peak resident memory of this process (MB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def rss_mb(pid: int | str = "self") -> float:
    """Current resident memory of a process (MB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


class StageClock:
    """A progress callback that records when each stage starts and ends and how many items it had."""

    def __init__(self):
        self.stages: dict[str, dict] = {}

    def __call__(self, stage: str, done: int, total: int, *_, **__) -> None:
        now = time.perf_counter()
        entry = self.stages.setdefault(stage, {"first": now, "items": 0})
        entry["last"], entry["items"] = now, max(entry["items"], done)

    def summary(self) -> dict:
        """Seconds and item counts per stage."""
        return {k: {"s": round(v["last"] - v["first"], 2), "items": v["items"]} for k, v in self.stages.items()}


def build_stock(corpus: str, persist: str) -> dict:
    """Stock pipeline: load the model, then split + embed + store everything."""
    from bench import stock

    t0 = time.perf_counter()
    model = stock.embeddings()
    t1 = time.perf_counter()
    texts = stock.load_texts(Path(corpus))  # reading the documents is part of a build, as it is in reelqa's
    t_loaded = time.perf_counter()
    _, chunks = stock.build(texts, model, Path(persist))
    t2 = time.perf_counter()
    return {"model_load_s": round(t1 - t0, 2), "build_s": round(t2 - t1, 2), "load_s": round(t_loaded - t1, 2),
            "chunks": chunks,
            "texts_embedded": chunks, "chars": sum(len(t) for _, t in texts), "documents": len(texts),
            "peak_rss_mb": peak_rss_mb(), "torch_threads": _torch_threads()}


def build_reelqa(corpus: str, data: str, mode: str) -> dict:
    """reelqa: load the models, then a full rebuild (`full`) or an incremental update (`update`)."""
    from cli.compose import Components
    from rag.settings import Settings

    parts = Components(Settings(_env_file=None, corpus_dir=Path(corpus), data_dir=Path(data)))
    t0 = time.perf_counter()
    parts.embedder.embed(["warm up"])
    if parts.multilingual is not None:
        parts.multilingual.embed(["warm up"])
    t1 = time.perf_counter()
    clock = StageClock()
    profiler = _profiler()
    report = parts.reindex(full=mode == "full", progress=clock)
    t2 = time.perf_counter()
    profile = ""
    if profiler is not None:
        profiler.stop()
        profile = profiler.output_text(unicode=False, color=False, show_all=False)[:5000]
    manifest = parts.versions.manifest(report.version)
    chars = sum(len((parts.versions.folder(report.version) / "texts" / f"{d['doc_id']}.txt").read_text())
                for d in manifest["documents"].values())
    return {"model_load_s": round(t1 - t0, 2), "build_s": round(t2 - t1, 2), "chunks": report.chunks,
            "texts_embedded": report.embedded, "counts": manifest["counts"], "chars": chars,
            "documents": report.documents, "stages": clock.summary(), "peak_rss_mb": peak_rss_mb(),
            "load_s": clock.summary().get("load", {}).get("s"), "profile": profile,
            "torch_threads": _torch_threads()}


def _profiler():
    """A started pyinstrument profiler (10 ms samples), or None when pyinstrument is not installed."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        return None
    profiler = Profiler(interval=0.01)
    profiler.start()
    return profiler


def serve_stock(persist: str, questions_file: str, repeat: str = "3") -> dict:
    """Stock serving: load the model, open the store, answer questions in-process (retrieval only)."""
    from bench import stock

    model = stock.embeddings()
    model.embed_query("warm up")
    loaded = time.time()
    retriever = stock.open_retriever(model, Path(persist))
    retriever.invoke("warm up")
    first = time.time()
    qs = json.loads(Path(questions_file).read_text())
    lat = {}
    for lang, items in qs.items():
        times = []
        for _ in range(int(repeat)):
            for q in items:
                t = time.perf_counter()
                retriever.invoke(q)
                times.append(time.perf_counter() - t)
        lat[lang] = times
    every = [t for times in lat.values() for t in times]
    return {"started": STARTED, "model_loaded": loaded, "first_result": first,
            "latency_s": lat, "rate_per_s": round(len(every) / sum(every), 2),
            "rss_mb": rss_mb(), "peak_rss_mb": peak_rss_mb(), "median_ms": round(statistics.median(every) * 1000, 2)}


def _torch_threads() -> int:
    import torch

    return torch.get_num_threads()


STEPS = {"build-stock": build_stock, "build-reelqa": build_reelqa, "serve-stock": serve_stock}

if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    print(json.dumps(STEPS[sys.argv[1]](*sys.argv[2:])), flush=True)
