"""Unit tests of the bot's small pieces: error wording, cooldowns, conversations, checks, stored passages."""
from __future__ import annotations

import logging
from types import SimpleNamespace

import discord
import pytest
from discord import app_commands

from bot.checks import ChannelNotAllowed, CooldownActive, NotAdmin, channel_allowed, is_admin
from bot.cogs.ask import strip_mentions
from bot.cogs.errors import APOLOGY, describe
from bot.state import ConversationIndex, Cooldowns, Wait
from rag.errors import IndexBusyError, InputError
from rag.schemas import Answer, Citation


def test_errors_are_worded_for_users():
    assert describe(InputError("question is empty; type a question")) == (
        "⚠️ question is empty; type a question",
        False,
    )
    wrapped = app_commands.CommandInvokeError(
        SimpleNamespace(name="ask", qualified_name="ask"), IndexBusyError("busy")
    )
    assert describe(wrapped) == ("⚠️ busy", False)
    assert describe(CooldownActive(Wait("user", 4.2)))[0].endswith("try again in 5 seconds.")
    assert "<#7>, <#8>" in describe(ChannelNotAllowed([7, 8]))[0]
    assert "Manage Server" in describe(NotAdmin(None))[0] and "**Mods** role" in describe(NotAdmin("Mods"))[0]
    assert describe(app_commands.NoPrivateMessage())[0] == "🙏 That command only works inside a server."
    assert describe(RuntimeError("boom")) == (APOLOGY, True)


def test_cooldowns_per_user_and_per_channel():
    now = [100.0]
    cd = Cooldowns(10, 2, clock=lambda: now[0])
    assert cd.hit(1, 50) is None
    assert cd.hit(1, 60) == Wait("user", 10.0)
    assert cd.hit(2, 50) == Wait("channel", 2.0)
    now[0] += 2.5
    assert cd.hit(2, 50) is None  # refused questions did not extend anything
    now[0] += 7.5
    assert cd.hit(1, 60) is None
    assert Cooldowns(0, 0).hit(1, 1) is None and Cooldowns(0, 0).hit(1, 1) is None


def test_conversation_index_is_bounded():
    index = ConversationIndex(max_entries=2)
    index.link(1, "a")
    index.link(2, "a")
    index.link(3, "b")
    assert (index.get(1), index.get(2), index.get(3)) == (None, "a", "b")


def test_channel_allow_list_covers_threads_of_allowed_channels():
    thread = SimpleNamespace(id=99, parent_id=5)
    assert channel_allowed(thread, [])
    assert channel_allowed(thread, [5]) and channel_allowed(SimpleNamespace(id=5), [5])
    assert not channel_allowed(SimpleNamespace(id=6), [5]) and not channel_allowed(None, [5])


def test_admin_is_manage_server_or_the_configured_role():
    role = SimpleNamespace(name="Curators", id=77)
    manager = SimpleNamespace(guild_permissions=discord.Permissions(manage_guild=True), roles=[])
    curator = SimpleNamespace(guild_permissions=discord.Permissions.none(), roles=[role])
    assert is_admin(manager, None)
    assert not is_admin(curator, None)
    assert is_admin(curator, "Curators") and is_admin(curator, "77") and is_admin(curator, "@Curators")
    assert not is_admin(SimpleNamespace(), "Curators")  # a DM user has no roles or guild permissions


def test_mentions_are_stripped_from_questions():
    assert strip_mentions("<@1> <@!2>  why?  <@&3> <#4> @everyone @here") == "why?"


def test_stored_citations_read_what_the_feedback_store_recorded(feedback):
    c = Citation(n=1, doc_id="d", source="d.txt", quote="q", start=0, end=1, passage="q and more")
    feedback.record_answer(
        Answer(question="x", answer="q [1]", answered=True, citations=[c], answer_id="abc"), "discord"
    )
    assert feedback.citations_for("abc") == [c]
    assert feedback.citations_for("nope") is None


@pytest.mark.allow_bot_errors
async def test_unexpected_failures_get_an_apology_and_are_logged(world, service, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(service, "ask", broken)
    await world.alice.send(world.channel, f"{world.bot_mention} How many paying users does Jimeng have?")
    reply = [m for m in world.channel.history() if m.author.id == world.env.bot.user.id][-1]
    assert reply.content == APOLOGY
    await world.env.advance_time(11)
    result = await world.alice.slash(world.channel, "ask", question="How many paying users does Keling have?")
    shown = [m for m in [result.response, *result.followups] if m is not None]
    assert shown[-1].content == APOLOGY
    logged = [r for r in caplog.records if r.name == "reelqa.bot" and r.levelno == logging.ERROR]
    assert len(logged) == 2 and all("disk on fire" in str(r.exc_info[1]) for r in logged)
    assert len(world.env.errors) == 1  # the slash-command failure also reached the tree's error hook
