"""The bot object: a `commands.Bot` built from its dependencies (service, feedback, settings, reindex)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs import EXTENSIONS
from bot.sources import usable_base_url
from bot.state import ConversationIndex, Cooldowns
from rag.feedback import FeedbackStore
from rag.schemas import UpdateReport
from rag.service import QAService
from rag.settings import Settings

log = logging.getLogger("reelqa.bot")

Reindex = Callable[[bool], UpdateReport]


def intents() -> discord.Intents:
    """Default intents plus Message Content (privileged), needed to read mentions, replies and threads."""
    wanted = discord.Intents.default()
    wanted.message_content = True
    return wanted


class ReelqaTree(app_commands.CommandTree):
    """Command tree whose errors all go to the ErrorHandler cog."""

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        """Delegate to the one error handler (or discord.py's default logging without it)."""
        handler = self.client.get_cog("ErrorHandler")
        if handler is None:
            await super().on_error(interaction, error)
            return
        await handler.on_app_command_error(interaction, error)


class ReelqaBot(commands.Bot):
    """reelqa on Discord: slash commands, mentions and follow-ups over the shared QAService."""

    def __init__(
        self, service: QAService, feedback: FeedbackStore, settings: Settings, reindex: Reindex | None = None
    ):
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents(),
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=ReelqaTree,
        )
        self.service, self.feedback, self.settings, self.reindex = service, feedback, settings, reindex
        self.cooldowns = Cooldowns(
            settings.discord_user_cooldown_seconds, settings.discord_channel_cooldown_seconds
        )
        self.conversations = ConversationIndex()
        self.started_at = time.monotonic()

    async def setup_hook(self) -> None:
        """Load one extension per feature, then sync slash commands (to one guild in development)."""
        self.started_at = time.monotonic()
        if self.settings.public_url and usable_base_url(self.settings.public_url) is None:
            log.warning("REELQA_PUBLIC_URL=%r is not an http(s) address; answers won't link to documents",
                        self.settings.public_url)
        for name in EXTENSIONS:
            await self.load_extension(name)
        guild_id = self.settings.discord_guild
        if guild_id:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d slash commands to guild %s", len(synced), guild_id)
        else:
            synced = await self.tree.sync()
            log.info("synced %d global slash commands (they can take a while to appear)", len(synced))

    async def on_message(self, message: discord.Message) -> None:
        """No prefix commands: questions are handled by the Ask cog's listener."""

    async def on_ready(self) -> None:
        """Log who we are and where."""
        log.info("Discord bot ready as %s in %d server(s)", self.user, len(self.guilds))


def create_bot(
    service: QAService, feedback: FeedbackStore, settings: Settings, reindex: Reindex | None = None
) -> ReelqaBot:
    """Build the bot from its dependencies (nothing global); start it with `bot.run.start_bot`."""
    # The bot never joins voice: don't warn users about voice libraries it does not need.
    discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
    return ReelqaBot(service, feedback, settings, reindex)
