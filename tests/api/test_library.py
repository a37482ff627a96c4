"""GET /v1/library, GET /v1/admin/gaps and the page routes (/library, /documents/{id}, offline /docs)."""
from __future__ import annotations

from tests.api.support import client_for

ADMIN = "admin-key-library"


async def test_library_lists_documents_with_metadata_and_answerable_examples(client, service):
    response = await client.get("/v1/library")
    assert response.status_code == 200
    body = response.json()
    status = service.status()
    assert body["version"] == status["version"] and body["built_at"] == status["built_at"]
    assert len(body["documents"]) == status["documents"]
    doc = body["documents"][0]
    meta, text = service.document(doc["doc_id"])
    assert doc["title"] == meta["title"] and doc["chunks"] == meta["chunks"] and doc["language"] == "English"
    assert doc["characters"] == len(text) and doc["source"] and doc["date"] == str(meta["date"])
    assert len(body["examples"]) == 3 and len(set(body["examples"])) == 3
    for question in body["examples"]:
        assert service.ask(question).answered, f"example {question!r} must be answerable"
    assert body["topics"] and all(isinstance(t, str) for t in body["topics"])


async def test_gaps_need_an_admin_key(make_app):
    async with client_for(make_app(admin_keys=ADMIN)) as c:
        await c.post("/v1/ask", json={"question": "What is the capital of France?"})
        assert (await c.get("/v1/admin/gaps")).status_code == 403
        assert (await c.get("/v1/admin/gaps", headers={"X-API-Key": "wrong"})).status_code == 403
        response = await c.get("/v1/admin/gaps", headers={"X-API-Key": ADMIN})
        assert response.status_code == 200
        assert response.json()[0]["question"] == "What is the capital of France?"
        assert response.json()[0]["unanswered"] == 1
    async with client_for(make_app()) as c:
        response = await c.get("/v1/admin/gaps", headers={"X-API-Key": ADMIN})
        assert response.status_code == 403 and "no admin key" in response.json()["error"]


async def test_a_follow_up_without_context_is_not_a_gap(make_app):
    async with client_for(make_app(admin_keys=ADMIN)) as c:
        answer = (await c.post("/v1/ask", json={"question": "and the other one?"})).json()
        assert answer["notice"] == "no_earlier_turn" and not answer["answered"]
        gaps = (await c.get("/v1/admin/gaps", headers={"X-API-Key": ADMIN})).json()
        assert all(g["question"] != "and the other one?" for g in gaps)


async def test_pages_and_offline_api_docs(client):
    for path in ("/library", "/documents/any-id"):
        response = await client.get(path)
        assert response.status_code == 200 and "text/html" in response.headers["content-type"]
        assert "default-src 'self'" in response.headers["content-security-policy"]
    docs = (await client.get("/docs")).text
    assert "/docs-assets/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
    asset = await client.get("/docs-assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.content) > 100_000
    redoc = (await client.get("/redoc")).text
    assert "/docs-assets/redoc.standalone.js" in redoc and "fonts.googleapis" not in redoc


def test_examples_come_from_what_the_corpus_counts_without_a_term_list():
    """With no glossary `terms:`, the things to ask about are the plural nouns the documents put numbers on."""
    from rag.aliases import Glossary
    from rag.library import candidate_questions, counted_things

    texts = ["Acme has 3 million paying users. It grew 4 times in 2 years.", "Acme sold 12,000 robots."]
    assert counted_things(texts) == ["paying users", "robots"]
    questions = [q for q, _, _ in candidate_questions(texts, Glossary({"Acme": []}))]
    assert questions == ["How many paying users does Acme have?", "How many robots does Acme have?"]
