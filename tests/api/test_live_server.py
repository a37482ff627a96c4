"""A real uvicorn server (serve_http) on a free 127.0.0.1 port, asked over real HTTP."""
from __future__ import annotations

import httpx
import pytest

from api.app import create_app
from rag.feedback import FeedbackStore
from tests.api.support import DEV_QUESTION, LiveServer, free_port, parse_sse

pytestmark = pytest.mark.integration


def test_ask_stream_and_feedback_over_real_http(live_server, service):
    with httpx.Client(base_url=live_server.url, timeout=30) as http:
        response = http.post("/v1/ask", json={"question": DEV_QUESTION}, headers={"X-Request-ID": "live-1"})
        assert response.status_code == 200 and response.headers["x-request-id"] == "live-1"
        answer = response.json()
        assert answer["answered"] and any("25,000" in c["quote"] for c in answer["citations"])
        for citation in answer["citations"]:
            assert service.document(citation["doc_id"])[1][citation["start"]:citation["end"]] == citation["quote"]

        with http.stream("POST", "/v1/ask/stream", json={"question": DEV_QUESTION}) as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            events = parse_sse(stream.read().decode())
        assert [name for name, _ in events] == ["citations", "answer", "done"]

        feedback = http.post("/v1/feedback", json={"answer_id": events[-1][1]["answer_id"], "helpful": True})
        assert feedback.status_code == 201
        assert http.get("/readyz").json()["status"] == "ready"
        assert 'id="question"' in http.get("/").text


def test_cancelling_serve_http_closes_the_port(service, settings_for, tmp_path):
    app = create_app(service, FeedbackStore(tmp_path / "fb.sqlite3"), settings_for())
    server = LiveServer(app, free_port()).start()
    assert httpx.get(server.url + "/healthz").status_code == 200
    server.stop()
    assert not server._thread.is_alive()
    with pytest.raises(httpx.ConnectError):
        httpx.get(server.url + "/healthz", timeout=2)
