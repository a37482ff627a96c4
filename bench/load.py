"""HTTP load from its own process: `python -m bench.load URL QUESTIONS_JSON CLIENTS REQUESTS` prints one JSON line.

Each client is a thread with its own keep-alive connection; the run is bounded by REQUESTS and a timeout.
"""
from __future__ import annotations

import http.client
import json
import sys
import threading
import time
from urllib.parse import urlparse


def _client(url, questions: list[str], count: int, out: list, errors: list, deadline: float) -> None:
    parsed = urlparse(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
    for i in range(count):
        if time.monotonic() > deadline:
            errors.append("deadline")
            break
        body = json.dumps({"question": questions[i % len(questions)]})
        start = time.perf_counter()
        try:
            conn.request("POST", parsed.path, body, {"Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors.append(response.status)
                continue
        except (OSError, http.client.HTTPException) as exc:
            errors.append(type(exc).__name__)
            conn.close()
            conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
            continue
        out.append(time.perf_counter() - start)
    conn.close()


def run(url: str, questions: list[str], clients: int, requests: int, timeout_s: float = 600) -> dict:
    """Send `requests` questions split over `clients` concurrent connections; rate, errors, latencies."""
    latencies, errors, threads = [], [], []
    deadline = time.monotonic() + timeout_s
    per_client = [requests // clients + (1 if i < requests % clients else 0) for i in range(clients)]
    start = time.perf_counter()
    for i, count in enumerate(per_client):
        rotated = questions[i % len(questions):] + questions[:i % len(questions)]
        thread = threading.Thread(target=_client, args=(url, rotated, count, latencies, errors, deadline))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    return {"clients": clients, "requests": requests, "ok": len(latencies), "errors": len(errors),
            "error_kinds": sorted({str(e) for e in errors}), "seconds": round(elapsed, 3),
            "rate_per_s": round(len(latencies) / elapsed, 2), "latency_s": latencies}


if __name__ == "__main__":
    url, qfile, clients, requests = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    with open(qfile) as handle:
        qs = json.load(handle)
    print(json.dumps(run(url, qs, clients, requests)), flush=True)
