"""👍/👎 feedback and "Show passages": the persistent buttons under every answer."""
from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict

import discord
from discord.ext import commands

from bot.formatting import passage_pages
from bot.views import FeedbackButton, PassagesButton
from rag.errors import InputError

log = logging.getLogger("reelqa.bot")
NONE = discord.AllowedMentions.none()
MAX_VOTES_REMEMBERED = 100_000
THANKS_UP = "Thanks — glad it helped! 👍"
THANKS_DOWN = ("Thanks for telling us — unhelpful answers show the maintainers what the documents are "
               "missing. 👎")


class Feedback(commands.Cog):
    """Handles the answer buttons; votes go to the same FeedbackStore as the HTTP API (channel "discord")."""

    def __init__(self, bot: commands.Bot):
        self.bot = bot
        self._voted: OrderedDict[tuple[int, str], None] = OrderedDict()  # one vote per user and answer

    async def cog_load(self) -> None:
        """Register the dynamic buttons so clicks on old messages are routed after a restart."""
        self.bot.add_dynamic_items(FeedbackButton, PassagesButton)

    async def cog_unload(self) -> None:
        """Stop routing button clicks here."""
        self.bot.remove_dynamic_items(FeedbackButton, PassagesButton)

    async def vote(self, interaction: discord.Interaction, answer_id: str, helpful: bool) -> None:
        """Store one 👍/👎 per user and answer, then thank the user privately."""
        key = (interaction.user.id, answer_id)
        if key in self._voted:
            await interaction.response.send_message("You've already rated this answer — thanks!",
                                                    ephemeral=True, allowed_mentions=NONE)
            return
        try:
            await asyncio.to_thread(self.bot.feedback.add_feedback, answer_id, helpful, None, "discord")
        except Exception as exc:  # noqa: BLE001 - every failure goes through the one error handler
            await self.bot.get_cog("ErrorHandler").respond(interaction, exc, where="feedback button")
            return
        self._voted[key] = None
        while len(self._voted) > MAX_VOTES_REMEMBERED:
            self._voted.popitem(last=False)
        thanks = THANKS_UP if helpful else THANKS_DOWN
        await interaction.response.send_message(thanks, ephemeral=True, allowed_mentions=NONE)

    async def show_passages(self, interaction: discord.Interaction, answer_id: str) -> None:
        """Send the full cited passages of an answer to the clicker only."""
        try:
            citations = await asyncio.to_thread(self.bot.feedback.citations_for, answer_id)
            if citations is None:
                raise InputError("that answer is no longer stored; ask the question again")
        except Exception as exc:  # noqa: BLE001
            await self.bot.get_cog("ErrorHandler").respond(interaction, exc, where="passages button")
            return
        pages = passage_pages(citations)
        await interaction.response.send_message(
            content=pages[0].content, embeds=pages[0].embeds, ephemeral=True, allowed_mentions=NONE
        )
        for page in pages[1:]:
            await interaction.followup.send(
                content=page.content, embeds=page.embeds, ephemeral=True, allowed_mentions=NONE
            )


async def setup(bot: commands.Bot) -> None:
    """Extension entry point."""
    await bot.add_cog(Feedback(bot))
