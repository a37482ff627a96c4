"""Generative answers through real ChatOpenAI / ChatOllama clients talking HTTP to scripted fake servers."""
from __future__ import annotations

import logging

import pytest

from rag.errors import ConfigError
from tests import generative_support as g
from tests.llm_fakes import OllamaFake, OpenAIFake, Reply

FAKES = {"openai": OpenAIFake, "ollama": OllamaFake}


@pytest.fixture(scope="module", params=["openai", "ollama"])
def fake(request):
    """A fake server of each protocol, shared by the module's tests (each test scripts its own replies)."""
    with FAKES[request.param]() as server:
        server.provider = request.param
        yield server


@pytest.fixture
def make(fake, settings_for, embedder, multilingual, glossary):
    """Build a generative service over the shared index whose chat model is the fake server."""

    def build(**overrides):
        settings = g.llm_settings(settings_for, fake, fake.provider, **overrides)
        return g.components_for(settings, embedder, multilingual, glossary).service

    return build


def _check_quotes(service, answer):
    view = service.view()
    for citation in answer.citations:
        assert view.text(citation.doc_id)[citation.start:citation.end] == citation.quote
        assert citation.quote in citation.passage


def test_a_correct_answer_is_generative_with_exact_quotes(fake, make):
    service = make()
    fake.reply(g.correct)
    answer = service.ask(g.QUESTION)
    assert answer.mode == "generative" and answer.answered and answer.dropped_sentences == 0
    assert answer.answer == "Keling has over 2 million cumulative paying users. [1]"
    assert [c.n for c in answer.citations] == [1] and g.FACT in answer.citations[0].quote
    _check_quotes(service, answer)
    assert service.llm_outcomes.snapshot()["ok"] >= 1


def test_the_prompt_numbers_passages_with_title_and_date_as_quoted_data(fake, make):
    service = make()
    fake.reply(g.correct)
    service.ask(g.QUESTION, top_k=3)
    system, user = fake.requests[-1]["messages"][0], fake.requests[-1]["messages"][-1]
    assert system["role"] == "system" and "not instructions" in system["content"]
    assert "same language as the question" in system["content"] and "[1]" in system["content"]
    assert user["content"].count("<passage n=") == 3 and 'date="2024-12-27"' in user["content"]
    assert g.QUESTION in user["content"]


def test_a_streamed_answer_yields_pieces_then_the_verified_answer(fake, make):
    service = make()
    fake.reply(g.streamed)
    items = list(service.ask_stream(g.QUESTION))
    pieces, final = items[:-1], items[-1]
    assert len(pieces) >= 5 and all(isinstance(p, str) for p in pieces)
    assert fake.requests[-1]["stream"] is True
    assert final.mode == "generative" and final.dropped_sentences == 0
    assert final.answer.startswith("Keling has over 2 million cumulative paying users.")
    assert "ten million yuan" in final.answer and final.answer.count("[1]") == 2
    _check_quotes(service, final)


def test_a_citation_that_does_not_exist_is_removed(fake, make):
    service = make()
    fake.reply(g.missing_citation)
    answer = service.ask(g.QUESTION)
    assert answer.mode == "generative" and "[42]" not in answer.answer and "double" not in answer.answer
    assert answer.dropped_sentences == 1 and [c.n for c in answer.citations] == [1]


def test_a_figure_the_cited_passage_lacks_is_dropped_and_counted(fake, make):
    service = make()
    fake.reply(g.unsupported_figure)
    answer = service.ask(g.QUESTION)
    assert answer.mode == "generative" and "9 million" not in answer.answer and "2 million" in answer.answer
    assert answer.dropped_sentences == 1


def test_an_answer_in_chinese_is_verified_across_languages(fake, make):
    service = make()
    fake.reply(g.chinese)
    answer = service.ask("可灵有多少付费用户？")
    assert answer.mode == "generative" and answer.answer.startswith("可灵的累计付费用户超过200万")
    assert answer.dropped_sentences == 0 and g.FACT in answer.citations[0].quote
    _check_quotes(service, answer)


def test_when_nothing_is_supported_the_extractive_answer_is_given(fake, make, service):
    generative = make()
    fake.reply(g.nothing_supported)
    answer = generative.ask(g.QUESTION)
    expected = service.ask(g.QUESTION)
    assert answer.mode == "extractive" and answer.dropped_sentences == 2
    assert answer.answer == expected.answer and answer.citations == expected.citations


@pytest.mark.parametrize("reply, outcome", [
    (Reply("Keling has over 2 million users [1].", delay=2.5), "timeout"),
    (Reply(status=429), "rate_limited"),
    (Reply(status=500), "server_error"),
    (Reply(status=401), "auth_error"),
    (Reply(raw="{this is not json"), "bad_output"),
    (Reply(""), "empty_output"),
], ids=["slow", "429", "500", "401", "invalid-json", "empty"])
def test_faults_give_the_extractive_answer_one_log_line_and_a_count(fake, make, service, caplog, reply, outcome):
    generative = make(llm_timeout_seconds=1.0)
    fake.reply(reply)
    before = generative.llm_outcomes.snapshot()
    with caplog.at_level(logging.WARNING, logger="reelqa.llm"):
        answer = generative.ask(g.QUESTION)
    assert answer.mode == "extractive" and answer.answer == service.ask(g.QUESTION).answer
    lines = [r for r in caplog.records if r.name == "reelqa.llm"]
    assert len(lines) == 1 and "fallback" in lines[0].getMessage()
    after = generative.llm_outcomes.snapshot()
    changed = {k for k in after if after[k] != before[k]}
    assert changed == {outcome} and after[outcome] == before[outcome] + 1


def test_a_refused_connection_gives_the_extractive_answer(settings_for, embedder, multilingual, glossary, service):
    from tests.api.support import free_port

    class Closed:
        base_url = f"http://127.0.0.1:{free_port()}/v1"

    settings = g.llm_settings(settings_for, Closed, "openai", llm_timeout_seconds=2.0)
    generative = g.components_for(settings, embedder, multilingual, glossary).service
    answer = generative.ask(g.QUESTION)
    assert answer.mode == "extractive" and answer.answer == service.ask(g.QUESTION).answer
    assert generative.llm_outcomes.snapshot()["connection_error"] == 1


def test_a_follow_up_is_rewritten_by_the_model(fake, make):
    service = make()
    fake.reply(g.correct, Reply("How many paying users does Jimeng have?"),
               lambda r: Reply(f"Jimeng has approximately 25,000 paying users [{g.cite(r, '25,000 paying users')}]."))
    service.ask(g.QUESTION, conversation_id="c1")
    answer = service.ask("And Jimeng?", conversation_id="c1")
    rewrite_request = fake.requests[-2]
    assert "How many paying users does Keling have?" in rewrite_request["messages"][-1]["content"]
    assert answer.resolved_question == "How many paying users does Jimeng have?"
    assert answer.mode == "generative" and "25,000" in answer.answer


def test_a_rewrite_that_loses_the_topic_falls_back_to_the_rules(fake, make):
    service = make()
    fake.reply(g.correct, Reply("How many paying users does Keling have?"), g.correct)
    service.ask(g.QUESTION, conversation_id="c2")
    answer = service.ask("And Jimeng?", conversation_id="c2")
    assert answer.resolved_question == "How many paying users does Jimeng have?"  # the rule-based rewrite


def test_a_rewrite_fault_falls_back_to_the_rules(fake, make):
    service = make()
    fake.reply(g.correct, Reply(status=500), g.correct)
    service.ask(g.QUESTION, conversation_id="c3")
    answer = service.ask("And Jimeng?", conversation_id="c3")
    assert answer.resolved_question == "How many paying users does Jimeng have?"


def test_without_a_provider_answers_are_unchanged(settings_for, embedder, multilingual, glossary, service):
    parts = g.components_for(settings_for(), embedder, multilingual, glossary)
    assert parts.llm is None and parts.service.llm_outcomes is None
    for question in (g.QUESTION, "可灵有多少付费用户？", "What is the capital of France?"):
        mine, reference = parts.service.ask(question), service.ask(question)
        assert mine.mode == "extractive" and mine.answer == reference.answer
        assert mine.citations == reference.citations and mine.related == reference.related
    assert next(iter(parts.service.ask_stream(g.QUESTION))).answer == service.ask(g.QUESTION).answer


def test_a_provider_without_a_model_is_one_clear_config_error(settings_for, embedder, multilingual, glossary):
    parts = g.components_for(settings_for(llm_provider="ollama"), embedder, multilingual, glossary)
    with pytest.raises(ConfigError, match="REELQA_LLM_MODEL"):
        parts.service  # noqa: B018 - building it is the check
