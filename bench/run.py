"""`make bench`: reelqa vs the stock LangChain pipeline, side by side in one run, as ratios reelqa / stock.

Environment knobs: BENCH_PAGES (Python library pages, default all), BENCH_CORPORA (comma list of `article`,
`pydoc`), BENCH_REPEAT (passes over the questions per latency measurement), BENCH_CONCURRENCY (comma list of
client counts), BENCH_LEVERS (0 to skip the lever measurements), BENCH_OUT (output folder, default bench/).
"""
from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

from bench import report
from bench.corpus import make_corpus, questions
from bench.serving import measure_reelqa, measure_stock, reelqa_env

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("torch", "sentence-transformers", "transformers", "chromadb", "langchain-core",
            "langchain-text-splitters", "langchain-huggingface", "langchain-chroma", "onnxruntime")


def _probe(*args: str, env: dict | None = None, module: str = "bench.probe") -> dict:
    out = subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True, cwd=ROOT,
                         env=env, timeout=7200, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"{module} {args[0]} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _touch_one_file(corpus: Path) -> str:
    """Change one document the way an editor would: one sentence appended to the last page."""
    target = max(p for p in corpus.rglob("*") if p.suffix in (".html", ".txt"))
    text = target.read_text(encoding="utf-8")
    marker = "<p>This paragraph was added to measure an incremental update.</p>"
    if target.suffix == ".html" and "</body>" in text:
        text = text.replace("</body>", marker + "</body>", 1)
    else:
        text += "\nThis sentence was added to measure an incremental update.\n"
    target.write_text(text, encoding="utf-8")
    return target.name


def bench_corpus(name: str, pages: int | None, work: Path, cfg: dict) -> dict:
    """Build, update and serve one corpus with both pipelines."""
    corpus = work / name / "corpus"
    files = make_corpus(corpus, 0 if name == "article" else pages)
    documents = [p for p in files if p.suffix in (".html", ".txt")]
    qs = questions()
    print(f"[bench] {name}: {len(documents)} documents; stock build", flush=True)
    stock_build = _probe("build-stock", str(corpus), str(work / name / "stock"))
    print(f"[bench] {name}: reelqa build", flush=True)
    env = reelqa_env(corpus, work / name / "data")
    reelqa_build = _probe("build-reelqa", str(corpus), str(work / name / "data"), "full", env=env)
    changed = _touch_one_file(corpus)
    reelqa_update = _probe("build-reelqa", str(corpus), str(work / name / "data"), "update", env=env)
    reelqa_update["changed_file"] = changed
    print(f"[bench] {name}: stock serving", flush=True)
    stock_serve = measure_stock(work / name / "stock", qs, cfg["repeat"], work / name)
    print(f"[bench] {name}: reelqa serving", flush=True)
    reelqa_serve = measure_reelqa(corpus, work / name / "data", qs, cfg["repeat"], cfg["concurrency"],
                                  cfg["per_level"])
    print(f"[bench] {name}: where one answer's time goes", flush=True)
    answer_profile = _probe(str(work / name / "data"), str(corpus), str(work / name / "stock-questions.json"),
                            env=env, module="bench.answer_profile")
    return {"files": len(documents), "stock_build": stock_build, "reelqa_build": reelqa_build,
            "reelqa_update": reelqa_update, "stock_serve": stock_serve, "reelqa_serve": reelqa_serve,
            "answer_profile": answer_profile}


def machine() -> dict:
    """CPU model, cores, memory and OS."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")))
    cores = os.cpu_count()
    load = os.getloadavg()[0]
    return {"cpu": cpu, "cores": cores, "memory_gb": round(mem_kb / 1024 / 1024, 1), "os": platform.platform(),
            "load_1min_at_start": round(load, 2),
            "summary": f"{cores} cores ({cpu}), {mem_kb / 1024 / 1024:.0f} GB, load {load:.1f} at start"}


def versions() -> dict:
    """Python, key packages and the reelqa commit."""
    found = {"python": platform.python_version()}
    for package in PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT,
                            check=False)
    found["reelqa"] = commit.stdout.strip() or "unknown"
    return found


def config() -> dict:
    """The run's knobs from the environment."""
    pages = os.environ.get("BENCH_PAGES", "").strip()
    return {"pages": int(pages) if pages else None,
            "corpora": [c for c in os.environ.get("BENCH_CORPORA", "article,pydoc").split(",") if c],
            "repeat": int(os.environ.get("BENCH_REPEAT", "3")),
            "concurrency": [int(c) for c in os.environ.get("BENCH_CONCURRENCY", "1,2,4,8,16").split(",")],
            "per_level": int(os.environ.get("BENCH_REQUESTS", "120")),
            "levers": os.environ.get("BENCH_LEVERS", "1") != "0",
            "out": Path(os.environ.get("BENCH_OUT", ROOT / "bench"))}


def main() -> None:
    """Run every measurement and write the table, JSON and plots."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    cfg = config()
    command = " ".join(f"{k}={os.environ[k]}" for k in sorted(os.environ) if k.startswith("BENCH_"))
    results = {"meta": {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                        "command": (command + " make bench").strip(), "machine": machine(),
                        "versions": versions(),
                        "pages": (cfg["pages"] or "all") if "pydoc" in cfg["corpora"] else "none",
                        "config": {k: v for k, v in cfg.items() if k != "out"}},
               "corpora": {}}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="reelqa-bench-") as tmp:
        cfg["out"].mkdir(parents=True, exist_ok=True)
        for name in cfg["corpora"]:
            results["corpora"][name] = bench_corpus(name, cfg["pages"], Path(tmp), cfg)
            # figures so far, so a long run stopped later still leaves them (`python -m bench.report` renders)
            (cfg["out"] / "raw.json").write_text(json.dumps(results, ensure_ascii=False, default=str))
        if cfg["levers"]:
            from bench.levers import measure_levers

            print("[bench] levers", flush=True)
            results["levers"], results["profile"] = measure_levers(Path(tmp) / cfg["corpora"][-1] / "corpus")
    results["meta"]["took_s"] = round(time.perf_counter() - started, 1)
    (cfg["out"] / "raw.json").write_text(json.dumps(results, ensure_ascii=False, default=str))
    report.write(results, cfg["out"])
    print((cfg["out"] / "results.md").read_text())


if __name__ == "__main__":
    main()
