"""`/help`: how to ask, follow up and give feedback."""
from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.texts import help_embed


class Help(commands.Cog):
    """Explains the bot to whoever asks, privately."""

    def __init__(self, bot: commands.Bot):
        self.bot = bot

    @app_commands.command(name="help", description="How to ask questions and follow up")
    async def help(self, interaction: discord.Interaction) -> None:
        """Send the help embed (ephemeral)."""
        settings = self.bot.settings
        me = interaction.guild.me if interaction.guild else self.bot.user
        await interaction.response.send_message(
            embed=help_embed(settings.discord_channels, settings.discord_admin_role, me.display_name),
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )


async def setup(bot: commands.Bot) -> None:
    """Extension entry point."""
    await bot.add_cog(Help(bot))
