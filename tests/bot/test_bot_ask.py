"""Asking through SimCord: mentions, /ask, follow-ups, manners (bots, cooldowns, allow-list), long answers."""
from __future__ import annotations

import threading

import discord
import pytest
from bot_helpers import (
    ask_by_mention,
    bot_answers,
    custom_ids,
    first_callback_type,
    message_requests,
    text_of,
)
from discord_limits import assert_message_within_limits

from bot.checks import ChannelNotAllowed, CooldownActive
from bot.formatting import escape_markdown
from rag.errors import InputError

JIMENG = "How many paying users does Jimeng have?"
COOLDOWN = 11  # seconds past the default per-user cooldown (10 s)


async def test_mention_gets_an_embed_answer_with_buttons_and_a_thread(world, feedback):
    bot = world.env.bot
    question = await world.alice.send(world.channel, f"{world.bot_mention} {JIMENG}")
    answer = bot_answers(world.channel, bot)[-1]

    assert answer.reference is not None and answer.reference.message_id == question.id
    first, sources = answer.embeds
    assert first.title == JIMENG
    assert "25,000 paying users" in first.description and "[1]" in first.description
    assert sources.fields[0].name.startswith("[1] Kuaishou's Keling is merely the next target")
    assert "2024-12-27" in sources.fields[0].name
    value = sources.fields[0].value
    assert "**[1]**" in value and "25,000" not in value  # the context, not the answer again
    assert first.footer.text is None  # no index version, no milliseconds
    ids = custom_ids(answer)
    answer_id = ids[0].rsplit(":", 1)[1]
    assert ids == [f"reelqa:fb:up:{answer_id}", f"reelqa:fb:down:{answer_id}", f"reelqa:passages:{answer_id}"]
    feedback.add_feedback(answer_id, True, channel="discord")  # raises if the answer was not recorded
    (thread,) = world.channel.threads
    assert thread.id == answer.id and thread.name == JIMENG


async def test_slash_ask_defers_then_follows_up_without_blocking_the_loop(world, service, monkeypatch):
    threads = []
    real_stream = service.ask_stream

    def spy(*args, **kwargs):
        threads.append(threading.current_thread())
        yield from real_stream(*args, **kwargs)

    monkeypatch.setattr(service, "ask_stream", spy)
    result = await world.alice.slash(world.channel, "ask", question="How many paying users does Keling have?")

    assert result.acknowledged and not result.ephemeral
    assert first_callback_type(world.env) == 5  # deferred ("thinking…") before any answer was sent
    assert threads and all(t is not threading.main_thread() for t in threads)
    answers = [m for m in [result.response, *result.followups] if m is not None and m.embeds]
    assert "2 million" in text_of(answers[-1])
    assert any(cid.startswith("reelqa:fb:up:") for cid in custom_ids(answers[-1]))
    assert not answers[-1].ephemeral


async def test_private_ask_is_ephemeral(world):
    result = await world.alice.slash(world.channel, "ask", question=JIMENG, private=True)
    assert first_callback_type(world.env) == 5 and result.ephemeral
    shown = [m for m in [result.response, *result.followups] if m is not None and m.embeds]
    assert shown and all(m.ephemeral for m in shown)
    assert not [m for m in world.channel.history(viewer=world.admin) if m.embeds]
    assert not world.channel.threads


async def test_follow_up_in_the_thread_resolves_against_the_conversation(world):
    await ask_by_mention(world, world.alice, JIMENG)
    (thread,) = world.channel.threads
    await world.env.advance_time(COOLDOWN)

    await world.alice.send(thread, f"{world.bot_mention} and Keling?")
    reply = bot_answers(thread, world.env.bot)[-1]

    assert "2 million" in text_of(reply)
    assert "Understood as:" in reply.embeds[0].footer.text and "Keling" in reply.embeds[0].footer.text


async def test_replying_to_an_answer_is_a_follow_up(world):
    result = await world.alice.slash(world.channel, "ask", question=JIMENG)
    answer = [m for m in [result.response, *result.followups] if m is not None and m.embeds][-1]
    await world.env.advance_time(COOLDOWN)

    await world.alice.send(world.channel, "and Keling?", reply_to=answer)
    reply = bot_answers(world.channel, world.env.bot)[-1]

    assert "2 million" in text_of(reply)
    assert "Keling" in reply.embeds[0].footer.text


async def test_other_bots_and_unaddressed_messages_are_ignored(world):
    other_bot = world.guild.add_member(world.env.create_user("otherbot", bot=True))
    await other_bot.send(world.channel, f"{world.bot_mention} {JIMENG}")
    await world.alice.send(world.channel, JIMENG)  # no mention, not a reply: not for the bot
    assert bot_answers(world.channel, world.env.bot) == []


async def test_questions_too_soon_get_a_friendly_cooldown_message(world):
    bob = world.guild.add_member(world.env.create_user("bob"))
    await ask_by_mention(world, world.alice, JIMENG)

    too_soon = await ask_by_mention(world, world.alice, "And Keling?")
    assert too_soon.content == "⏳ You're asking a little fast — please try again in 10 seconds."
    assert not too_soon.embeds

    channel_busy = await ask_by_mention(world, bob, "How many users does Keling serve?")
    assert channel_busy.content.startswith("⏳ This channel just got an answer — please ask again in 2 s")

    slash = await world.alice.slash(world.channel, "ask", question=JIMENG)
    assert slash.ephemeral and slash.response.content.startswith("⏳ You're asking a little fast")
    assert [type(e) for e in world.env.errors] == [CooldownActive]

    await world.env.advance_time(COOLDOWN)
    answered = await ask_by_mention(world, world.alice, "How many users does Keling serve?")
    assert answered.embeds and "5 million" in text_of(answered)


async def test_allow_list_limits_where_the_bot_answers(world):
    elsewhere = world.guild.create_text_channel("random")
    world.env.bot.settings.discord_channels = [world.channel.id]

    await world.alice.send(elsewhere, f"{world.bot_mention} {JIMENG}")
    assert bot_answers(elsewhere, world.env.bot) == []
    refused = await world.alice.slash(elsewhere, "ask", question=JIMENG)
    assert refused.ephemeral and f"<#{world.channel.id}>" in refused.response.content
    assert [type(e) for e in world.env.errors] == [ChannelNotAllowed]

    answer = await ask_by_mention(world, world.alice, JIMENG)
    assert "25,000" in text_of(answer)


async def test_invalid_question_gets_a_member_worded_line_privately(world):
    result = await world.alice.slash(world.channel, "ask", question="why " * 300)
    assert result.ephemeral and first_callback_type(world.env) == 4  # refused at once, not deferred
    assert result.response.content == (
        "⚠️ that question is 1,199 characters long; please keep it under 1,000 characters")
    (error,) = world.env.errors
    assert isinstance(error.original, InputError)
    assert "REELQA" not in result.response.content


async def test_bare_mention_explains_how_to_ask(world):
    await world.alice.send(world.channel, world.bot_mention)
    (reply,) = bot_answers(world.channel, world.env.bot)
    assert "Ask me something after the mention" in reply.content


async def test_direct_messages_are_questions(world):
    user = world.env.create_user("dana")
    await user.send_dm(JIMENG)
    reply = [m for m in user.dm_channel.history() if m.author.id == world.env.bot.user.id][-1]
    assert "25,000" in text_of(reply)


async def test_long_answers_are_split_within_limits_and_keep_every_citation(world, service, monkeypatch):
    real_ask = service.ask

    def long_ask(question, top_k=None, conversation_id=None):
        """The real answer, inflated to 30 citations: the real service never writes this much."""
        real = real_ask(question, top_k, conversation_id)
        first = real.citations[0]
        cites = [first.model_copy(update={"n": i, "passage": f"{first.passage} ({i})"}) for i in range(1, 31)]
        text = " ".join(f"{c.quote} [{c.n}]" for c in cites)
        return real.model_copy(update={"answer": text, "citations": cites})

    def long_stream(question, top_k=None, conversation_id=None):
        yield long_ask(question, top_k, conversation_id)

    monkeypatch.setattr(service, "ask_stream", long_stream)
    await world.alice.send(world.channel, f"{world.bot_mention} {JIMENG}")
    sent = bot_answers(world.channel, world.env.bot)

    assert len(sent) >= 2
    for message in sent:
        assert_message_within_limits(message.content or None, message.embeds)
    numbered = [f.name for m in sent for e in m.embeds for f in e.fields]
    assert [int(n[1 : n.index("]")]) for n in numbered] == list(range(1, 31))
    texts = [e.description for m in sent for e in m.embeds if e.description and not e.fields]
    quote = real_ask(JIMENG).citations[0].quote
    expected = " ".join(f"{escape_markdown(quote)} [{i}]" for i in range(1, 31))
    assert "".join("".join(texts).split()) == "".join(expected.split())
    assert all(not custom_ids(m) for m in sent[:-1]) and custom_ids(sent[-1])
    assert sent[0].reference is not None


async def test_no_request_can_ping_anyone(world):
    alice = world.alice
    await alice.send(world.channel, f"{world.bot_mention} @everyone <@{world.admin.id}> {JIMENG}")
    answer = bot_answers(world.channel, world.env.bot)[-1]
    assert "25,000" in text_of(answer)  # mentions are not part of the question
    thumbs_up, _, passages = custom_ids(answer)
    await alice.click(answer, custom_id=thumbs_up)
    await alice.click(answer, custom_id=passages)
    await alice.send(world.channel, f"{world.bot_mention} too soon")  # cooldown reply
    await alice.send(world.channel, world.bot_mention)  # help reply
    await world.admin.slash(world.channel, "help")
    await world.env.advance_time(COOLDOWN)
    await world.admin.slash(world.channel, "ask", question="What is the weather on Mars? @everyone")

    checked = message_requests(world.env)
    assert len(checked) >= 7
    for request, payload in checked:
        mentions = payload.get("allowed_mentions")
        assert mentions is not None, f"{request.method} {request.path} sent no allowed_mentions"
        assert mentions.get("parse") == [] and not mentions.get("users") and not mentions.get("roles")
        assert not mentions.get("replied_user")
    assert "<@" not in world.channel.threads[0].name and "@everyone" not in world.channel.threads[0].name
    assert world.env.bot.allowed_mentions.to_dict() == discord.AllowedMentions.none().to_dict()
    for message in world.channel.history():
        if message.author.id == world.env.bot.user.id:
            assert not message.mention_everyone and not message.mentions and not message.role_mentions


@pytest.mark.bot_settings(discord_user_cooldown_seconds=0, discord_channel_cooldown_seconds=0)
async def test_cooldowns_can_be_switched_off(world):
    await ask_by_mention(world, world.alice, JIMENG)
    second = await ask_by_mention(world, world.alice, "How many users does Keling serve?")
    assert second.embeds
