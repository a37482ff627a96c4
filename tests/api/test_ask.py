"""POST /v1/ask and /v1/ask/stream: cited answers, verbatim quotes, follow-ups, abstentions, events."""
from __future__ import annotations

from tests.api.support import DEV_QUESTION, parse_sse

ANSWER_FIELDS = {"question", "answer", "answered", "citations", "index_version", "took_ms", "answer_id",
                 "related", "conversation_id", "resolved_question", "mode", "dropped_sentences"}
CITATION_FIELDS = {"n", "doc_id", "source", "title", "date", "quote", "start", "end", "passage", "score"}


def assert_quotes_verbatim(service, citations: list[dict]) -> None:
    """Every citation's quote is exactly the document text between its offsets."""
    for citation in citations:
        _, text = service.document(citation["doc_id"])
        assert text[citation["start"]:citation["end"]] == citation["quote"], citation
        assert citation["quote"] in citation["passage"]


async def test_dev_question_is_answered_with_the_25000_quote(client, service):
    response = await client.post("/v1/ask", json={"question": DEV_QUESTION})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == ANSWER_FIELDS
    assert body["answered"] is True and body["question"] == DEV_QUESTION
    assert body["citations"] and all(set(c) == CITATION_FIELDS for c in body["citations"])
    assert any("25,000" in c["quote"] for c in body["citations"])
    assert "[1]" in body["answer"] and "25,000" in body["answer"]
    assert [c["n"] for c in body["citations"]] == list(range(1, len(body["citations"]) + 1))
    assert body["index_version"] == service.status()["version"]
    assert len(body["answer_id"]) >= 16 and body["took_ms"] > 0
    assert_quotes_verbatim(service, body["citations"])


async def test_citation_offsets_match_the_documents_endpoint(client):
    body = (await client.post("/v1/ask", json={"question": "How many users does Keling serve?"})).json()
    assert body["answered"] and body["citations"]
    for citation in body["citations"]:
        document = (await client.get(f"/v1/documents/{citation['doc_id']}")).json()
        assert document["text"][citation["start"]:citation["end"]] == citation["quote"]
        assert document["meta"]["title"] == citation["title"]


async def test_top_k_limits_citations(client, service):
    body = (await client.post("/v1/ask", json={"question": DEV_QUESTION, "top_k": 1})).json()
    assert body["answered"] and len(body["citations"]) == 1
    assert_quotes_verbatim(service, body["citations"])


async def test_follow_up_uses_its_own_conversation_only(client, service):
    first = await client.post("/v1/ask", json={"question": DEV_QUESTION, "conversation_id": "conv-follow-a"})
    assert first.json()["answered"]

    follow = (await client.post("/v1/ask", json={"question": "and Keling?",
                                                 "conversation_id": "conv-follow-a"})).json()
    assert follow["conversation_id"] == "conv-follow-a"
    assert "Keling" in follow["resolved_question"] and "paying users" in follow["resolved_question"]
    assert follow["answered"] and "2 million" in follow["answer"]
    assert all("Keling" in c["quote"] for c in follow["citations"])
    assert_quotes_verbatim(service, follow["citations"])

    other = (await client.post("/v1/ask", json={"question": "and Keling?",
                                                "conversation_id": "conv-follow-b"})).json()
    assert other["resolved_question"] is None
    assert "2 million" not in other["answer"]


async def test_unanswerable_question_abstains_with_related_passages(client):
    body = (await client.post("/v1/ask", json={"question": "What is the capital of France?"})).json()
    assert body["answered"] is False
    assert body["citations"] == []
    assert body["answer"].startswith("The documents don't say")
    assert body["related"] and all(p["text"] for p in body["related"])


async def test_every_answer_is_recorded_for_feedback(client, feedback_store):
    body = (await client.post("/v1/ask", json={"question": DEV_QUESTION})).json()
    feedback_store.add_feedback(body["answer_id"], True, "recorded by the API", "test")
    assert feedback_store.feedback_for(body["answer_id"])[0]["comment"] == "recorded by the API"


async def test_stream_sends_citations_then_answer_then_done(client, service, feedback_store):
    response = await client.post("/v1/ask/stream", json={"question": DEV_QUESTION,
                                                         "conversation_id": "conv-stream"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = parse_sse(response.text)
    assert [name for name, _ in events] == ["citations", "answer", "done"]
    (_, cited), (_, answer), (_, done) = events
    assert cited["answered"] is True and cited["index_version"]
    assert any("25,000" in c["quote"] for c in cited["citations"])
    assert_quotes_verbatim(service, cited["citations"])
    assert "25,000" in answer["answer"] and answer["answered"] is True
    assert done["answer_id"] == cited["answer_id"] and done["conversation_id"] == "conv-stream"
    assert feedback_store.add_feedback(done["answer_id"], False) > 0


async def test_stream_of_an_abstention_carries_related_passages(client):
    events = parse_sse((await client.post("/v1/ask/stream",
                                          json={"question": "What is the capital of France?"})).text)
    assert [name for name, _ in events] == ["citations", "answer", "done"]
    assert events[0][1]["citations"] == [] and events[0][1]["related"]
    assert events[1][1]["answered"] is False


async def test_stream_rejects_bad_input_with_a_json_error(client):
    response = await client.post("/v1/ask/stream", json={"question": ""})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/json")
    assert "question" in response.json()["error"]


async def test_numbers_in_strings_are_rejected_as_the_schema_says(client):
    """Regression: {"top_k": "7"} was coerced and accepted though the schema says integer."""
    for path in ("/v1/ask", "/v1/ask/stream"):
        response = await client.post(path, json={"question": "Who founded it?", "top_k": "7"})
        assert response.status_code == 422, path
        assert "top_k" in response.json()["error"]
    accepted = await client.post("/v1/ask", json={"question": "Who founded it?", "top_k": 2.0})
    assert accepted.status_code == 200  # JSON Schema's integer includes 2.0
