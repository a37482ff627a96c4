"""Admin commands and /help through SimCord, and slash-command sync to one guild."""
from __future__ import annotations

import discord
import pytest
import simcord
from bot_helpers import text_of

from bot.checks import NotAdmin
from bot.client import create_bot


async def test_admin_commands_are_refused_politely_to_non_admins(world):
    for command in ("status", "reindex"):  # even when a server admin lets a member see the command
        world.guild.set_command_permissions(command_id(world.env, command), {world.alice: True})
        result = await world.alice.slash(world.channel, command)
        assert result.ephemeral
        assert result.response.content.startswith("🙏 Sorry, that command is for server managers")
        assert "Manage Server" in result.response.content
    assert [type(e) for e in world.env.errors] == [NotAdmin, NotAdmin]


async def test_status_reports_index_uptime_and_answer_counts(world, service):
    await world.env.advance_time(3600)
    result = await world.admin.slash(world.channel, "status")

    assert result.ephemeral
    (embed,) = result.response.embeds
    fields = {f.name: f.value for f in embed.fields}
    expected = service.status()
    assert fields["Index version"] == expected["version"]
    assert (fields["Documents"], fields["Chunks"]) == (str(expected["documents"]), str(expected["chunks"]))
    assert (fields["Answered"], fields["Abstained"]) == (
        str(expected["answered"]),
        str(expected["abstained"]),
    )
    assert fields["Uptime"] == "1 h 0 min"


def command_id(env, name: str) -> int:
    (command,) = [c for scope in env.backend.commands.values() for c in scope.values() if c["name"] == name]
    return int(command["id"])


async def test_admin_commands_are_hidden_from_members_by_default_permissions(world):
    assert {"ask", "help"} <= set(world.alice.available_commands(world.channel))
    assert not {"status", "reindex"} & set(world.alice.available_commands(world.channel))
    assert {"status", "reindex"} <= set(world.admin.available_commands(world.channel))


@pytest.mark.bot_settings(discord_admin_role="Curators")
async def test_the_configured_role_is_admin_too(world):
    curators = world.guild.create_role("Curators")
    curator = world.guild.add_member(world.env.create_user("cora"), roles=[curators])
    # a server admin allows the role in Server Settings → Integrations (default permissions hide the command)
    world.guild.set_command_permissions(command_id(world.env, "status"), {curators: True, world.alice: True})
    result = await curator.slash(world.channel, "status")
    assert result.ephemeral and result.response.embeds[0].title == "reelqa status"
    refused = await world.alice.slash(world.channel, "status")
    assert "**Curators** role" in refused.response.content
    assert [type(e) for e in world.env.errors] == [NotAdmin]


async def test_reindex_without_a_reindex_callable_says_so(world):
    result = await world.admin.slash(world.channel, "reindex")
    assert result.ephemeral and "isn't available" in result.response.content


async def test_help_explains_how_to_ask(world):
    result = await world.alice.slash(world.channel, "help")
    assert result.ephemeral
    text = text_of(result.response)
    assert "/ask" in text and "mention me" in text and "Reply to one of my answers" in text


GUILD_ID = 987654321098765432


async def test_commands_sync_to_the_configured_guild_only(service, feedback, settings_for):
    bot = create_bot(service, feedback, settings_for(discord_guild=GUILD_ID))
    env = simcord.Env(bot)
    guild = env.create_guild("Dev", id=GUILD_ID)
    channel = guild.create_text_channel("dev")
    dev = guild.add_member(env.create_user("dev"))
    await env.start()
    try:
        syncs = [r.path for r in env.http_requests if r.method == "PUT" and r.path.endswith("/commands")]
        assert len(syncs) == 1 and syncs[0].endswith(f"/guilds/{GUILD_ID}/commands")
        assert {"ask", "help"} <= set(dev.available_commands(channel))
        assert {"status", "reindex"} <= {c["name"] for c in env.backend.commands[GUILD_ID].values()}
        result = await dev.slash(channel, "help")
        assert result.ephemeral and result.response.embeds
    finally:
        await env.shutdown()
    assert not env.errors


async def test_missing_message_content_intent_is_reported_by_discord(service, feedback, settings_for):
    bot = create_bot(service, feedback, settings_for())
    assert bot.intents.message_content  # the bot asks for it...
    env = simcord.Env(bot, approved_intents=discord.Intents.default())  # ...but the portal toggle is off
    with pytest.raises(discord.PrivilegedIntentsRequired):
        await env.start()
