"""GET /v1/search, GET /v1/documents/{doc_id} and POST /v1/feedback (persisted across a restart)."""
from __future__ import annotations

from api.app import create_app
from rag.feedback import FeedbackStore
from tests.api.support import DEV_QUESTION, client_for


async def test_search_ranks_passages_that_point_into_the_document(client, service):
    response = await client.get("/v1/search", params={"q": "paying users", "k": 3})
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "paying users" and body["k"] == 3 and len(body["passages"]) == 3
    scores = [p["score"] for p in body["passages"]]
    assert scores == sorted(scores, reverse=True)
    assert any("25,000" in p["text"] for p in body["passages"])
    for passage in body["passages"]:
        _, text = service.document(passage["doc_id"])
        assert text[passage["start"]:passage["end"]] == passage["text"]


async def test_search_defaults_to_the_configured_top_k(client, service):
    body = (await client.get("/v1/search", params={"q": "Keling revenue"})).json()
    assert body["k"] == service.top_k and len(body["passages"]) == service.top_k


async def test_document_returns_metadata_and_text(client, service):
    doc_id = service.search("Jimeng", 1)[0].doc_id
    response = await client.get(f"/v1/documents/{doc_id}")
    assert response.status_code == 200
    body = response.json()
    meta, text = service.document(doc_id)
    assert body["doc_id"] == doc_id and body["text"] == text
    assert body["meta"]["title"] == meta["title"] and body["meta"]["date"] == "2024-12-27"
    assert "25,000 paying users" in body["text"]


async def test_feedback_is_stored_and_survives_a_restart(service, settings_for, tmp_path):
    path = tmp_path / "feedback.sqlite3"
    settings = settings_for(rate_limit_per_minute=0)
    async with client_for(create_app(service, FeedbackStore(path), settings)) as c:
        answer = (await c.post("/v1/ask", json={"question": DEV_QUESTION})).json()
        response = await c.post("/v1/feedback", json={"answer_id": answer["answer_id"], "helpful": False,
                                                      "comment": "I wanted the Keling number too"})
        assert response.status_code == 201
        assert response.json()["answer_id"] == answer["answer_id"] and response.json()["feedback_id"] >= 1

    restarted = FeedbackStore(path)  # a new process: new app, new store, same file
    async with client_for(create_app(service, restarted, settings)) as c:
        again = await c.post("/v1/feedback", json={"answer_id": answer["answer_id"], "helpful": True})
        assert again.status_code == 201, "an answer recorded before the restart can still get feedback"
        assert again.json()["feedback_id"] == response.json()["feedback_id"], "a changed vote, not a new one"
    rows = restarted.feedback_for(answer["answer_id"])
    assert rows == [{"helpful": True, "comment": "I wanted the Keling number too", "channel": "http"}]
    assert not any(r["question"] == DEV_QUESTION for r in restarted.report()), "no longer marked unhelpful"
    async with client_for(create_app(service, restarted, settings)) as c:
        await c.post("/v1/feedback", json={"answer_id": answer["answer_id"], "helpful": False})
    assert any(r["question"] == DEV_QUESTION and r["unhelpful"] == 1 for r in restarted.report())


async def test_feedback_validates_its_fields(client):
    response = await client.post("/v1/feedback", json={"answer_id": "x", "helpful": "perhaps"})
    assert response.status_code == 422 and "helpful" in response.json()["error"]
    response = await client.post("/v1/feedback", json={"answer_id": "x", "helpful": True, "comment": "c" * 1001})
    assert response.status_code == 422 and "comment" in response.json()["error"]
