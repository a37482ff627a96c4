"""Asking: `/ask`, mentions, replies to answers and messages in the bot's threads (follow-ups)."""
from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import CooldownActive, channel_allowed, may_ask
from bot.formatting import CONTENT_LIMIT, Page, answer_pages, clip, thread_name
from bot.views import answer_view
from rag.schemas import Answer

log = logging.getLogger("reelqa.bot")
NONE = discord.AllowedMentions.none()
EMPTY_MENTION = ("👋 Ask me something after the mention — e.g. `@{name} How many paying users does Jimeng "
                 "have?` — or use `/ask`. `/help` explains the rest.")


_MENTION = re.compile(r"<(?:@[!&]?|#)\d+>|@(?:everyone|here)\b")


def strip_mentions(text: str) -> str:
    """`text` without Discord mention syntax, whitespace collapsed."""
    return " ".join(_MENTION.sub(" ", text).split())


@dataclass
class Route:
    """What a message asks: the question, the conversation it belongs to, and whether that is new."""

    question: str
    conversation_id: str
    new: bool


class Ask(commands.Cog):
    """Answers questions without blocking the event loop; every answer can be followed up."""

    def __init__(self, bot: commands.Bot):
        self.bot = bot

    # ------------------------------------------------------------ slash command

    @app_commands.command(name="ask", description="Ask a question about the documents (answers cite sources)")
    @app_commands.describe(question="What you want to know", private="Only you see the answer (default: off)")
    @may_ask()
    async def ask(self, interaction: discord.Interaction, question: str, private: bool = False) -> None:
        """Defer at once, answer in a worker thread, then send the answer as follow-up messages."""
        question = self.bot.service.validate(question)
        await interaction.response.defer(ephemeral=private, thinking=True)
        conversation = self.thread_conversation(interaction.channel) or f"discord:{interaction.id}"
        answer = await self.compute(question, conversation)

        async def send(page: Page, view: discord.ui.View | None) -> discord.Message:
            extra = {"view": view} if view is not None else {}
            return await interaction.followup.send(
                content=page.content,
                embeds=page.embeds,
                ephemeral=private,
                wait=True,
                allowed_mentions=NONE,
                **extra,
            )

        sent = await self.deliver(answer, send, send)
        if not private:
            self.link(sent, conversation)
            if not isinstance(interaction.channel, discord.Thread):
                await self.open_thread(sent[0], interaction.channel, question, conversation)

    # ------------------------------------------------------------ messages

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Answer a mention, a reply to an answer, or a message in a thread the bot opened."""
        route = self.route(message)
        if route is None:
            return
        errors = self.bot.get_cog("ErrorHandler")
        if not route.question:  # a bare mention gets a hint; an empty message in a thread is left alone
            if self.bot.user not in message.mentions:
                return
            name = (message.guild.me.display_name if message.guild else self.bot.user.name).replace("`", "")
            await message.reply(EMPTY_MENTION.format(name=name), mention_author=False, allowed_mentions=NONE)
            return
        wait = self.bot.cooldowns.hit(message.author.id, message.channel.id)
        if wait is not None:
            await errors.reply(message, CooldownActive(wait))
            return
        try:
            question = self.bot.service.validate(route.question)
            await message.channel.typing()
            answer = await self.compute(question, route.conversation_id)

            async def first(page: Page, view: discord.ui.View | None) -> discord.Message:
                extra = {"view": view} if view is not None else {}
                return await message.reply(
                    content=page.content,
                    embeds=page.embeds,
                    mention_author=False,
                    allowed_mentions=NONE,
                    **extra,
                )

            async def rest(page: Page, view: discord.ui.View | None) -> discord.Message:
                extra = {"view": view} if view is not None else {}
                return await message.channel.send(
                    content=page.content, embeds=page.embeds, allowed_mentions=NONE, **extra
                )

            sent = await self.deliver(answer, first, rest)
        except Exception as exc:  # noqa: BLE001 - the one error handler words every failure
            await errors.reply(message, exc)
            return
        self.link(sent, route.conversation_id)
        if route.new:
            await self.open_thread(sent[0], message.channel, question, route.conversation_id)

    def route(self, message: discord.Message) -> Route | None:
        """The question a message asks the bot, or None when the message is not for the bot."""
        me = self.bot.user
        if me is None or message.author.bot or message.author.id == me.id:
            return None
        if message.type not in (discord.MessageType.default, discord.MessageType.reply):
            return None
        allowed = self.bot.settings.discord_channels
        if message.guild is None:  # a DM: every message is a question, follow-ups per DM channel
            return None if allowed else Route(self.clean(message), f"discord:dm:{message.channel.id}", False)
        if not channel_allowed(message.channel, allowed):
            return None
        mentioned = me in message.mentions or self.role_mentioned(message)
        conversation = self.reply_conversation(message)
        if conversation is None:
            conversation = self.thread_conversation(message.channel)
            talking_to_others = any(u.id != me.id for u in message.mentions)
            if conversation is not None and talking_to_others and not mentioned:
                return None
        if conversation is not None:
            return Route(self.clean(message), conversation, False)
        if mentioned:
            return Route(self.clean(message), f"discord:{message.id}", True)
        return None

    def role_mentioned(self, message: discord.Message) -> bool:
        """True when the message mentions the bot's own managed role (a common way to @ a bot)."""
        me = message.guild.me if message.guild else None
        return bool(me) and any(r.is_bot_managed() and r in me.roles for r in message.role_mentions)

    def reply_conversation(self, message: discord.Message) -> str | None:
        """The conversation of the bot answer this message replies to, if it does."""
        ref = message.reference
        if ref is None or ref.message_id is None:
            return None
        known = self.bot.conversations.get(ref.message_id)
        if known is not None:
            return known
        replied = ref.resolved if isinstance(ref.resolved, discord.Message) else ref.cached_message
        if replied is not None and replied.author.id == self.bot.user.id:
            return f"discord:{ref.message_id}"
        return None

    def thread_conversation(self, channel) -> str | None:
        """The conversation of a thread the bot opened, if `channel` is one."""
        if isinstance(channel, discord.Thread) and self.bot.user and channel.owner_id == self.bot.user.id:
            return self.bot.conversations.get(channel.id) or f"discord:{channel.id}"
        return None

    def clean(self, message: discord.Message) -> str:
        """The question: the message text without mentions (bot, people, roles, channels, @everyone)."""
        return strip_mentions(message.content)

    # ------------------------------------------------------------ shared

    async def compute(self, question: str, conversation_id: str) -> Answer:
        """Answer in a worker thread (the loop keeps serving), then record it for feedback."""
        answer = await asyncio.to_thread(self.bot.service.ask, question, None, conversation_id)
        await asyncio.to_thread(self.bot.feedback.record_answer, answer, "discord")
        return answer

    async def deliver(self, answer: Answer, first, rest) -> list[discord.Message]:
        """Send every page of an answer; the buttons go under the last one."""
        pages = answer_pages(answer)
        view = answer_view(answer)
        sent = []
        for i, page in enumerate(pages):
            page_view = view if i == len(pages) - 1 else None
            if page.content:
                page.content = clip(page.content, CONTENT_LIMIT)
            sent.append(await (first if i == 0 else rest)(page, page_view))
        return sent

    def link(self, messages: list[discord.Message], conversation_id: str) -> None:
        """Remember that replies to these answer messages continue the conversation."""
        for m in messages:
            self.bot.conversations.link(m.id, conversation_id)

    async def open_thread(
        self, message: discord.Message, channel, question: str, conversation_id: str
    ) -> None:
        """Open a thread under the first answer message for follow-ups, when the channel allows it."""
        if not isinstance(channel, discord.TextChannel):
            return
        if not channel.permissions_for(channel.guild.me).create_public_threads:
            return
        try:  # via the channel: an interaction follow-up message carries no guild info of its own
            thread = await channel.get_partial_message(message.id).create_thread(name=thread_name(question))
        except discord.HTTPException:
            log.warning("could not open a follow-up thread in channel %s", channel.id, exc_info=True)
            return
        self.bot.conversations.link(thread.id, conversation_id)


async def setup(bot: commands.Bot) -> None:
    """Extension entry point."""
    await bot.add_cog(Ask(bot))
