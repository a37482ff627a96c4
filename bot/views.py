"""Persistent answer buttons: the answer_id lives in each custom_id, so clicks work after a restart."""
from __future__ import annotations

import re

import discord

from rag.schemas import Answer

_ID = r"(?P<answer_id>[0-9A-Za-z_-]{1,64})"


class FeedbackButton(
    discord.ui.DynamicItem[discord.ui.Button], template=rf"reelqa:fb:(?P<vote>up|down):{_ID}"
):
    """👍 or 👎 on one answer; stored in the shared feedback store."""

    def __init__(self, answer_id: str, helpful: bool):
        vote = "up" if helpful else "down"
        super().__init__(
            discord.ui.Button(
                emoji="👍" if helpful else "👎",
                style=discord.ButtonStyle.secondary,
                custom_id=f"reelqa:fb:{vote}:{answer_id}",
            )
        )
        self.answer_id, self.helpful = answer_id, helpful

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /
    ) -> FeedbackButton:
        """Rebuild the button from a clicked custom_id."""
        return cls(match["answer_id"], match["vote"] == "up")

    async def callback(self, interaction: discord.Interaction) -> None:
        """Record the vote through the feedback cog."""
        await interaction.client.get_cog("Feedback").vote(interaction, self.answer_id, self.helpful)


class PassagesButton(discord.ui.DynamicItem[discord.ui.Button], template=rf"reelqa:passages:{_ID}"):
    """Sends the full cited passages of one answer privately to whoever clicks."""

    def __init__(self, answer_id: str):
        super().__init__(
            discord.ui.Button(
                label="Show passages",
                emoji="📄",
                style=discord.ButtonStyle.primary,
                custom_id=f"reelqa:passages:{answer_id}",
            )
        )
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /
    ) -> PassagesButton:
        """Rebuild the button from a clicked custom_id."""
        return cls(match["answer_id"])

    async def callback(self, interaction: discord.Interaction) -> None:
        """Show the passages through the feedback cog."""
        await interaction.client.get_cog("Feedback").show_passages(interaction, self.answer_id)


def answer_view(answer: Answer, links: list[tuple[str, str]] = ()) -> discord.ui.View | None:
    """The buttons under an answer: 👍, 👎, Show passages (with citations), then a link per cited document."""
    view = discord.ui.View(timeout=None)
    if getattr(answer, "notice", None):  # not an answer (and not stored): nothing to vote on or show
        return None
    if answer.answer_id and re.fullmatch(_ID, answer.answer_id):
        view.add_item(FeedbackButton(answer.answer_id, True))
        view.add_item(FeedbackButton(answer.answer_id, False))
        if answer.citations:
            view.add_item(PassagesButton(answer.answer_id))
    for label, url in links[:5]:
        view.add_item(discord.ui.Button(style=discord.ButtonStyle.link, label=label, url=url, emoji="📖",
                                        row=1))
    return view if view.children else None
