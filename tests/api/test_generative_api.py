"""Generative answers over HTTP: `token` events before citations/answer/done, verified text, LLM metrics."""
from __future__ import annotations

import httpx
import pytest

from tests import generative_support as g
from tests.api.support import LiveServer, client_for, free_port, parse_sse
from tests.llm_fakes import OllamaFake, OpenAIFake, Reply


@pytest.fixture(scope="module")
def fake():
    """One OpenAI-compatible fake server for the module."""
    with OpenAIFake() as server:
        yield server


@pytest.fixture(scope="module")
def generative(fake, settings_for, embedder, multilingual, glossary):
    """A generative service whose chat model is the fake server."""
    settings = g.llm_settings(settings_for, fake, llm_timeout_seconds=1.0)
    return g.components_for(settings, embedder, multilingual, glossary).service


@pytest.fixture
async def llm_client(make_app, generative):
    """An in-process client of an app over the generative service."""
    async with client_for(make_app(service_=generative)) as c:
        yield c


async def test_stream_sends_tokens_then_the_verified_answer(fake, llm_client, generative):
    fake.reply(g.unsupported_figure)
    response = await llm_client.post("/v1/ask/stream", json={"question": g.QUESTION, "conversation_id": "s1"})
    assert response.status_code == 200
    events = parse_sse(response.text)
    names = [name for name, _ in events]
    tokens = [data["text"] for name, data in events if name == "token"]
    assert len(tokens) >= 5 and names == ["token"] * len(tokens) + ["citations", "answer", "done"]
    assert "9 million" in "".join(tokens)  # streamed as the model wrote it ...
    answer = events[-2][1]
    assert "9 million" not in answer["answer"] and "2 million" in answer["answer"]  # ... and verified after
    assert answer["mode"] == "generative" and answer["dropped_sentences"] == 1
    cited = events[-3][1]["citations"]
    assert [c["n"] for c in cited] == [1]
    _, text = generative.document(cited[0]["doc_id"])
    assert text[cited[0]["start"]:cited[0]["end"]] == cited[0]["quote"]
    assert events[-1][1]["conversation_id"] == "s1"


async def test_ask_returns_the_mode_and_dropped_count(fake, llm_client):
    fake.reply(g.missing_citation)
    body = (await llm_client.post("/v1/ask", json={"question": g.QUESTION})).json()
    assert body["mode"] == "generative" and body["dropped_sentences"] == 1 and "[42]" not in body["answer"]


async def test_a_fault_streams_no_tokens_and_the_extractive_answer(fake, llm_client, service):
    fake.reply(Reply(status=429))
    events = parse_sse((await llm_client.post("/v1/ask/stream", json={"question": g.QUESTION})).text)
    assert [name for name, _ in events] == ["citations", "answer", "done"]
    assert events[1][1]["mode"] == "extractive" and events[1][1]["answer"] == service.ask(g.QUESTION).answer


async def test_metrics_count_llm_requests_by_outcome(fake, llm_client):
    fake.reply(g.correct, Reply(status=500))
    await llm_client.post("/v1/ask", json={"question": g.QUESTION})
    await llm_client.post("/v1/ask", json={"question": g.QUESTION})
    metrics = (await llm_client.get("/metrics")).text
    counts = {line.split('"')[1]: float(line.split()[-1]) for line in metrics.splitlines()
              if line.startswith("reelqa_llm_requests_total{")}
    assert counts["ok"] >= 1 and counts["server_error"] >= 1 and counts["timeout"] >= 0


async def test_extractive_app_has_no_llm_metric_and_no_tokens(client):
    assert "reelqa_llm_requests_total" not in (await client.get("/metrics")).text
    events = parse_sse((await client.post("/v1/ask/stream", json={"question": g.QUESTION})).text)
    assert [name for name, _ in events] == ["citations", "answer", "done"]


async def test_openapi_documents_the_token_event(client):
    schema = (await client.get("/openapi.json")).json()
    stream = schema["paths"]["/v1/ask/stream"]["post"]["responses"]["200"]
    events = stream["content"]["text/event-stream"]["schema"]["oneOf"]
    assert [e["properties"]["event"]["const"] for e in events] == ["token", "citations", "answer", "done"]
    assert "token" in stream["description"]


@pytest.mark.integration
def test_tokens_arrive_over_real_http_from_an_ollama_model(settings_for, embedder, multilingual, glossary, tmp_path):
    from api.app import create_app
    from rag.feedback import FeedbackStore

    with OllamaFake() as ollama:
        settings = g.llm_settings(settings_for, ollama, "ollama", rate_limit_per_minute=0)
        generative = g.components_for(settings, embedder, multilingual, glossary).service
        feedback = FeedbackStore(tmp_path / "feedback.sqlite3")
        server = LiveServer(create_app(generative, feedback, settings), free_port()).start()
        try:
            ollama.reply(lambda r: Reply(pieces=g.streamed(r).chunks(), piece_delay=0.05))
            with httpx.Client(base_url=server.url, timeout=60) as http, \
                    http.stream("POST", "/v1/ask/stream", json={"question": g.QUESTION}) as stream:
                events = parse_sse(stream.read().decode())
        finally:
            server.stop()
    tokens = [data["text"] for name, data in events if name == "token"]
    assert len(tokens) == 7 and events[-2][1]["mode"] == "generative"
    assert events[-2][1]["answer"].startswith("Keling has over 2 million cumulative paying users.")
