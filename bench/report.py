"""Turn the benchmark figures into ratio rows, a Markdown table, a JSON file and two PNG plots."""
from __future__ import annotations

import json
import statistics
from pathlib import Path


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) in milliseconds, by linear interpolation."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return round((ordered[low] + (ordered[high] - ordered[low]) * (pos - low)) * 1000, 2)


def _row(corpus, what, stock, reelqa, ratio, target=None, ok=None, note=""):
    return {"corpus": corpus, "what": what, "stock": stock, "reelqa": reelqa,
            "ratio": None if ratio is None else round(ratio, 3), "target": target,
            "met": ok, "note": note}


def _check(ratio: float, target: str) -> bool:
    op, value = target[:2], float(target[2:].rstrip("×"))
    return ratio >= value if op == "≥ " else ratio <= value


def corpus_rows(name: str, r: dict) -> list[dict]:
    """The issue's targets for one corpus, as ratios reelqa / stock."""
    sb, rb, up = r["stock_build"], r["reelqa_build"], r["reelqa_update"]
    ss, rs = r["stock_serve"], r["reelqa_serve"]
    rows = []

    def add(what, stock, reelqa, ratio, target=None, note=""):
        rows.append(_row(name, what, stock, reelqa, ratio, target,
                         None if target is None else _check(ratio, target), note))

    s_cps, r_cps = sb["chars"] / sb["build_s"], rb["chars"] / rb["build_s"]
    add("index build throughput (chars/s; both times include reading the documents)",
        f"{s_cps:,.0f} ({sb['build_s']} s, of which reading {sb.get('load_s', '?')} s; {sb['texts_embedded']} texts)",
        f"{r_cps:,.0f} ({rb['build_s']} s, of which reading {rb.get('load_s', '?')} s; "
        f"{rb['texts_embedded']} distinct texts embedded)", r_cps / s_cps, "≥ 2×")
    add("peak memory while building (MB)", sb["peak_rss_mb"], rb["peak_rss_mb"], rb["peak_rss_mb"] / sb["peak_rss_mb"])
    add(f"incremental update after changing 1 file of {r['files']} (s; ratio to reelqa's full build)",
        f"{sb['build_s']} (full rebuild)", f"{up['build_s']} ({up['texts_embedded']} texts embedded)",
        up["build_s"] / rb["build_s"], "≤ 0.02×")
    stock_all = [t for ts in ss["latency_s"].values() for t in ts]
    s_med = pct(stock_all, 50)
    en, zh = rs["latency_s"]["english"], rs["latency_s"].get("chinese", [])
    http_all = en + zh
    add("POST /v1/ask median (ms) vs stock in-process retrieval median", s_med, pct(http_all, 50),
        pct(http_all, 50) / s_med, "≤ 1.0×")
    add("POST /v1/ask p95 (ms) vs stock in-process retrieval median", f"{s_med} (p95 {pct(stock_all, 95)})",
        pct(http_all, 95), pct(http_all, 95) / s_med, "≤ 1.5×")
    if zh:
        add("Chinese vs English over HTTP, median (ms); ratio zh/en", "", f"zh {pct(zh, 50)}, en {pct(en, 50)}",
            pct(zh, 50) / pct(en, 50), "≤ 2×")
    top = max(rs["concurrency"], key=lambda c: c["clients"])
    add(f"throughput at {top['clients']} concurrent HTTP clients (answers/s) vs stock single-threaded",
        ss["rate_per_s"], f"{top['rate_per_s']} ({top['errors']} errors)", top["rate_per_s"] / ss["rate_per_s"],
        "≥ 1.5×", "zero errors required" if top["errors"] else "")
    if top["errors"]:
        rows[-1]["met"] = False
    add("serving process resident memory (MB)", ss["rss_mb"], rs["rss_mb"], rs["rss_mb"] / ss["rss_mb"], "≤ 0.8×")
    add("process start to first answer (s) vs stock start to loaded model", ss["start_to_loaded_model_s"],
        rs["start_to_first_answer_s"], rs["start_to_first_answer_s"] / ss["start_to_loaded_model_s"], "≤ 0.8×")
    return rows


def build_breakdown(name: str, r: dict) -> list[dict]:
    """Where reelqa's full build time goes, per embedded collection (for "embed nothing not queried")."""
    build = r["reelqa_build"]
    rows = []
    for stage, info in build.get("stages", {}).items():
        if not stage.startswith("embed"):
            continue
        share = info["s"] / build["build_s"] if build["build_s"] else 0.0
        rows.append({"lever": f"{name}: build time spent on `{stage}`", "baseline": f"{build['build_s']} s (whole build)",
                     "with": f"{info['s']} s, {info['items']} texts", "ratio": round(share, 3),
                     "kept": "yes", "note": "the two embedding passes run at the same time, one core each"})
    return rows


def answer_time(name: str, r: dict) -> list[str]:
    """Markdown: where one answer's time goes (stages in-process, and what HTTP adds), with the profile."""
    prof = r.get("answer_profile")
    if not prof:
        return []
    med, mean, labels = prof["median_ms"], prof["mean_ms"], prof["labels"]
    total = mean["service_total"] + mean["record"] + mean["serialize"]
    lines = [f"## Where one answer's time goes (`{name}`)", "",
             (f"In-process, {prof['questions']} bench questions, after a warm-up pass (each stage timed around its "
              f"calls; `python -m bench.answer_profile`). The service's own time per answer: median "
              f"{med['service_total']} ms, mean {mean['service_total']} ms."), "",
             "| stage | median ms | mean ms | share of the mean |", "|---|---|---|---|"]
    for key, label in labels.items():
        share = mean[key] / total if total else 0.0
        lines.append(f"| {label} | {med[key]} | {mean[key]} | {share:.0%} |")
    service = [t for ts in r["reelqa_serve"].get("service_s", {}).values() for t in ts]
    client = [t for ts in r["reelqa_serve"]["latency_s"].values() for t in ts]
    if service and len(service) == len(client):
        extra = [c - s for c, s in zip(client, service)]
        lines += ["", (f"Over HTTP (the sequential `POST /v1/ask` measurement above): client median {pct(client, 50)} ms, "
                       f"of which the service's own `took_ms` median {pct(service, 50)} ms; everything around the "
                       f"service (HTTP parsing, uvicorn, the compute-queue thread hop, the feedback record, JSON) "
                       f"adds median {pct(extra, 50)} ms, p95 {pct(extra, 95)} ms per answer.")]
    if prof.get("profile"):
        lines += ["", "Profile of one pass over the questions (pyinstrument, 1 ms samples):", "", "```",
                  prof["profile"], "```"]
    return lines + [""]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def markdown(results: dict) -> str:
    """The results table (targets first, then levers) with the date, command and machine."""
    meta = results["meta"]
    lines = [f"# reelqa vs the stock LangChain pipeline ({meta['date']})", "",
             (f"Command: `{meta['command']}`; machine: {meta['machine']['summary']}; "
              f"Python pages: {meta['pages']}. Ratios are reelqa / stock measured in the same run."), "",
             "| corpus | what | stock | reelqa | ratio | target | met |", "|---|---|---|---|---|---|---|"]
    for row in results["rows"]:
        met = "" if row["met"] is None else ("yes" if row["met"] else "**no**")
        what = row["what"] + (f" ({row['note']})" if row["note"] else "")
        ratio = "" if row["ratio"] is None else f"{row['ratio']:g}×"
        lines.append(f"| {row['corpus']} | {what} | {_cell(row['stock'])} | {_cell(row['reelqa'])} | {ratio} | "
                     f"{row['target'] or ''} | {met} |")
    missed = [r for r in results["rows"] if r["met"] is False]
    lines += ["", "Targets not met: " + ("none" if not missed else
                                         "; ".join(f"{r['corpus']}: {r['what']}" for r in missed)), ""]
    if results.get("levers"):
        lines += ["## Levers", "", "| lever | baseline | with lever | ratio (with/baseline) | kept | note |",
                  "|---|---|---|---|---|---|"]
        for lever in results["levers"]:
            lines.append(f"| {lever['lever']} | {_cell(lever['baseline'])} | {_cell(lever['with'])} | "
                         f"{_cell(lever['ratio'])} | {lever['kept']} | {lever['note']} |")
        lines.append("")
    for name, r in results["corpora"].items():
        for step, title in (("reelqa_build", "full build"), ("reelqa_update", "one-file incremental update")):
            info = r[step]
            if not info.get("profile"):
                continue
            stages = ", ".join(f"{k} {v['s']} s ({v['items']} items)" for k, v in info.get("stages", {}).items())
            lines += [f"## Where the {title} of `{name}` spends its time", "",
                      (f"{info['build_s']} s in all; stages (from the progress callback; the embedding stages "
                       f"overlap, sharing the cores): {stages or 'none'}. Main-thread profile:"), "",
                      "```", info["profile"], "```", ""]
    for name, r in results["corpora"].items():
        lines += answer_time(name, r)
    if results.get("profile"):
        lines += ["## Where a Chinese question's time goes", "", "```", results["profile"], "```", ""]
    versions = ", ".join(f"{k} {v}" for k, v in meta["versions"].items())
    lines += [f"Versions: {versions}.", ""]
    return "\n".join(lines)


def plots(results: dict, out: Path) -> list[str]:
    """latency.png (percentiles) and throughput.png (answers/s vs concurrent clients)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    qs = (50, 90, 95, 99)
    fig, ax = plt.subplots(figsize=(7, 4))
    for name, r in results["corpora"].items():
        stock_all = [t for ts in r["stock_serve"]["latency_s"].values() for t in ts]
        ax.plot(qs, [pct(stock_all, q) for q in qs], "o--", label=f"stock in-process retrieval ({name})")
        for lang, times in r["reelqa_serve"]["latency_s"].items():
            ax.plot(qs, [pct(times, q) for q in qs], "o-", label=f"reelqa HTTP /v1/ask, {lang} ({name})")
    ax.set(xlabel="percentile", ylabel="latency (ms)", title="Latency percentiles", yscale="log")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out / "latency.png", dpi=110)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(7, 4))
    for name, r in results["corpora"].items():
        levels = r["reelqa_serve"]["concurrency"]
        ax.plot([c["clients"] for c in levels], [c["rate_per_s"] for c in levels], "o-",
                label=f"reelqa HTTP ({name})")
        ax.axhline(r["stock_serve"]["rate_per_s"], linestyle="--", color="grey")
        ax.annotate(f"stock single-threaded ({name})", (1, r["stock_serve"]["rate_per_s"]), fontsize=7)
    ax.set(xlabel="concurrent HTTP clients", ylabel="answers per second", title="Throughput vs concurrency",
           xscale="log", xticks=[1, 2, 4, 8, 16])
    ax.set_xticklabels(["1", "2", "4", "8", "16"])
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out / "throughput.png", dpi=110)
    plt.close(fig)
    return ["latency.png", "throughput.png"]


def _summary_latency(results: dict) -> None:
    """Replace raw latency lists by percentiles, keeping the JSON small."""
    for r in results["corpora"].values():
        for side in ("stock_serve", "reelqa_serve"):
            lat = r[side]["latency_s"]
            r[side]["latency_ms"] = {k: {f"p{q}": pct(v, q) for q in (50, 90, 95, 99)} | {"n": len(v)}
                                     for k, v in lat.items()}
        service = r["reelqa_serve"].pop("service_s", None)
        if service:
            r["reelqa_serve"]["service_took_ms"] = {k: {f"p{q}": pct(v, q) for q in (50, 95)} for k, v in service.items()}
        for level in r["reelqa_serve"]["concurrency"]:
            times = level.pop("latency_s")
            level["latency_ms"] = {f"p{q}": pct(times, q) for q in (50, 95)}
            level["mean_ms"] = round(statistics.mean(times) * 1000, 2) if times else None


def rewrite(out: Path) -> None:
    """Render the table, JSON and plots again from a run's raw figures (raw.json), without measuring."""
    write(json.loads((out / "raw.json").read_text()), out)


def write(results: dict, out: Path) -> None:
    """Write results.md, results.json, latency.png and throughput.png into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    results["rows"] = [row for name, r in results["corpora"].items() for row in corpus_rows(name, r)]
    results["levers"] = [row for name, r in results["corpora"].items() for row in build_breakdown(name, r)] + \
        results.get("levers", [])
    results["plots"] = plots(results, out)
    (out / "results.md").write_text(markdown(results))
    _summary_latency(results)
    for r in results["corpora"].values():
        for side in ("stock_serve", "reelqa_serve"):
            r[side].pop("latency_s")
    (out / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str))


if __name__ == "__main__":
    import sys

    rewrite(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent)
