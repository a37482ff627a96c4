"""Every status the API promises: 401, 403, 404, 409, 413, 422, 429, 500, 503, with a one-line JSON error."""
from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from index.build import Indexer
from rag.errors import IndexBusyError
from rag.store import IndexVersions
from tests.api.support import DEV_QUESTION, client_for

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def assert_error(response, status: int, *words: str) -> str:
    """The response has the status and a one-line `{"error": ...}` body containing the words."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    message = body["error"]
    assert message and "\n" not in message and "Traceback" not in message
    for word in words:
        assert word in message, message
    return message


@pytest.mark.parametrize(("payload", "words"), [
    ({"question": ""}, ("question", "empty")),
    ({"question": "   "}, ("question", "non-space")),
    ({}, ("question", "required")),
    ({"question": DEV_QUESTION, "top_k": 0}, ("top_k", "greater than or equal to 1")),
    ({"question": DEV_QUESTION, "top_k": 21}, ("top_k", "less than or equal to 20")),
    ({"question": DEV_QUESTION, "top_k": "many"}, ("top_k",)),
    ({"question": 42}, ("question", "string")),
    ({"question": DEV_QUESTION, "colour": "blue"}, ("colour", "not a known field")),
])
async def test_invalid_ask_is_422_naming_the_field(client, payload, words):
    assert_error(await client.post("/v1/ask", json=payload), 422, *words)


async def test_question_over_the_configured_limit_is_422(make_app):
    async with client_for(make_app(max_question_chars=40)) as c:
        message = assert_error(await c.post("/v1/ask", json={"question": "why " * 20}), 422)
        assert "79 characters" in message and "limit is 40" in message
        schema = (await c.get("/openapi.json")).json()
        assert schema["components"]["schemas"]["AskRequest"]["properties"]["question"]["maxLength"] == 40


async def test_malformed_json_and_missing_body_are_422(client):
    assert_error(await client.post("/v1/ask", content=b"{not json", headers={"content-type": "application/json"}),
                 422, "not valid JSON")
    assert_error(await client.post("/v1/ask"), 422, "body")


async def test_search_validates_query_parameters(client):
    assert_error(await client.get("/v1/search", params={"q": "paying users", "k": 0}), 422, "'k'")
    assert_error(await client.get("/v1/search"), 422, "'q'", "required")


async def test_unknown_document_answer_and_route_are_404(client):
    assert_error(await client.get("/v1/documents/no-such-doc"), 404, "no-such-doc", "not in index version")
    assert_error(await client.post("/v1/feedback", json={"answer_id": "deadbeef", "helpful": True}),
                 404, "deadbeef", "unknown")
    assert_error(await client.get("/v1/nothing-here"), 404, "/v1/nothing-here")
    assert_error(await client.delete("/v1/ask"), 405, "DELETE")


async def test_body_over_the_limit_is_413_declared_or_streamed(make_app):
    async with client_for(make_app(max_body_bytes=1024)) as c:
        big = {"question": "x" * 2000}
        assert_error(await c.post("/v1/ask", json=big), 413, "1024 bytes")

        async def chunks():  # no Content-Length: the limit must count what actually arrives
            for _ in range(8):
                yield b" " * 256

        response = await c.post("/v1/ask", content=chunks(), headers={"content-type": "application/json"})
        assert_error(response, 413, "REELQA_MAX_BODY_BYTES")
        assert (await c.post("/v1/ask", json={"question": DEV_QUESTION})).status_code == 200


async def test_api_keys_guard_v1_and_metrics_but_not_probes_or_page(make_app):
    app = make_app(api_keys="key-one,key-two", admin_keys="admin-key")
    async with client_for(app) as c:
        message = assert_error(await c.post("/v1/ask", json={"question": DEV_QUESTION}), 401, "API key is required")
        assert "Authorization: Bearer" in message
        assert (await c.get("/v1/search", params={"q": "Keling"})).headers["www-authenticate"] == "Bearer"
        assert_error(await c.get("/metrics"), 401)
        assert_error(await c.get("/v1/search", params={"q": "Keling"}, headers={"X-API-Key": "key-three"}),
                     401, "not valid")
        assert_error(await c.get("/v1/search", params={"q": "Keling"},
                                 headers={"Authorization": "Bearer key-on"}), 401, "not valid")

        bearer = await c.post("/v1/ask", json={"question": DEV_QUESTION},
                              headers={"Authorization": "Bearer key-two"})
        assert bearer.status_code == 200 and bearer.json()["answered"]
        header = await c.get("/v1/search", params={"q": "Keling"}, headers={"X-API-Key": "key-one"})
        assert header.status_code == 200 and header.json()["passages"]
        admin_as_user = await c.get("/metrics", headers={"X-API-Key": "admin-key"})
        assert admin_as_user.status_code == 200

        for open_path in ("/healthz", "/readyz", "/", "/static/app.js", "/static/style.css"):
            assert (await c.get(open_path)).status_code == 200, open_path


async def test_rate_limit_is_429_with_retry_after_per_client(make_app):
    app = make_app(rate_limit_per_minute=3)
    async with client_for(app) as c:
        for _ in range(3):
            assert (await c.get("/v1/search", params={"q": "Keling"})).status_code == 200
        limited = await c.get("/v1/search", params={"q": "Keling"})
        assert_error(limited, 429, "3 requests per minute")
        assert int(limited.headers["retry-after"]) >= 1
        assert (await c.get("/healthz")).status_code == 200, "probes are not rate limited"
    async with client_for(app, client_ip="10.0.0.9") as other_ip:
        assert (await other_ip.get("/v1/search", params={"q": "Keling"})).status_code == 200


async def test_rate_limit_buckets_valid_keys_apart_and_limits_key_guessing(make_app):
    app = make_app(rate_limit_per_minute=2, api_keys="key-one,key-two")
    async with client_for(app) as c:
        for guess in ("guess-1", "guess-2"):
            assert (await c.get("/v1/search", params={"q": "Keling"}, headers={"X-API-Key": guess})).status_code \
                == 401
        guessing = await c.get("/v1/search", params={"q": "Keling"}, headers={"X-API-Key": "guess-3"})
        assert_error(guessing, 429, "2 requests per minute")
        for key in ("key-one", "key-one", "key-two"):
            response = await c.get("/v1/search", params={"q": "Keling"}, headers={"X-API-Key": key})
            assert response.status_code == 200, "a valid key has its own bucket, not the address's"
        assert (await c.get("/v1/search", params={"q": "Keling"},
                            headers={"Authorization": "Bearer key-one"})).status_code == 429


async def test_readyz_and_ask_are_503_without_an_index(make_app, make_service, tmp_path):
    empty = make_service(tmp_path / "empty-data")
    async with client_for(make_app(service_=empty)) as c:
        assert_error(await c.get("/readyz"), 503, "not ready", "reelqa index rebuild")
        assert_error(await c.post("/v1/ask", json={"question": DEV_QUESTION}), 503, "no index")
        assert (await c.get("/healthz")).json() == {"status": "ok"}
        metrics = await c.get("/metrics")
        assert metrics.status_code == 200 and "reelqa_index_info{" not in metrics.text


async def test_admin_reindex_needs_configuration_and_an_admin_key(make_app, data_dir, make_service,
                                                                  embedder, multilingual):
    def reindex(full: bool):
        return Indexer(CORPUS, IndexVersions(data_dir), embedder, multilingual).update(full=full)

    async with client_for(make_app(reindex=reindex)) as c:
        assert_error(await c.post("/v1/admin/reindex"), 503, "REELQA_ADMIN_KEYS")

    service = make_service(data_dir)
    app = make_app(service_=service, reindex=reindex, api_keys="user-key", admin_keys="admin-key")
    async with client_for(app) as c:
        assert_error(await c.post("/v1/admin/reindex"), 401)
        assert_error(await c.post("/v1/admin/reindex", headers={"X-API-Key": "user-key"}), 403, "admin key")
        before = (await c.get("/readyz")).json()["version"]
        response = await c.post("/v1/admin/reindex", headers={"Authorization": "Bearer admin-key"})
        assert response.status_code == 200, response.text
        report = response.json()
        assert report["previous"] == before and report["documents"] >= 1 and report["errors"] == []
        assert (await c.get("/readyz")).json()["version"] == report["version"]


async def test_admin_reindex_conflicts_are_409(make_app):
    def busy(full: bool):
        raise IndexBusyError("another process holds the index write lock; wait for it to finish")

    async with client_for(make_app(reindex=busy, admin_keys="admin-key")) as c:
        assert_error(await c.post("/v1/admin/reindex", headers={"X-API-Key": "admin-key"}), 409, "write lock")

    started, release = threading.Event(), threading.Event()

    def slow(full: bool):
        started.set()
        release.wait(10)
        raise IndexBusyError("released")

    async with client_for(make_app(reindex=slow, admin_keys="admin-key")) as c:
        first = asyncio.create_task(c.post("/v1/admin/reindex", headers={"X-API-Key": "admin-key"}))
        await asyncio.to_thread(started.wait, 10)
        assert_error(await c.post("/v1/admin/reindex", headers={"X-API-Key": "admin-key"}), 409, "already running")
        release.set()
        assert (await first).status_code == 409


class ExplodingService:
    """A service whose every call fails unexpectedly."""

    top_k = 5

    def ask(self, *args, **kwargs):
        raise RuntimeError("secret internal detail /srv/reelqa/rag/service.py line 42")

    search = ask


async def test_unexpected_errors_are_500_without_a_traceback(make_app):
    async with client_for(make_app(service_=ExplodingService())) as c:
        response = await c.post("/v1/ask", json={"question": DEV_QUESTION}, headers={"X-Request-ID": "req-500"})
        message = assert_error(response, 500, "internal error", "req-500")
        assert "secret" not in message and "service.py" not in message
        assert response.headers["x-request-id"] == "req-500"
