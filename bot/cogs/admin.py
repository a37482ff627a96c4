"""Admin commands (Manage Server or the configured role): `/status` and `/reindex`.

Both are hidden from members without Manage Server by default permissions (server admins can allow a role
in Server Settings → Integrations); the bot still checks who runs them.
"""
from __future__ import annotations

import asyncio
import logging
import time

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import admin_only
from bot.texts import reindex_embed, status_embed

log = logging.getLogger("reelqa.bot")
NONE = discord.AllowedMentions.none()


class Admin(commands.Cog):
    """Index status and re-indexing without stopping the bot."""

    def __init__(self, bot: commands.Bot):
        self.bot = bot
        self._reindexing = asyncio.Lock()

    @app_commands.command(
        name="status", description="Index version, documents, chunks, uptime and answer counts"
    )
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @admin_only()
    async def status(self, interaction: discord.Interaction) -> None:
        """Report the live index and the answer tallies (privately)."""
        status = await asyncio.to_thread(self.bot.service.status)
        uptime = time.monotonic() - self.bot.started_at
        await interaction.response.send_message(
            embed=status_embed(status, uptime), ephemeral=True, allowed_mentions=NONE
        )

    @app_commands.command(name="reindex", description="Re-index changed documents now, without a restart")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @admin_only()
    async def reindex(self, interaction: discord.Interaction) -> None:
        """Run an incremental update in a worker thread and report added/kept/deleted."""
        if self.bot.reindex is None:
            await interaction.response.send_message(
                "Re-indexing isn't available in this process; run `reelqa index` on the server.",
                ephemeral=True,
                allowed_mentions=NONE,
            )
            return
        if self._reindexing.locked():
            await interaction.response.send_message(
                "A re-index is already running; I'll keep answering meanwhile.",
                ephemeral=True,
                allowed_mentions=NONE,
            )
            return
        async with self._reindexing:
            await interaction.response.defer(ephemeral=True, thinking=True)
            log.info("re-index requested by %s (%s)", interaction.user, interaction.user.id)
            report = await asyncio.to_thread(self.bot.reindex, False)
            await interaction.followup.send(
                embed=reindex_embed(report), ephemeral=True, allowed_mentions=NONE
            )


async def setup(bot: commands.Bot) -> None:
    """Extension entry point."""
    await bot.add_cog(Admin(bot))
