"""The bot over a generative service whose real ChatOpenAI client talks HTTP to the scripted fake server."""
from __future__ import annotations

import pytest
from bot_helpers import bot_answers

from tests import generative_support as g
from tests.llm_fakes import OpenAIFake


@pytest.fixture(scope="module")
def fake():
    """An OpenAI-compatible fake on 127.0.0.1 (each test scripts its replies)."""
    with OpenAIFake() as server:
        yield server


@pytest.fixture
def service(fake, settings_for, embedder, multilingual, glossary):
    """The composition root's generative service, its chat model the fake server."""
    settings = g.llm_settings(settings_for, fake, "openai")
    return g.components_for(settings, embedder, multilingual, glossary).service


@pytest.mark.simcord(settle_timeout=30)
async def test_a_streamed_llm_answer_reaches_discord_without_its_unsupported_figure(world, fake):
    fake.reply(g.unsupported_figure)
    await world.alice.send(world.channel, f"{world.bot_mention} {g.QUESTION}")

    assert fake.requests and fake.requests[-1]["stream"] is True  # the bot asked through the stream
    (answer,) = bot_answers(world.channel, world.env.bot)
    text = answer.embeds[0].description
    assert "2 million" in text and "9 million" not in text  # verification dropped the unsupported sentence
    assert "1 sentence removed" in answer.embeds[0].footer.text


@pytest.mark.simcord(settle_timeout=30)
async def test_a_citation_to_a_missing_passage_never_reaches_discord(world, fake):
    fake.reply(g.missing_citation)
    await world.alice.send(world.channel, f"{world.bot_mention} {g.QUESTION}")

    (answer,) = bot_answers(world.channel, world.env.bot)
    text = answer.embeds[0].description
    assert "[42]" not in text and "double" not in text and "2 million" in text
