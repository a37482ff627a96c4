"""Soak test: many asks from many clients against a real `reelqa serve`, with a full rebuild in the middle.

Reports throughput, latency percentiles, errors, wrong answers (an answer that differs from the one the same
question got before the soak, or a citation whose quote is not the document's text at its offsets) and the
server's RSS growth (from the point where 10% of the asks are done, after a warm-up at full concurrency, to the
end). Usage: `python -m bench.soak [--asks N] [--clients C] [--gold FILE]` (see `make soak`).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
GOLD_FILES = (ROOT.parent / "shared" / "eval" / "dev.jsonl", ROOT / "tests" / "data" / "extra.jsonl")


def _questions(gold: Path | None) -> list[str]:
    """Every question of the gold sets (the soak checks answers against its own baseline, not the gold)."""
    files = [gold] if gold else [p for p in GOLD_FILES if p.exists()]
    return [json.loads(line)["question"] for f in files for line in f.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _rss_kb(pid: int) -> int:
    """Resident memory of a process, in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


class Soak:
    """One soak run: a server on a copy of the index, client threads, a rebuild at the half-way mark."""

    def __init__(self, asks: int, clients: int, questions: list[str], data_dir: Path, port: int,
                 rebuild: bool = True):
        self.asks, self.clients, self.questions, self.with_rebuild = asks, clients, questions, rebuild
        self.data_dir, self.port = data_dir, port
        self.url = f"http://127.0.0.1:{port}"
        self.env = {**os.environ, "REELQA_DATA_DIR": str(data_dir), "REELQA_RATE_LIMIT_PER_MINUTE": "0",
                    "REELQA_LOG_LEVEL": "WARNING", "HF_HUB_OFFLINE": "1"}
        self.lock = threading.Lock()
        self.issued = 0
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.wrong: list[str] = []
        self.versions: set[str] = set()
        self.baseline: dict[str, str] = {}
        self.texts: dict[tuple[str, str], str] = {}
        self.rebuild: dict = {}
        self.server_pid = 0
        self.rss_warm = 0

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        """Run the console script against the soak's data folder."""
        return subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, env=self.env, capture_output=True,
                              text=True, timeout=3600, check=False)

    def start_server(self) -> subprocess.Popen:
        """`reelqa serve` in its own process, once /readyz says 200."""
        log = self.data_dir.parent / "server.log"
        with open(log, "w") as out:  # the child keeps its own copy of the descriptor
            proc = subprocess.Popen([sys.executable, "-m", "cli", "serve", "--no-build", "--port", str(self.port)],
                                    cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        for _ in range(600):
            if proc.poll() is not None:
                raise SystemExit(f"server exited: {log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=5).status_code == 200:
                    return proc
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        raise SystemExit("server never became ready")

    def check(self, client: httpx.Client, question: str, body: dict) -> str | None:
        """None if the answer matches the baseline and every citation is verbatim, else what is wrong."""
        if question in self.baseline and body["answer"] != self.baseline[question]:
            return f"{question!r}: answer changed to {body['answer'][:80]!r}"
        for cite in body["citations"]:
            key = (body["index_version"], cite["doc_id"])
            if key not in self.texts:
                doc = client.get(f"{self.url}/v1/documents/{cite['doc_id']}", timeout=60)
                if doc.status_code != 200:  # the version moved on: check against the live one
                    return None if doc.status_code == 404 else f"document {cite['doc_id']}: {doc.status_code}"
                self.texts[key] = doc.json()["text"]
            if self.texts[key][cite["start"]:cite["end"]] != cite["quote"]:
                return f"{question!r}: citation {cite['n']} is not verbatim"
        return None

    def take(self) -> int | None:
        """The next ask number, or None when all are issued."""
        with self.lock:
            if self.issued >= self.asks:
                return None
            self.issued += 1
            return self.issued

    def client(self) -> None:
        """One client: asks questions round-robin until the soak's total is reached."""
        with httpx.Client(timeout=300) as client:
            while (n := self.take()) is not None:
                question = self.questions[n % len(self.questions)]
                started = time.perf_counter()
                try:
                    reply = client.post(f"{self.url}/v1/ask", json={"question": question})
                    took = time.perf_counter() - started
                    problem = None if reply.status_code == 200 else f"HTTP {reply.status_code}: {reply.text[:120]}"
                    wrong = self.check(client, question, reply.json()) if problem is None else None
                except (httpx.HTTPError, ValueError) as exc:
                    took, problem, wrong = time.perf_counter() - started, f"{type(exc).__name__}: {exc}", None
                with self.lock:
                    self.latencies.append(took)
                    if problem:
                        self.errors.append(problem)
                    elif wrong:
                        self.wrong.append(wrong)
                    else:
                        self.versions.add(reply.json()["index_version"])
                if n == max(1, self.asks // 10):  # warmed up at full concurrency: the RSS baseline
                    self.rss_warm = _rss_kb(self.server_pid)
                if n == self.asks // 2 and self.with_rebuild:
                    threading.Thread(target=self.rebuild_now, daemon=True).start()

    def rebuild_now(self) -> None:
        """A full rebuild in another process while the clients keep asking."""
        started = time.perf_counter()
        proc = self.cli("index", "rebuild", "--json")
        self.rebuild = {"returncode": proc.returncode, "seconds": round(time.perf_counter() - started, 1),
                        "version": json.loads(proc.stdout)["version"] if proc.returncode == 0 else proc.stderr[-300:]}

    def run(self) -> dict:
        """Build, serve, take the baseline, soak, and report."""
        if self.cli("index", "rebuild").returncode != 0:
            raise SystemExit("the initial index build failed")
        server = self.start_server()
        self.server_pid = server.pid
        try:
            with httpx.Client(timeout=300) as client:
                for question in self.questions:  # the baseline, and a warm server
                    self.baseline[question] = client.post(f"{self.url}/v1/ask", json={"question": question}).json()["answer"]
            rss_before = _rss_kb(server.pid)
            began = time.perf_counter()
            threads = [threading.Thread(target=self.client) for _ in range(self.clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - began
            rss_after = _rss_kb(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
        return self.report(elapsed, rss_before, rss_after)

    def report(self, elapsed: float, rss_before: int, rss_after: int) -> dict:
        """The figures of the run."""
        ms = [t * 1000 for t in self.latencies]
        return {"asks": len(ms), "clients": self.clients, "seconds": round(elapsed, 1),
                "throughput_per_s": round(len(ms) / elapsed, 1),
                "p50_ms": round(statistics.median(ms), 1), "p95_ms": round(_percentile(ms, 95), 1),
                "p99_ms": round(_percentile(ms, 99), 1), "max_ms": round(max(ms), 1),
                "p99_over_p50": round(_percentile(ms, 99) / statistics.median(ms), 2),
                "errors": len(self.errors), "wrong": len(self.wrong), "versions_seen": sorted(self.versions),
                "rebuild": self.rebuild, "rss_mb_start": round(rss_before / 1024, 1),
                "rss_mb_warm": round(self.rss_warm / 1024, 1), "rss_mb_end": round(rss_after / 1024, 1),
                "rss_growth_from_start_pct": round(100 * (rss_after - rss_before) / rss_before, 1),
                "rss_growth_pct": round(100 * (rss_after - self.rss_warm) / self.rss_warm, 1) if self.rss_warm else None,
                "first_errors": self.errors[:5], "first_wrong": self.wrong[:5]}


def main(argv: list[str] | None = None) -> int:
    """Run a soak and print its figures as JSON; exit 1 on any error, wrong answer or >= 10% RSS growth."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--asks", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--gold", type=Path, default=None, help="JSONL file of questions (default: the gold sets)")
    parser.add_argument("--port", type=int, default=0, help="port for the server (default: a free one)")
    parser.add_argument("--no-rebuild", action="store_true", help="measure latency only, without the rebuild")
    args = parser.parse_args(argv)
    top = Path(tempfile.mkdtemp(prefix="reelqa-soak-"))
    try:
        soak = Soak(args.asks, args.clients, _questions(args.gold), top / "data", args.port or _free_port(),
                    not args.no_rebuild)
        figures = soak.run()
    finally:
        shutil.rmtree(top, ignore_errors=True)
    print(json.dumps(figures, indent=1))
    ok = figures["errors"] == 0 and figures["wrong"] == 0 and (figures["rss_growth_pct"] or 0) < 10
    ok = ok and (args.no_rebuild or figures["rebuild"].get("returncode") == 0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
