"""Where one answer's time goes: `python -m bench.answer_profile DATA CORPUS QUESTIONS_JSON` prints one JSON line.

In its own process over a built index: every bench question is answered once to warm up, once under
pyinstrument, then once more with each stage of the serving path timed (wrappers around the stages' calls,
installed here, not in the product). The HTTP side (what `POST /v1/ask` adds around the service) comes from the serving
measurement: the client's time minus the answer's own `took_ms`.
"""
from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# (stage key, label) in the order an answer runs through them; "rest" stages are derived by subtraction.
STAGES = (
    ("embed_dense", "embed the question: MiniLM (ONNX)"),
    ("embed_multilingual", "embed the question: multilingual USE"),
    ("dense_search", "nearest neighbours in Chroma (HNSW; both models)"),
    ("bm25", "BM25 over sentence terms"),
    ("fill_dense", "exact MiniLM scores of BM25-only candidates (Chroma get)"),
    ("fusion_rest", "fusion, neighbours, candidate records (rest of retrieval)"),
    ("question_rest", "question analysis and glossary rewrites (rest of the search step)"),
    ("scorer", "answer scorer: features and combiner (rag/answer.py, rag/features.py)"),
    ("draft", "pick, cite and compose the answer"),
    ("service_rest", "service: validation, view check, conversation, Answer object"),
    ("record", "feedback record (SQLite insert)"),
    ("serialize", "response JSON (the API's AskResponse)"),
)


class StageClock:
    """Accumulates seconds per stage for the current answer."""

    def __init__(self):
        self.now: dict[str, float] = {}

    def wrap(self, owner: object, attr: str, stage: str) -> None:
        """Time every call of `owner.attr` under `stage` (an instance attribute shadows the method)."""
        inner: Callable = getattr(owner, attr)

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                self.now[stage] = self.now.get(stage, 0.0) + time.perf_counter() - start

        setattr(owner, attr, timed)

    def wrap_generator(self, owner: object, attr: str, stage: str) -> None:
        """Time the iteration of the generator `owner.attr` returns (where a generator does its work)."""
        inner: Callable = getattr(owner, attr)

        def timed(*args, **kwargs):
            items = inner(*args, **kwargs)
            while True:
                start = time.perf_counter()
                try:
                    item = next(items)
                except StopIteration:
                    return
                finally:
                    self.now[stage] = self.now.get(stage, 0.0) + time.perf_counter() - start
                yield item

        setattr(owner, attr, timed)


def _instrument(parts, clock: StageClock) -> None:
    service = parts.service
    search = service.search_step
    retriever = search.retriever
    view = service.view()
    clock.wrap(retriever.embedder, "embed", "embed_dense")
    if retriever.multilingual is not None:
        clock.wrap(retriever.multilingual, "embed", "embed_multilingual")
    clock.wrap(view.store, "query", "dense_search")
    clock.wrap(view.sentence_lex, "search", "bm25")
    clock.wrap(retriever, "_fill_dense", "fill_dense")
    clock.wrap(retriever, "candidates", "retrieval")
    clock.wrap(search.scorer, "score", "scorer")
    clock.wrap(search, "find", "find")
    clock.wrap_generator(service.answerer, "answer", "draft_gen")


def _answer_once(parts, clock: StageClock, question: str, serialize: Callable) -> dict[str, float]:
    clock.now = {}
    start = time.perf_counter()
    answer = parts.service.ask(question)
    total = time.perf_counter() - start
    t = time.perf_counter()
    parts.feedback.record_answer(answer, "http")
    record = time.perf_counter() - t
    t = time.perf_counter()
    serialize(answer)
    serialized = time.perf_counter() - t
    now = clock.now
    inner = sum(now.get(k, 0.0) for k in ("embed_dense", "embed_multilingual", "dense_search", "bm25", "fill_dense"))
    out = {k: now.get(k, 0.0) for k in ("embed_dense", "embed_multilingual", "dense_search", "bm25", "fill_dense",
                                        "scorer")}
    out["fusion_rest"] = now.get("retrieval", 0.0) - inner
    out["question_rest"] = now.get("find", 0.0) - now.get("retrieval", 0.0) - now.get("scorer", 0.0)
    out["draft"] = now.get("draft_gen", 0.0)
    out["service_rest"] = total - now.get("find", 0.0) - out["draft"]
    out["record"], out["serialize"], out["service_total"] = record, serialized, total
    return out


def _serializer() -> Callable:
    from api.schemas import AskResponse

    return lambda answer: AskResponse.model_validate(answer.model_dump()).model_dump_json()


def profile_answers(data: Path, corpus: Path, questions: list[str]) -> dict:
    """Median milliseconds per stage over the questions, and a pyinstrument profile of one pass."""
    from cli.compose import Components
    from rag.feedback import FeedbackStore
    from rag.settings import Settings

    parts = Components(Settings(_env_file=None, data_dir=data, corpus_dir=corpus, query_cache_size=0))
    with tempfile.TemporaryDirectory() as tmp:
        parts.__dict__["feedback"] = FeedbackStore(Path(tmp) / "feedback.sqlite3")  # not the measured data folder
        serialize = _serializer()
        for q in questions:
            parts.feedback.record_answer(parts.service.ask(q), "http")
        profile = _pyinstrument(parts, questions)  # before the stage wrappers, which would show in it
        clock = StageClock()
        _instrument(parts, clock)
        rows = [_answer_once(parts, clock, q, serialize) for q in questions]
    medians = {key: round(statistics.median(r[key] for r in rows) * 1000, 2) for key in rows[0]}
    means = {key: round(statistics.mean(r[key] for r in rows) * 1000, 2) for key in rows[0]}
    return {"questions": len(questions), "median_ms": medians, "mean_ms": means,
            "labels": dict(STAGES), "profile": profile}


def _pyinstrument(parts, questions: list[str]) -> str:
    try:
        from pyinstrument import Profiler
    except ImportError:
        return ""
    profiler = Profiler(interval=0.001)
    profiler.start()
    for q in questions:
        parts.service.ask(q)
    profiler.stop()
    return profiler.output_text(unicode=False, color=False, show_all=False)[:7000]


if __name__ == "__main__":
    data_dir, corpus_dir, qfile = (Path(a) for a in sys.argv[1:4])
    asked = json.loads(qfile.read_text())
    if isinstance(asked, dict):
        asked = [q for items in asked.values() for q in items]
    print(json.dumps(profile_answers(data_dir, corpus_dir, asked)), flush=True)
