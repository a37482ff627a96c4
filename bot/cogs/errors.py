"""The one error handler: every failure a user can cause or see becomes one polite line."""
from __future__ import annotations

import logging
import re

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import ChannelNotAllowed, CooldownActive, NotAdmin, StillAnswering
from bot.formatting import CONTENT_LIMIT, clip
from bot.texts import cooldown_message
from rag.errors import ReelqaError

log = logging.getLogger("reelqa.bot")

APOLOGY = "😕 Sorry, something went wrong on my side. It has been logged; please try again in a moment."
NONE = discord.AllowedMentions.none()


_SETTING = re.compile(r"\s*\((?:[^()]*\b)?REELQA_[A-Z0-9_]+\b[^()]*\)|\bREELQA_[A-Z0-9_]+\b")


def for_members(text: str) -> str:
    """An error line without server setting names (members can't change them; the log keeps them)."""
    return " ".join(_SETTING.sub("", text).split()) or "that didn't work; please try again"


def describe(error: BaseException) -> tuple[str, bool]:
    """The line to show for an error, and whether it was unexpected (to be logged with a traceback)."""
    if isinstance(error, (app_commands.CommandInvokeError, commands.CommandInvokeError)):
        error = error.original
    if isinstance(error, ReelqaError):
        return f"⚠️ {for_members(str(error))}", False
    if isinstance(error, StillAnswering):
        return "⏳ I'm still answering your previous question — one moment, please.", False
    if isinstance(error, CooldownActive):
        return cooldown_message(error.wait.retry_after, error.wait.scope), False
    if isinstance(error, (app_commands.CommandOnCooldown, commands.CommandOnCooldown)):
        return cooldown_message(error.retry_after, "user"), False
    if isinstance(error, ChannelNotAllowed):
        where = ", ".join(f"<#{c}>" for c in error.channels)
        return f"🙏 I only answer questions in {where}.", False
    if isinstance(error, NotAdmin):
        role = f" or have the **{discord.utils.escape_markdown(error.admin_role)}** role" \
            if error.admin_role else ""
        return ("🙏 Sorry, that command is for server managers: you need the **Manage Server** "
                f"permission{role}."), False
    if isinstance(error, app_commands.NoPrivateMessage):
        return "🙏 That command only works inside a server.", False
    if isinstance(error, app_commands.CheckFailure):
        return "🙏 Sorry, you can't use that command here.", False
    return APOLOGY, True


class ErrorHandler(commands.Cog):
    """Translates errors from slash commands, buttons and mentions into one line for the user."""

    def __init__(self, bot: commands.Bot):
        self.bot = bot

    def line_for(self, error: BaseException, where: str) -> str:
        """The user-facing line, logging unexpected errors with their traceback."""
        text, unexpected = describe(error)
        if unexpected:
            original = getattr(error, "original", error)
            log.error(
                "unexpected error in %s", where, exc_info=(type(original), original, original.__traceback__)
            )
        else:
            log.info("refused in %s: %s", where, error)
        return clip(text, CONTENT_LIMIT)

    async def on_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """Tree error hook: answer the interaction privately with the error's line."""
        name = interaction.command.qualified_name if interaction.command else "interaction"
        await self.respond(interaction, error, where=f"/{name}")

    async def respond(
        self, interaction: discord.Interaction, error: BaseException, where: str = "button"
    ) -> None:
        """Tell the user of an interaction what went wrong (ephemeral), whatever its response state."""
        text = self.line_for(error, where)
        try:
            if interaction.response.is_done():
                await interaction.followup.send(text, ephemeral=True, allowed_mentions=NONE)
            else:
                await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NONE)
        except discord.HTTPException:
            log.warning("could not tell the user about an error in %s", where, exc_info=True)

    async def reply(self, message: discord.Message, error: BaseException) -> None:
        """Reply to a message-based question with the error's line (no pings)."""
        text = self.line_for(error, "message")
        try:
            await message.reply(text, mention_author=False, allowed_mentions=NONE)
        except discord.HTTPException:
            log.warning("could not reply with an error to message %s", message.id, exc_info=True)


async def setup(bot: commands.Bot) -> None:
    """Extension entry point."""
    await bot.add_cog(ErrorHandler(bot))
