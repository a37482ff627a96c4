"""Operations: /healthz, /readyz, /metrics, request ids, JSON access logs, CORS."""
from __future__ import annotations

import json
import logging

from prometheus_client.parser import text_string_to_metric_families

from tests.api.support import DEV_QUESTION, client_for


def samples(text: str) -> dict[tuple[str, tuple], float]:
    """Metric samples keyed by (name, sorted labels)."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


async def test_healthz_and_readyz(client, service):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = (await client.get("/readyz")).json()
    status = service.status()
    assert ready == {"status": "ready", "version": status["version"], "documents": status["documents"],
                     "chunks": status["chunks"]}
    assert ready["documents"] >= 1 and ready["chunks"] >= 1


async def test_metrics_count_requests_answers_and_show_the_index_version(client, service):
    await client.post("/v1/ask", json={"question": DEV_QUESTION})
    await client.post("/v1/ask", json={"question": DEV_QUESTION})
    await client.post("/v1/ask", json={"question": "What is the capital of France?"})
    await client.post("/v1/ask", json={"question": ""})
    await client.get("/v1/documents/unknown")
    response = await client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    got = samples(response.text)

    def route(path: str, method: str, status: str) -> tuple:
        return "reelqa_http_requests_total", (("method", method), ("route", path), ("status", status))

    assert got[route("/v1/ask", "POST", "200")] == 3
    assert got[route("/v1/ask", "POST", "422")] == 1
    assert got[route("/v1/documents/{doc_id}", "GET", "404")] == 1, "labels use the route template"
    assert got[("reelqa_answers_total", (("outcome", "answered"),))] == 2
    assert got[("reelqa_answers_total", (("outcome", "abstained"),))] == 1
    assert got[("reelqa_http_request_duration_seconds_count", (("method", "POST"), ("route", "/v1/ask")))] == 4
    assert got[("reelqa_index_info", (("version", service.status()["version"]),))] == 1
    assert got[("reelqa_index_chunks", ())] == service.status()["chunks"]


async def test_each_app_has_its_own_registry(make_app):
    first, second = make_app(), make_app()
    async with client_for(first) as a, client_for(second) as b:
        await a.get("/healthz")
        await a.get("/healthz")
        counts = samples((await b.get("/metrics")).text)
        assert ("reelqa_http_requests_total", (("method", "GET"), ("route", "/healthz"), ("status", "200"))) \
            not in counts


async def test_request_id_is_echoed_or_generated(client):
    echoed = await client.get("/healthz", headers={"X-Request-ID": "trace-abc.123"})
    assert echoed.headers["x-request-id"] == "trace-abc.123"
    generated = await client.get("/healthz")
    assert len(generated.headers["x-request-id"]) == 32
    unsafe = await client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces" + "x" * 200})
    assert unsafe.headers["x-request-id"] != "bad id\twith spaces" and len(unsafe.headers["x-request-id"]) == 32
    error = await client.post("/v1/ask", json={}, headers={"X-Request-ID": "req-422"})
    assert error.status_code == 422 and error.headers["x-request-id"] == "req-422"


async def test_one_json_log_line_per_request(client, caplog):
    with caplog.at_level(logging.INFO, logger="reelqa.http"):
        await client.post("/v1/ask", json={"question": DEV_QUESTION}, headers={"X-Request-ID": "log-1"})
        await client.get("/v1/documents/unknown", headers={"X-Request-ID": "log-2"})
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "reelqa.http"]
    assert [line["request_id"] for line in lines] == ["log-1", "log-2"]
    ask, missing = lines
    assert ask["event"] == "request" and ask["method"] == "POST" and ask["route"] == "/v1/ask"
    assert ask["status"] == 200 and ask["duration_ms"] > 0 and ask["answered"] is True and ask["answer_id"]
    assert missing["status"] == 404 and missing["path"] == "/v1/documents/unknown"


async def test_cors_allows_only_configured_origins(make_app):
    async with client_for(make_app(cors_origins="https://reel.example")) as c:
        preflight = await c.options("/v1/ask", headers={"Origin": "https://reel.example",
                                                        "Access-Control-Request-Method": "POST",
                                                        "Access-Control-Request-Headers": "content-type,x-api-key"})
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "https://reel.example"
        simple = await c.get("/healthz", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in simple.headers
    async with client_for(make_app()) as c:
        response = await c.get("/healthz", headers={"Origin": "https://reel.example"})
        assert "access-control-allow-origin" not in response.headers


async def test_page_and_static_files_are_served_locally(client):
    page = await client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    html = page.text
    assert 'id="question"' in html and "/static/app.js" in html and "/static/style.css" in html
    assert "http://" not in html and "https://" not in html, "no external resources"
    script = await client.get("/static/app.js")
    assert script.status_code == 200 and "/v1/ask/stream" in script.text
    assert (await client.get("/static/style.css")).status_code == 200
