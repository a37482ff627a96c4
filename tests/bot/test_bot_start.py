"""start_bot: missing token, invalid token, missing intent and no network each end in one clear line."""
from __future__ import annotations

import socket

import discord
import pytest
import yarl
from fake_discord import FakeDiscord

from bot.client import create_bot
from bot.run import clean_token, start_bot
from rag.errors import ConfigError, DiscordUnavailableError, ReelqaError


@pytest.fixture(autouse=True)
def never_the_real_discord(monkeypatch):
    """Whatever a test does, discord.py's REST calls go to a closed local port unless it says otherwise."""
    monkeypatch.setattr(discord.http.Route, "BASE", "http://127.0.0.1:9/api/v10")
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL("ws://127.0.0.1:9/"))


@pytest.fixture
def bot(service, feedback, settings_for):
    return create_bot(service, feedback, settings_for())


def one_line(error: ReelqaError) -> str:
    text = str(error)
    assert text and "\n" not in text and "Traceback" not in text
    assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)
    return text


@pytest.mark.parametrize("token", [None, "", "   ", "Bot "])
async def test_missing_token_is_a_config_error(bot, token):
    with pytest.raises(ConfigError) as caught:
        await start_bot(bot, token)
    assert one_line(caught.value).startswith("DISCORD_TOKEN is not set;")
    assert caught.value.exit_code != 0


def test_token_is_cleaned_of_whitespace_and_a_bot_prefix():
    assert clean_token("  Bot abc.def  ") == "abc.def"
    assert clean_token("abc.def\n") == "abc.def"


@pytest.fixture
def local_discord(monkeypatch):
    """Point discord.py's REST base and gateway at a local address (the test never leaves the machine)."""

    def use(api: str, gateway: str | None = None) -> None:
        monkeypatch.setattr(discord.http.Route, "BASE", api)
        if gateway:
            monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(gateway))

    return use


async def test_invalid_token_maps_login_failure_to_one_line(bot, local_discord):
    async with FakeDiscord("bad_token") as fake:
        local_discord(fake.api)
        with pytest.raises(ConfigError) as caught:
            await start_bot(bot, "not-a-real-token")
    assert fake.requests == ["GET /users/@me"]
    assert one_line(caught.value).startswith("Discord rejected DISCORD_TOKEN")
    assert bot.is_closed()


async def test_missing_message_content_intent_maps_to_one_line(bot, local_discord):
    async with FakeDiscord("no_intent") as fake:
        local_discord(fake.api, fake.gateway_url)
        with pytest.raises(ConfigError) as caught:
            await start_bot(bot, "a-token")
    assert fake.identified  # logged in, synced, connected, identified; then Discord closed with 4014
    assert "PUT /applications/4242/commands" in fake.requests
    assert "Message Content intent" in one_line(caught.value)


async def test_no_network_maps_to_one_line(bot, local_discord):
    with socket.socket() as s:  # a port nothing listens on: the connection is refused, like a dead network
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    local_discord(f"http://127.0.0.1:{port}/api/v10")
    with pytest.raises(DiscordUnavailableError) as caught:
        await start_bot(bot, "a-token")
    assert one_line(caught.value).startswith("cannot reach Discord (")
    assert isinstance(caught.value, ReelqaError) and caught.value.exit_code != 0
