"""The bench harness on a tiny corpus: both pipelines run and every row of the table and JSON is produced."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

TARGETS = ("index build throughput", "peak memory while building", "incremental update after changing 1 file",
           "POST /v1/ask median", "POST /v1/ask p95", "Chinese vs English over HTTP",
           "concurrent HTTP clients", "serving process resident memory", "process start to first answer")
LEVERS = ("embedding backend onnx", "sort texts by length", "LRU cache of question embeddings",
          "embedding worker processes", "lazy imports", "build time spent on `embed sentences`")
TOPICS = ("queues", "sockets", "archives")


def _pages(folder):
    """Three small HTML pages, each a few paragraphs about one topic."""
    folder.mkdir()
    for i, topic in enumerate(TOPICS):
        paragraphs = "".join(
            f"<p>The {topic} module offers function number {n}. It returns a value of type {topic}-{n}. "
            f"Call it with a timeout of {n + i} seconds when the {topic} are busy.</p>" for n in range(12))
        (folder / f"{topic}.html").write_text(f"<html><head><title>{topic}</title></head><body><h1>{topic}</h1>"
                                              f"{paragraphs}</body></html>", encoding="utf-8")


@pytest.mark.integration
@pytest.mark.slow
def test_bench_harness_writes_table_json_and_plots_with_every_row(tmp_path):
    _pages(tmp_path / "pages")
    out = tmp_path / "out"
    env = {**os.environ, "BENCH_PYDOC_DIR": str(tmp_path / "pages"), "BENCH_PAGES": "3", "BENCH_CORPORA": "pydoc",
           "BENCH_REPEAT": "1", "BENCH_CONCURRENCY": "1,2", "BENCH_REQUESTS": "4", "BENCH_LEVER_TEXTS": "48",
           "BENCH_OUT": str(out), "OMP_NUM_THREADS": "1"}
    proc = subprocess.run([sys.executable, "-m", "bench.run"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=1500, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]

    results = json.loads((out / "results.json").read_text())
    rows = results["rows"]
    for target in TARGETS:
        row = next((r for r in rows if target in r["what"]), None)
        assert row is not None, f"no row for {target}"
        assert isinstance(row["ratio"], float) and row["ratio"] > 0, row
    assert all(r["met"] in (True, False) for r in rows if r["target"])
    levers = [lever["lever"] for lever in results["levers"]]
    for lever in LEVERS:
        assert any(lever in name for name in levers), f"no lever row for {lever}: {levers}"
    assert results["meta"]["versions"]["langchain-huggingface"] and results["meta"]["machine"]["cores"] >= 1
    assert results["corpora"]["pydoc"]["files"] == 4  # the article and three pages
    assert "Where a Chinese question's time goes" in (out / "results.md").read_text()
    profile = results["corpora"]["pydoc"]["answer_profile"]
    assert set(profile["labels"]) <= set(profile["median_ms"]) and profile["median_ms"]["service_total"] > 0
    assert profile["median_ms"]["scorer"] > 0 and profile["median_ms"]["embed_dense"] > 0
    assert "Where one answer's time goes (`pydoc`)" in (out / "results.md").read_text()
    assert results["corpora"]["pydoc"]["reelqa_serve"]["service_took_ms"]["english"]["p50"] > 0

    table = (out / "results.md").read_text()
    for row in rows:
        assert row["what"] in table
    for name in ("latency.png", "throughput.png"):
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
