"""Benchmarks, reported as ratios (machine-independent) plus the raw figures: `make bench`.

1. Incremental update on an unchanged corpus vs a full rebuild.
2. Answer quality side by side: reelqa vs a dense-only "top chunk" retriever (the LangChain-tutorial baseline),
   both over the same Chroma index, on the dev gold set.
3. Query latency in-process vs over real HTTP, and HTTP throughput with 1 vs 4 concurrent clients.
4. Query embedding latency with 1 vs 2 torch threads while another process keeps a core busy.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import socket
import statistics
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT.parent / "shared" / "eval" / "dev.jsonl"
OUT = ROOT / "bench" / "results.md"


def _timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


def bench_indexing(parts) -> dict:
    """Full rebuild vs unchanged incremental update (models loaded beforehand)."""
    parts.embedder.embed(["warm up"])
    if parts.multilingual is not None:
        parts.multilingual.embed(["warm up"])
    full, t_full = _timed(parts.reindex, True)
    inc, t_inc = _timed(parts.reindex, False)
    return {"rebuild_s": round(t_full, 2), "update_unchanged_s": round(t_inc, 2),
            "embedded_rebuild": full.embedded, "embedded_update": inc.embedded,
            "ratio_rebuild_over_update": round(t_full / t_inc, 1)}


def bench_quality(parts, gold: list[dict]) -> dict:
    """hit@1 and answer accuracy of reelqa vs the dense top-chunk baseline."""
    from rag.evaluate import evaluate, norm
    from rag.schemas import Answer, Citation

    view = parts.service.view()

    def baseline(question: str) -> Answer:
        vector = parts.embedder.embed([question])[0]
        hits = view.store.query("chunks", vector, 1)
        chunk = view.chunks[view.chunk_pos[hits[0][0]]]
        cite = Citation(n=1, doc_id=chunk.doc_id, source=chunk.source, quote=chunk.text, start=chunk.start,
                        end=chunk.end, passage=chunk.text)
        return Answer(question=question, answer=chunk.text + " [1]", answered=True, citations=[cite])

    ours = evaluate(gold, parts.service.ask, parts.settings.corpus_dir)
    base = evaluate(gold, baseline, parts.settings.corpus_dir)
    keys = ("answer_acc", "supported_acc", "hit@1", "abstain_acc", "p50_ms")
    return {"reelqa": {k: ours[k] for k in keys}, "dense_top_chunk": {k: base[k] for k in keys},
            "note": "the baseline's answer is a whole chunk (> 600 characters fails answer_acc) and never abstains",
            "_norm": norm("")}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _post(url: str, question: str) -> float:
    body = json.dumps({"question": question}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
    return time.perf_counter() - start


def bench_http(parts, questions: list[str]) -> dict:
    """In-process vs HTTP latency; HTTP throughput at 1 and 4 concurrent clients."""
    import asyncio

    import uvicorn

    from api.app import create_app

    settings = parts.settings.model_copy(update={"rate_limit_per_minute": 0})
    app = create_app(parts.service, parts.feedback, settings)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}/v1/ask"
    local = [_timed(parts.service.ask, q)[1] for q in questions]
    remote = [_post(url, q) for q in questions]
    rates = {}
    for clients in (1, 4):
        batch = questions * 2
        start = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(lambda q: _post(url, q), batch))
        rates[clients] = len(batch) / (time.perf_counter() - start)
    server.should_exit = True
    thread.join(timeout=10)
    return {"inprocess_p50_ms": round(statistics.median(local) * 1000, 1),
            "http_p50_ms": round(statistics.median(remote) * 1000, 1),
            "ratio_http_over_inprocess": round(statistics.median(remote) / statistics.median(local), 2),
            "qps_1_client": round(rates[1], 1), "qps_4_clients": round(rates[4], 1),
            "ratio_4_over_1_clients": round(rates[4] / rates[1], 2)}


def _burn(stop):
    while not stop.is_set():
        sum(i * i for i in range(10_000))


def bench_threads(parts) -> dict:
    """Per-query embedding latency with 1 vs 2 torch threads while one core is busy."""
    import torch

    stop = multiprocessing.Event()
    burner = multiprocessing.Process(target=_burn, args=(stop,))
    burner.start()
    result = {}
    try:
        for threads in (1, 2):
            torch.set_num_threads(threads)
            parts.embedder.embed(["warm up"])
            times = [_timed(parts.embedder.embed, [f"How many paying users does Jimeng have {i}?"])[1]
                     for i in range(30)]
            result[f"embed_p50_ms_{threads}_threads"] = round(statistics.median(times) * 1000, 1)
    finally:
        stop.set()
        burner.join()
        torch.set_num_threads(parts.settings.torch_threads)
    result["ratio_2_over_1_threads"] = round(result["embed_p50_ms_2_threads"] / result["embed_p50_ms_1_threads"], 2)
    return result


def main() -> None:
    """Run every benchmark on a temporary data folder and write bench/results.md."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from cli.compose import Components
    from rag.evaluate import load_gold
    from rag.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        parts = Components(Settings(_env_file=None, data_dir=Path(tmp), corpus_dir=ROOT / "corpus"))
        gold = load_gold(GOLD) if GOLD.exists() else load_gold(ROOT / "tests" / "data" / "extra.jsonl")
        results = {"indexing": bench_indexing(parts), "quality": bench_quality(parts, gold),
                   "http": bench_http(parts, [g["question"] for g in gold]), "threads": bench_threads(parts)}
    results["quality"].pop("_norm")
    machine = f"{os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}"
    lines = [f"# Benchmark results ({machine})", "", "Generated by `make bench`; ratios travel between machines,",
             "raw figures do not.", "", "```json", json.dumps(results, indent=1), "```", ""]
    OUT.write_text("\n".join(lines))
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
