"""Rendering for the CLI: rich text for people, JSON for scripts, progress bars only on a terminal."""
from __future__ import annotations

import json
import sys
from contextlib import contextmanager

from rich.console import Console
from rich.table import Table

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False)


def info(line: str) -> None:
    """A status line on stderr."""
    err.print(line)


def warn(line: str) -> None:
    """A warning line on stderr."""
    print(f"reelqa: warning: {line}", file=sys.stderr, flush=True)


def warn_missing_inputs(settings) -> None:
    """Warn when the corpus folder or the glossary is missing: answers silently change without them."""
    if not settings.corpus_dir.is_dir():
        warn(f"corpus folder {settings.corpus_dir} not found; `reelqa index update` cannot run and corpus "
             "drift is not checked (set REELQA_CORPUS_DIR)")
    if not settings.glossary_path.is_file():
        warn(f"glossary {settings.glossary_path} not found; other names for the same thing (aliases, Chinese "
             "names) will not be recognised (set REELQA_GLOSSARY or add the file)")


@contextmanager
def spinner(text: str):
    """A spinner on stderr while something slow runs (only on a terminal)."""
    if not err.is_terminal:
        yield
        return
    with err.status(text, spinner="dots"):
        yield


def emit(data, as_json: bool, text: str) -> None:
    """JSON or one line of text."""
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=1, default=str))
    else:
        out.print(text)


def update_report(report, as_json: bool) -> None:
    """What an update or rebuild did."""
    if as_json:
        print(report.model_dump_json(indent=1))
        return
    if report.up_to_date:
        out.print(f"index is up to date: nothing changed, {report.version} stays live and no version was written")
    else:
        out.print(f"index {report.version} is live (previous: {report.previous or 'none'})")
        out.print(f"chunks: {report.added} added, {report.kept} kept, {report.deleted} deleted; "
                  f"{report.embedded} texts embedded; {report.documents} documents, {report.chunks} chunks "
                  f"in {report.took_ms / 1000:.1f} s")
    for line in report.errors:
        err.print(f"[yellow]skipped[/] {line}")


def status(st, as_json: bool) -> None:
    """The live index's status."""
    if as_json:
        print(st.model_dump_json(indent=1))
        return
    if not st.version:
        out.print("no index yet; build one with `reelqa index rebuild`")
    else:
        table = Table(show_header=False, box=None)
        for key in ("version", "documents", "chunks", "sentences", "embedding_model", "built_at"):
            table.add_row(key, str(getattr(st, key)))
        table.add_row("previous", ", ".join(st.previous_versions) or "none")
        out.print(table)
    out.print("corpus drift: " + ("none" if not st.drift else "; ".join(st.drift)))


def answer(ans, as_json: bool) -> None:
    """An answer and its numbered sources."""
    if as_json:
        print(ans.model_dump_json(indent=1))
        return
    out.print(ans.answer)
    if ans.citations:
        out.print("\nSources:")
        for c in ans.citations:
            out.print(f"[{c.n}] {c.title} ({c.date}) {c.source}:{c.start}-{c.end}\n    “{c.quote}”")
    elif ans.related:
        out.print("\nRelated passages:")
        for p in ans.related:
            out.print(f"- {p.title} ({p.date}): “{p.text}”")


def eval_summary(summary: dict, missed: list[str], as_json: bool) -> None:
    """Metrics and the questions that went wrong."""
    if as_json:
        print(json.dumps({**summary, "below_target": missed}, ensure_ascii=False, indent=1))
        return
    table = Table("metric", "value")
    for key, value in summary.items():
        if key != "wrong":
            table.add_row(key, str(value))
    out.print(table)
    for row in summary["wrong"]:
        out.print(f"[red]wrong[/] {row['id']}: {row['question']}\n    → {row['answer'][:200]}")
    out.print("meets every target" if not missed else "[red]below target:[/] " + "; ".join(missed))


def eval_summaries(results: dict[str, dict], gaps: dict, missed: list[str], as_json: bool) -> None:
    """Several gold sets side by side (first to last), the gap between first and last, and the misses."""
    if as_json:
        print(json.dumps({"sets": results, "gap": gaps, "below_target": missed}, ensure_ascii=False, indent=1))
        return
    names = list(results)
    table = Table("metric", *names, *(["gap (first − last)"] if gaps else []))
    for key in (k for k in next(iter(results.values())) if k != "wrong"):
        table.add_row(key, *(str(results[n].get(key)) for n in names), *([str(gaps.get(key, ""))] if gaps else []))
    out.print(table)
    for name in names:
        for row in results[name]["wrong"]:
            out.print(f"[red]wrong[/] {name} {row['id']}: {row['question']}\n    → {row['answer'][:200]}")
    out.print("meets every target" if not missed else "[red]below target:[/] " + "; ".join(missed))


def gaps(rows: list[dict], as_json: bool) -> None:
    """The feedback report."""
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    if not rows:
        out.print("no unanswered or unhelpful questions recorded")
        return
    table = Table("question", "asked", "unanswered", "unhelpful", "channels")
    for r in rows:
        table.add_row(r["question"], str(r["asked"]), str(r["unanswered"]), str(r["unhelpful"]), r["channels"] or "")
    out.print(table)
