"""Bot fixtures: the real bot (create_bot) over the real service, driven by SimCord's simulated Discord."""
from __future__ import annotations

import logging
from dataclasses import dataclass

import discord
import pytest


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "bot_settings(**overrides): Settings overrides for the simcord_bot fixture"
    )
    config.addinivalue_line("markers", "allow_bot_errors: the test expects the bot to log unexpected errors")


@pytest.fixture
def feedback(tmp_path):
    """A fresh feedback store (the same class the HTTP API uses)."""
    from rag.feedback import FeedbackStore

    return FeedbackStore(tmp_path / "feedback.sqlite3")


@pytest.fixture
def bot_settings(request, settings_for):
    """Settings for the bot under test; a test may override fields with @pytest.mark.bot_settings(...)."""
    marker = request.node.get_closest_marker("bot_settings")
    return settings_for(**(marker.kwargs if marker else {}))


@pytest.fixture
def reindex_callable():
    """No re-indexing unless a test provides one."""
    return


@pytest.fixture
def simcord_bot(service, feedback, bot_settings, reindex_callable):
    """The real, unmodified bot, exactly as the CLI builds it."""
    from bot.client import create_bot

    return create_bot(service, feedback, bot_settings, reindex=reindex_callable)


@dataclass
class World:
    """A server with a #general channel, an asking member and a server manager."""

    env: object
    guild: object
    channel: object
    alice: object
    admin: object

    @property
    def bot_mention(self) -> str:
        return self.env.bot.user.mention


@pytest.fixture
def world(simcord_env) -> World:
    guild = simcord_env.create_guild("Reel Guild")
    channel = guild.create_text_channel("general")
    alice = guild.add_member(simcord_env.create_user("alice"))
    managers = guild.create_role("Managers", permissions=discord.Permissions(manage_guild=True))
    admin = guild.add_member(simcord_env.create_user("boss"), roles=[managers])
    return World(simcord_env, guild, channel, alice, admin)


@pytest.fixture(autouse=True)
def no_unexpected_bot_errors(request, caplog):
    """Fail any test in which the bot logged an unexpected error (it apologises and logs them)."""
    caplog.set_level(logging.INFO, logger="reelqa.bot")
    yield
    if request.node.get_closest_marker("allow_bot_errors"):
        return
    errors = [r for r in caplog.records if r.name == "reelqa.bot" and r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]
