"""Heavy work runs in worker threads: the event loop stays free and concurrent requests share one service."""
from __future__ import annotations

import asyncio
import threading

from tests.api.support import DEV_QUESTION, client_for


class SlowService:
    """Wraps the real service; every ask blocks its thread until the test lets it go on (like a slow model)."""

    def __init__(self, inner):
        self.inner, self.top_k = inner, inner.top_k
        self.threads: set[str] = set()
        self.started, self.go_on = threading.Event(), threading.Event()

    def ask(self, *args, **kwargs):
        self.threads.add(threading.current_thread().name)
        self.started.set()
        assert self.go_on.wait(60), "the test never let the ask go on"
        return self.inner.ask(*args, **kwargs)


async def test_a_slow_answer_does_not_block_other_requests(make_app, service):
    slow = SlowService(service)
    async with client_for(make_app(service_=slow)) as c:
        ask = asyncio.create_task(c.post("/v1/ask", json={"question": DEV_QUESTION}))
        assert await asyncio.to_thread(slow.started.wait, 60)
        try:
            healthz = await asyncio.wait_for(c.get("/healthz"), 60)  # answered while the ask is still blocked
            still_blocked = not ask.done()
        finally:
            slow.go_on.set()
        assert healthz.status_code == 200 and still_blocked
        assert (await ask).json()["answered"]
    assert threading.main_thread().name not in slow.threads


async def test_concurrent_asks_share_one_service_and_all_get_right_answers(client, service):
    questions = [DEV_QUESTION, "How many users does Keling serve?", "What is the capital of France?"] * 4
    responses = await asyncio.gather(*(client.post("/v1/ask", json={"question": q}) for q in questions))
    bodies = [r.json() for r in responses]
    assert all(r.status_code == 200 for r in responses)
    assert len({b["answer_id"] for b in bodies}) == len(questions)
    for question, body in zip(questions, bodies):
        assert body["question"] == question
        if question == DEV_QUESTION:
            assert body["answered"] and any("25,000" in c["quote"] for c in body["citations"])
        if "France" in question:
            assert body["answered"] is False
        for citation in body["citations"]:
            assert service.document(citation["doc_id"])[1][citation["start"]:citation["end"]] == citation["quote"]
