"""Serving measurements: `reelqa serve` in its own process, load from other processes; the stock probe alike."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.probe import rss_mb

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def free_port() -> int:
    """An unused loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ask(url: str, question: str, timeout: float = 60) -> tuple[int, float]:
    """POST one question; (status, seconds)."""
    body = json.dumps({"question": question}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            return response.status, time.perf_counter() - start
    except urllib.error.HTTPError as exc:
        return exc.code, time.perf_counter() - start


def ask_took(url: str, question: str, timeout: float = 60) -> tuple[float, float]:
    """POST one question; (seconds at the client, the answer's own `took_ms` / 1000: the service's share)."""
    body = json.dumps({"question": question}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=timeout) as response:
        took = json.loads(response.read())["took_ms"] / 1000
    return time.perf_counter() - start, took


def reelqa_env(corpus: Path, data: Path) -> dict:
    """Environment of a benchmarked reelqa process (no rate limit, quiet logs, offline)."""
    return {**os.environ, "REELQA_CORPUS_DIR": str(corpus), "REELQA_DATA_DIR": str(data),
            "REELQA_RATE_LIMIT_PER_MINUTE": "0", "REELQA_QUERY_CACHE_SIZE": "0",
            "REELQA_LOG_LEVEL": "WARNING", "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1"}


def _wait_first_answer(proc, url: str, question: str, limit_s: float = 600) -> float:
    deadline = time.time() + limit_s
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"reelqa serve exited with {proc.returncode}")
        try:
            status, _ = ask(url, question, timeout=30)
            if status == 200:
                return time.time()
        except OSError:
            pass
        time.sleep(0.02)
    raise RuntimeError("reelqa serve gave no answer in time")


def measure_reelqa(corpus: Path, data: Path, qs: dict[str, list[str]], repeat: int,
                   concurrency: list[int], per_level: int) -> dict:
    """Start to first answer, sequential latency per language, throughput per concurrency, RSS."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/v1/ask"
    reelqa = str(Path(PY).with_name("reelqa"))
    started = time.time()
    proc = subprocess.Popen([reelqa, "serve", "--no-build", "--port", str(port)], env=reelqa_env(corpus, data),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        first = _wait_first_answer(proc, url, qs["english"][0])
        latency: dict[str, list[float]] = {lang: [] for lang in qs}
        service: dict[str, list[float]] = {lang: [] for lang in qs}
        for lang, items in qs.items():
            for _ in range(repeat):
                for q in items:
                    client, took = ask_took(url, q)
                    latency[lang].append(client)
                    service[lang].append(took)
        qfile = data / "bench-questions.json"
        qfile.write_text(json.dumps(qs["english"] + qs["chinese"]))
        levels = []
        for clients in concurrency:
            out = subprocess.run([PY, "-m", "bench.load", url, str(qfile), str(clients),
                                  str(max(per_level, clients * 4))], capture_output=True, text=True, cwd=ROOT,
                                 timeout=900, check=True)
            levels.append(json.loads(out.stdout.strip().splitlines()[-1]))
        rss = rss_mb(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    return {"start_to_first_answer_s": round(first - started, 2), "latency_s": latency, "service_s": service,
            "concurrency": levels, "rss_mb": rss}


def measure_stock(persist: Path, qs: dict[str, list[str]], repeat: int, workdir: Path) -> dict:
    """The stock probe in its own process: start to loaded model, in-process retrieval latency, RSS."""
    qfile = workdir / "stock-questions.json"
    qfile.write_text(json.dumps(qs))
    started = time.time()
    out = subprocess.run([PY, "-m", "bench.probe", "serve-stock", str(persist), str(qfile), str(repeat)],
                         capture_output=True, text=True, cwd=ROOT, timeout=1800, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["start_to_loaded_model_s"] = round(result["model_loaded"] - started, 2)
    result["start_to_first_result_s"] = round(result["first_result"] - started, 2)
    return result
