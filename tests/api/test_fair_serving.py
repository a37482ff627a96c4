"""Issue 8, fair latency: each ask takes one turn in the compute queue; cheap requests never wait behind answers."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from rag.feedback import FeedbackStore
from tests.api.support import DEV_QUESTION, LiveServer, free_port

pytestmark = pytest.mark.integration


class _Gated:
    """The real service; each ask logs its question and may wait for the test to let it go on."""

    def __init__(self, inner, events: list, gate: threading.Event):
        self.inner, self.events, self.gate = inner, events, gate
        self.started = threading.Event()

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def ask(self, question, *args, **kwargs):
        self.events.append(("ask", question))
        self.started.set()
        assert self.gate.wait(120), "the test never let the ask go on"
        return self.inner.ask(question, *args, **kwargs)


class _RecordingStore(FeedbackStore):
    """A real feedback database that also logs which question's answer it recorded."""

    def __init__(self, path, events: list):
        super().__init__(path)
        self.events = events

    def record_answer(self, answer, channel="http"):
        self.events.append(("record", answer.question))
        super().record_answer(answer, channel)


def _server(make_app, service, tmp_path, events, gate, **settings):
    gated = _Gated(service, events, gate)
    app = make_app(service_=gated, worker_threads=1, feedback=_RecordingStore(tmp_path / "f.db", events), **settings)
    return gated, LiveServer(app, free_port()).start()


def test_an_answer_is_recorded_in_its_own_turn_not_after_later_arrivals(make_app, service, tmp_path):
    """The record used to queue again behind every ask that arrived meanwhile (two trips through the queue)."""
    events: list = []
    gate = threading.Event()
    gated, server = _server(make_app, service, tmp_path, events, gate)
    questions = [f"{DEV_QUESTION} ({n})" for n in range(3)]
    try:
        with ThreadPoolExecutor(3) as pool:
            first = pool.submit(httpx.post, f"{server.url}/v1/ask", json={"question": questions[0]}, timeout=120)
            assert gated.started.wait(60)
            later = [pool.submit(httpx.post, f"{server.url}/v1/ask", json={"question": q}, timeout=120)
                     for q in questions[1:]]
            time.sleep(1)  # let the later asks reach the queue behind the first
            gate.set()
            replies = [first.result(), *(f.result() for f in later)]
    finally:
        gate.set()
        server.stop()
    assert all(r.status_code == 200 for r in replies)
    asked = [q for kind, q in events if kind == "ask"]
    assert events == [step for q in asked for step in (("ask", q), ("record", q))], events


def test_cheap_requests_do_not_wait_behind_an_answer_being_computed(make_app, service, tmp_path):
    """With every worker busy answering, documents, readiness, auth and rate limiting still answer at once."""
    events: list = []
    gate = threading.Event()
    gated, server = _server(make_app, service, tmp_path, events, gate, api_keys="k", rate_limit_per_minute=600)
    doc_id = service.ask(DEV_QUESTION).citations[0].doc_id
    headers = {"X-API-Key": "k"}
    try:
        with ThreadPoolExecutor(1) as pool:
            asking = pool.submit(httpx.post, f"{server.url}/v1/ask", json={"question": DEV_QUESTION},
                                 headers=headers, timeout=120)
            assert gated.started.wait(60)
            document = httpx.get(f"{server.url}/v1/documents/{doc_id}", headers=headers, timeout=30)
            ready = httpx.get(f"{server.url}/readyz", timeout=30)
            refused = httpx.get(f"{server.url}/v1/documents/{doc_id}", headers={"X-API-Key": "wrong"}, timeout=30)
            still_computing = not asking.done()
            gate.set()
            answered = asking.result()
    finally:
        gate.set()
        server.stop()
    assert (document.status_code, ready.status_code, refused.status_code) == (200, 200, 401)
    assert still_computing and answered.status_code == 200
