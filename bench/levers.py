"""Lever measurements (in one process, after the side-by-side runs): each against its own baseline."""
from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = int(os.environ.get("BENCH_LEVER_TEXTS", "1500"))


def sample_texts(corpus: Path, limit: int = SAMPLE) -> list[str]:
    """Sentences of the bench corpus in document order (what a build embeds most of)."""
    from index.loaders import find_documents, load_document

    texts = []
    for path in find_documents(corpus):
        text = load_document(path, corpus).text
        texts += [s.strip() for s in re.split(r"(?<=[.!?。？！])\s+|\n+", text) if len(s.strip()) > 3]
        if len(texts) >= limit:
            break
    return texts[:limit]


def _rate(fn, texts: list[str], batch: int = 64) -> float:
    start = time.perf_counter()
    for i in range(0, len(texts), batch):
        fn(texts[i:i + batch])
    return len(texts) / (time.perf_counter() - start)


def _lever(name, baseline, with_lever, ratio, kept, note="") -> dict:
    return {"lever": name, "baseline": baseline, "with": with_lever,
            "ratio": None if ratio is None else round(ratio, 3), "kept": kept, "note": note}


def backends(texts: list[str], torch_model) -> list[dict]:
    """torch vs ONNX (fp32 and int8) on the same texts: texts/s and worst cosine to torch's vectors."""
    from rag.embedder import SentenceTransformerEmbedder
    from rag.errors import ConfigError

    reference = torch_model.embed(texts)
    base = _rate(torch_model.embed, texts)
    rows = []
    for backend in ("onnx", "onnx-int8"):
        try:
            model = SentenceTransformerEmbedder(backend=backend)
        except ConfigError as exc:  # e.g. the export needs the onnx package: reported, not fatal
            rows.append(_lever(f"embedding backend {backend}", f"{base:.0f} texts/s (torch)", "unavailable",
                               None, "no", f"{type(exc).__name__}: {exc}"[:160]))
            continue
        rate = _rate(model.embed, texts)
        worst = float(np.min(np.sum(model.embed(texts) * reference, axis=1)))
        kept = "yes (default)" if rate > base and worst > 0.999 else "no"
        rows.append(_lever(f"embedding backend {backend} (build texts/s)", f"{base:.0f} (torch)", f"{rate:.0f}",
                           rate / base, kept, f"min cosine to torch vectors {worst:.4f}"))
    return rows


def length_sorting(texts: list[str], model) -> dict:
    """Batches of 64 in document order vs sorted by length (less padding)."""
    unsorted = _rate(model.embed, texts)
    ordered = _rate(model.embed, sorted(texts, key=len, reverse=True))
    return _lever("sort texts by length before batching (texts/s)", f"{unsorted:.0f}", f"{ordered:.0f}",
                  ordered / unsorted, "yes" if ordered > unsorted else "no", "index/build.py sorts new texts")


def query_cache(questions: list[str], model) -> dict:
    """Question embedding time: first time (model) vs repeated (LRU cache)."""
    from rag.embedding_cache import CachingEmbedder

    cached = CachingEmbedder(model, 1024)
    cached.embed(["warm up"])
    cold, warm = [], []
    for q in questions:
        t = time.perf_counter()
        cached.embed([q])
        cold.append(time.perf_counter() - t)
    for q in questions:
        t = time.perf_counter()
        cached.embed([q])
        warm.append(time.perf_counter() - t)
    c, w = statistics.median(cold) * 1000, statistics.median(warm) * 1000
    return _lever("LRU cache of question embeddings (median ms per question)", f"{c:.2f}", f"{w:.4f}", w / c,
                  "yes", "only repeated questions benefit; off in the target rows above")


def _worker_embed(texts: list[str]) -> int:
    from rag.embedder import SentenceTransformerEmbedder

    model = SentenceTransformerEmbedder()
    for i in range(0, len(texts), 64):
        model.embed(texts[i:i + 64])
    return len(texts)


def worker_processes(texts: list[str]) -> dict:
    """One process vs two worker processes (each loading the model) embedding the same texts."""
    start = time.perf_counter()
    _worker_embed(texts)
    one = len(texts) / (time.perf_counter() - start)
    start = time.perf_counter()
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_worker_embed, [texts[0::2], texts[1::2]]))
    two = len(texts) / (time.perf_counter() - start)
    return _lever("2 embedding worker processes vs 1 (texts/s, model loads included)", f"{one:.0f}", f"{two:.0f}",
                  two / one, "no" if two < 1.2 * one else "consider",
                  f"{os.cpu_count()} cores shared with other work; load {os.getloadavg()[0]:.1f}")


def import_time() -> dict:
    """Wall time of `reelqa --help` (imports only) vs a process that imports the serving stack."""
    reelqa = str(Path(sys.executable).with_name("reelqa"))
    times = {}
    for name, cmd in (("help", [reelqa, "--help"]),
                      ("serving imports", [sys.executable, "-c", "import cli.compose, api.app, rag.service"])):
        runs = []
        for _ in range(3):
            t = time.perf_counter()
            subprocess.run(cmd, capture_output=True, cwd=ROOT, check=True)
            runs.append(time.perf_counter() - t)
        times[name] = min(runs)
    return _lever("lazy imports: `reelqa --help` vs importing the serving stack (s)",
                  f"{times['serving imports']:.2f}", f"{times['help']:.2f}",
                  times["help"] / times["serving imports"], "yes", "models, torch and Chroma load on first use")


def profile_chinese(data: Path, corpus: Path, questions: list[str]) -> str:
    """pyinstrument profile of answering the Chinese questions in-process (after one warm-up pass)."""
    from pyinstrument import Profiler

    from cli.compose import Components
    from rag.settings import Settings

    parts = Components(Settings(_env_file=None, data_dir=data, corpus_dir=corpus, query_cache_size=0))
    for q in questions:
        parts.service.ask(q)
    profiler = Profiler(interval=0.001)
    profiler.start()
    for q in questions * 2:
        parts.service.ask(q)
    profiler.stop()
    return profiler.output_text(unicode=False, color=False, show_all=False)[:6000]


def measure_levers(corpus: Path) -> tuple[list[dict], str]:
    """Every lever's row, and the Chinese-path profile text."""
    from bench.corpus import questions
    from rag.embedder import SentenceTransformerEmbedder

    texts = sample_texts(corpus)
    qs = questions()
    model = SentenceTransformerEmbedder()
    model.embed(["warm up"])
    rows = backends(texts, model) + [length_sorting(texts, model), query_cache(qs["english"], model),
                                     worker_processes(texts), import_time()]
    profile = profile_chinese(corpus.parent / "data", corpus, qs["chinese"])
    return rows, profile
