"""👍/👎 feedback and "Show passages": the persistent buttons under every answer."""
from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict

import discord
from discord.ext import commands

from bot.sources import passage_pages
from bot.views import FeedbackButton, PassagesButton
from rag.errors import InputError

log = logging.getLogger("reelqa.bot")
NONE = discord.AllowedMentions.none()
MAX_VOTES_REMEMBERED = 100_000
THANKS_UP = "Thanks — glad it helped! 👍"
THANKS_DOWN = ("Thanks for telling us — unhelpful answers show the maintainers what the documents are "
               "missing. 👎")


class Feedback(commands.Cog):
    """Handles the answer buttons; votes go to the same FeedbackStore as the HTTP API (channel "discord").

    Each member has one vote per answer in the store (voter `discord:<user id>`); clicking the other button
    changes it, also after a restart.
    """

    def __init__(self, bot: commands.Bot):
        self.bot = bot
        self._votes: OrderedDict[tuple[int, str], bool] = OrderedDict()  # last vote seen, for wording only

    async def cog_load(self) -> None:
        """Register the dynamic buttons so clicks on old messages are routed after a restart."""
        self.bot.add_dynamic_items(FeedbackButton, PassagesButton)

    async def cog_unload(self) -> None:
        """Stop routing button clicks here."""
        self.bot.remove_dynamic_items(FeedbackButton, PassagesButton)

    async def vote(self, interaction: discord.Interaction, answer_id: str, helpful: bool) -> None:
        """Store the user's 👍/👎 on an answer (a second click changes it), then confirm privately."""
        key = (interaction.user.id, answer_id)
        previous = self._votes.get(key)
        try:
            await asyncio.to_thread(self.bot.feedback.set_vote, answer_id, f"discord:{interaction.user.id}",
                                    helpful, "discord")
        except Exception as exc:  # noqa: BLE001 - every failure goes through the one error handler
            await self.bot.get_cog("ErrorHandler").respond(interaction, exc, where="feedback button")
            return
        self._votes.pop(key, None)
        self._votes[key] = helpful
        while len(self._votes) > MAX_VOTES_REMEMBERED:
            self._votes.popitem(last=False)
        if previous is None:
            text = THANKS_UP if helpful else THANKS_DOWN
        elif previous == helpful:
            text = f"You already rated this answer {'👍' if helpful else '👎'} — thanks!"
        else:
            text = f"Vote changed to {'👍' if helpful else '👎'} — thanks!"
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NONE)

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
