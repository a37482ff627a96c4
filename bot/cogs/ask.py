"""Asking: `/ask`, mentions, replies to answers and addressed messages in the bot's threads (follow-ups)."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import discord
from discord import app_commands
from discord.ext import commands

from bot.answers import answer_pages, draft_page
from bot.checks import CooldownActive, StillAnswering, channel_allowed, may_ask
from bot.formatting import CONTENT_LIMIT, Page, clip, thread_name
from bot.sources import document_links
from bot.streaming import stream_answer
from bot.views import answer_view
from bot.wording import check_question, is_greeting, is_small_talk, strip_mentions, tidy_question
from rag.schemas import Answer

log = logging.getLogger("reelqa.bot")
NONE = discord.AllowedMentions.none()
EMPTY_MENTION = ("👋 Ask me something after the mention — e.g. `@{name} <your question>` — or use `/ask`. "
                 "`/help` explains the rest.")
SMALL_TALK_REACTION = "👍"

Send = Callable[[Page, "discord.ui.View | None"], Awaitable[discord.Message]]

__all__ = ["Ask", "strip_mentions"]


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
        self.asking: set[int] = set()  # members whose question is being answered right now

    # ------------------------------------------------------------ slash command

    @app_commands.command(name="ask", description="Ask a question about the documents (answers cite sources)")
    @app_commands.describe(question="What you want to know", private="Only you see the answer (default: off)")
    @may_ask()
    async def ask(self, interaction: discord.Interaction, question: str, private: bool = False) -> None:
        """Defer at once, answer in a worker thread, then send the answer as follow-up messages."""
        question = self.prepare(question)
        if interaction.user.id in self.asking:
            raise StillAnswering()
        await interaction.response.defer(ephemeral=private, thinking=True)
        conversation = self.thread_conversation(interaction.channel) or f"discord:{interaction.id}"

        async def send(page: Page, view: discord.ui.View | None) -> discord.Message:
            extra = {"view": view} if view is not None else {}
            return await interaction.followup.send(
                content=page.content, embeds=page.embeds, ephemeral=private, wait=True, allowed_mentions=NONE,
                **extra)

        answer, sent = await self.respond(interaction.user.id, question, conversation, send, send)
        if answer.answered:
            self.bot.cooldowns.spend(interaction.user.id, interaction.channel_id or interaction.user.id)
        if not private:
            self.link(sent, conversation)
            if answer.answered and not isinstance(interaction.channel, discord.Thread):
                await self.open_thread(sent[0], interaction.channel, question, conversation)

    # ------------------------------------------------------------ messages

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Answer a mention, a reply to an answer, or an addressed message in a thread the bot opened."""
        route = self.route(message)
        if route is None:
            return
        if not route.question:  # a bare mention gets a hint; an empty reply or DM is left alone
            if self.bot.user in message.mentions:
                await self.hint(message)
            return
        if is_small_talk(route.question):  # "thanks!": a reaction, no answer, no cooldown
            await self.acknowledge(message)
            return
        if is_greeting(route.question):
            await self.hint(message)
            return
        errors = self.bot.get_cog("ErrorHandler")
        wait = self.bot.cooldowns.check(message.author.id, message.channel.id)
        if wait is not None or message.author.id in self.asking:
            await errors.reply(message, CooldownActive(wait) if wait is not None else StillAnswering())
            return
        try:
            question = self.prepare(route.question)
            await message.channel.typing()

            async def first(page: Page, view: discord.ui.View | None) -> discord.Message:
                extra = {"view": view} if view is not None else {}
                return await message.reply(content=page.content, embeds=page.embeds, mention_author=False,
                                           allowed_mentions=NONE, **extra)

            async def rest(page: Page, view: discord.ui.View | None) -> discord.Message:
                extra = {"view": view} if view is not None else {}
                return await message.channel.send(content=page.content, embeds=page.embeds,
                                                  allowed_mentions=NONE, **extra)

            answer, sent = await self.respond(message.author.id, question, route.conversation_id, first, rest)
        except Exception as exc:  # noqa: BLE001 - the one error handler words every failure
            await errors.reply(message, exc)
            return
        if answer.answered:
            self.bot.cooldowns.spend(message.author.id, message.channel.id)
        self.link(sent, route.conversation_id)
        if route.new and answer.answered:
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
        replied = self.reply_conversation(message)
        in_thread = self.thread_conversation(message.channel)
        if in_thread is not None:  # in its thread only replies to the bot or mentions of it are questions
            return Route(self.clean(message), in_thread, False) if replied or mentioned else None
        if replied is not None:
            return Route(self.clean(message), replied, False)
        if mentioned:
            return Route(self.clean(message), f"discord:{message.id}", True)
        return None

    def role_mentioned(self, message: discord.Message) -> bool:
        """True when the message mentions the bot's own managed role (a common way to @ a bot)."""
        me = message.guild.me if message.guild else None
        return bool(me) and any(r.is_bot_managed() and r in me.roles for r in message.role_mentions)

    def reply_conversation(self, message: discord.Message) -> str | None:
        """The conversation of the bot message this message replies to, if it replies to the bot."""
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
        """The question: the message text without mentions, chat lead-ins and hedges."""
        return tidy_question(message.content)

    def prepare(self, question: str) -> str:
        """A question ready for the service: tidied, and refused in member wording when empty or too long."""
        return check_question(tidy_question(question), self.bot.service.max_question_chars)

    async def hint(self, message: discord.Message) -> None:
        """Explain how to ask (a bare mention or a hello)."""
        name = (message.guild.me.display_name if message.guild else self.bot.user.name).replace("`", "")
        await message.reply(EMPTY_MENTION.format(name=name), mention_author=False, allowed_mentions=NONE)

    async def acknowledge(self, message: discord.Message) -> None:
        """React to small talk instead of answering it."""
        try:
            await message.add_reaction(SMALL_TALK_REACTION)
        except discord.HTTPException:
            log.info("could not react to message %s", message.id)

    # ------------------------------------------------------------ shared

    async def respond(self, user_id: int, question: str, conversation_id: str, first: Send,
                      rest: Send) -> tuple[Answer, list[discord.Message]]:
        """Answer (showing streamed text as it grows), record the answer, then send or finish its messages."""
        self.asking.add(user_id)
        draft: list[discord.Message] = []

        async def show(text: str) -> None:
            page = draft_page(question, text)
            if draft:
                await draft[0].edit(content=None, embeds=page.embeds, allowed_mentions=NONE)
            else:
                draft.append(await first(page, None))

        try:
            answer = await stream_answer(self.bot.service, question, conversation_id, show)
            await asyncio.to_thread(self.bot.feedback.record_answer, answer, "discord")
            return answer, await self.deliver(answer, first, rest, draft[0] if draft else None)
        except BaseException:
            if draft:  # the error line replaces an unfinished draft
                with contextlib.suppress(discord.HTTPException):
                    await draft[0].delete()
            raise
        finally:
            self.asking.discard(user_id)

    async def deliver(self, answer: Answer, first: Send, rest: Send,
                      draft: discord.Message | None = None) -> list[discord.Message]:
        """Send every page of an answer (the first replaces the draft, if any); buttons go under the last."""
        pages = answer_pages(answer)
        links = document_links(answer.citations or answer.related, self.bot.settings.public_url)
        view = answer_view(answer, links)
        sent = []
        for i, page in enumerate(pages):
            page_view = view if i == len(pages) - 1 else None
            if page.content:
                page.content = clip(page.content, CONTENT_LIMIT)
            if i == 0 and draft is not None:
                await draft.edit(content=page.content, embeds=page.embeds, view=page_view,
                                 allowed_mentions=NONE)
                sent.append(draft)
            else:
                sent.append(await (first if i == 0 else rest)(page, page_view))
        return sent

    def link(self, messages: list[discord.Message], conversation_id: str) -> None:
        """Remember that replies to these answer messages continue the conversation."""
        for m in messages:
            self.bot.conversations.link(m.id, conversation_id)

    async def open_thread(self, message: discord.Message, channel, question: str,
                          conversation_id: str) -> None:
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
