"""Who may ask where and how often, and who is an admin: predicates plus the check failures they raise."""
from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.state import Wait


class ChannelNotAllowed(app_commands.CheckFailure):
    """The question was asked outside the configured channel allow-list."""

    def __init__(self, channels: list[int]):
        self.channels = list(channels)
        super().__init__("questions are not answered in this channel")


class NotAdmin(app_commands.CheckFailure):
    """An admin command was used by someone without Manage Server or the admin role."""

    def __init__(self, admin_role: str | None):
        self.admin_role = admin_role
        super().__init__("admin command refused")


class CooldownActive(app_commands.CheckFailure):
    """A question came too soon after the previous one (per user or per channel)."""

    def __init__(self, wait: Wait):
        self.wait = wait
        super().__init__(f"{wait.scope} cooldown: retry in {wait.retry_after:.1f} s")


class StillAnswering(app_commands.CheckFailure):
    """A member asked again while their previous question is still being answered."""

    def __init__(self):
        super().__init__("previous question still being answered")


def channel_allowed(channel: Any, allowed: list[int]) -> bool:
    """True when no allow-list is set, or the channel (or a thread's parent) is on it."""
    if not allowed:
        return True
    if channel is None:
        return False
    ids = {getattr(channel, "id", None), getattr(channel, "parent_id", None)}
    return bool(ids & set(allowed))


def is_admin(user: Any, admin_role: str | None) -> bool:
    """Manage Server (or Administrator) permission, or the configured admin role (by name or id)."""
    perms = getattr(user, "guild_permissions", None)
    if perms is not None and (perms.manage_guild or perms.administrator):
        return True
    if admin_role:
        wanted = admin_role.strip().lstrip("@")
        return any(role.name == wanted or str(role.id) == wanted for role in getattr(user, "roles", []))
    return False


def admin_only():
    """App-command check: refuse (NotAdmin) anyone who is not a server manager or admin-role holder."""

    async def predicate(interaction: discord.Interaction) -> bool:
        role = interaction.client.settings.discord_admin_role
        if not is_admin(interaction.user, role):
            raise NotAdmin(role)
        return True

    return app_commands.check(predicate)


def may_ask():
    """App-command check: the channel is allowed and no cooldown is running (the answer spends it)."""

    async def predicate(interaction: discord.Interaction) -> bool:
        bot = interaction.client
        allowed = bot.settings.discord_channels
        if not channel_allowed(interaction.channel, allowed):
            raise ChannelNotAllowed(allowed)
        wait = bot.cooldowns.check(interaction.user.id, interaction.channel_id or interaction.user.id)
        if wait is not None:
            raise CooldownActive(wait)
        return True

    return app_commands.check(predicate)
