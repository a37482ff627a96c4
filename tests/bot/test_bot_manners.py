"""Manners through SimCord over the real service: mentions stripped everywhere, chatty wording, who is asking
in the bot's threads, small talk, cooldowns spent only on answers, threads only for answers, wording."""
from __future__ import annotations

from urllib.parse import unquote

from bot_helpers import ask_by_mention, bot_answers, text_of

JIMENG = "How many paying users does Jimeng have?"
COOLDOWN = 11  # seconds past the default per-user cooldown (10 s)


def shown(result):
    """The last message with embeds an interaction produced (response or follow-up)."""
    return [m for m in [result.response, *result.followups] if m is not None and m.embeds][-1]


def reactions_added(env) -> list[str]:
    """Paths of the reactions the bot added (PUT …/reactions/{emoji}/@me)."""
    return [unquote(r.path) for r in env.http_requests if r.method == "PUT" and "/reactions/" in r.path]


async def test_slash_ask_strips_every_kind_of_mention(world):
    role = world.guild.create_role("Fans")
    admin, channel = world.admin.id, world.channel.id
    question = f"<@{admin}> <@!{admin}> <@&{role.id}> <#{channel}> @everyone @here {JIMENG}"
    result = await world.alice.slash(world.channel, "ask", question=question)

    answer = shown(result)
    assert "25,000" in text_of(answer)  # answered: the mentions did not reach the service
    assert answer.embeds[0].title == JIMENG
    assert "<@" not in text_of(answer) and "<#" not in text_of(answer) and "@everyone" not in text_of(answer)


async def test_chatty_wording_is_answered_as_the_question_it_contains(world):
    answer = await ask_by_mention(
        world, world.alice, "Quick question for the group: how many paying users does Jimeng have, roughly?")
    assert answer.embeds[0].title == JIMENG
    assert "25,000" in answer.embeds[0].description


async def test_greetings_and_wrappers_are_dropped_too(world):
    answer = await ask_by_mention(
        world, world.alice, "hey all, does anyone know how many paying users Jimeng has?")
    assert answer.embeds[0].title == JIMENG and "25,000" in answer.embeds[0].description


async def test_in_a_bot_thread_only_replies_to_the_bot_and_mentions_are_questions(world):
    bob = world.guild.add_member(world.env.create_user("bob"))
    await ask_by_mention(world, world.alice, JIMENG)
    (thread,) = world.channel.threads
    await world.env.advance_time(COOLDOWN)

    await world.alice.send(thread, "and Keling?")  # people talking in the thread, not to the bot
    await bob.send(thread, "I read that too, wild numbers")
    assert bot_answers(thread, world.env.bot) == []

    await world.alice.send(thread, f"{world.bot_mention} and Keling?")
    (mentioned,) = bot_answers(thread, world.env.bot)
    assert "2 million" in text_of(mentioned)
    await world.env.advance_time(COOLDOWN)

    await world.alice.send(thread, "How many users does Keling serve?", reply_to=mentioned)
    replied = bot_answers(thread, world.env.bot)
    assert len(replied) == 2 and "5 million" in text_of(replied[-1])


async def test_small_talk_gets_a_reaction_and_no_answer_or_cooldown(world):
    await ask_by_mention(world, world.alice, JIMENG)
    (thread,) = world.channel.threads
    await world.env.advance_time(COOLDOWN)

    thanks = await world.alice.send(thread, f"{world.bot_mention} thanks!")
    assert bot_answers(thread, world.env.bot) == []  # no orange embed for "thanks!"
    assert reactions_added(world.env) == [f"/channels/{thread.id}/messages/{thanks.id}/reactions/👍/@me"]

    await world.alice.send(thread, f"{world.bot_mention} and Keling?")  # "thanks!" did not use the cooldown
    (answer,) = bot_answers(thread, world.env.bot)
    assert "2 million" in text_of(answer)


async def test_a_hello_gets_the_how_to_ask_hint(world):
    (reply,) = [await ask_by_mention(world, world.alice, "hi there!")]
    assert "Ask me something after the mention" in reply.content and not reply.embeds


async def test_cooldown_is_spent_only_on_answered_questions(world):
    withheld = await ask_by_mention(world, world.alice, "What is the weather on Mars?")
    assert "don't cover" in text_of(withheld)
    rejected = await ask_by_mention(world, world.alice, "why " * 300)
    assert rejected.content.startswith("⚠️ that question is")

    answered = await ask_by_mention(world, world.alice, JIMENG)  # neither of those used the cooldown
    assert "25,000" in text_of(answered)
    too_soon = await ask_by_mention(world, world.alice, "How many users does Keling serve?")
    assert too_soon.content.startswith("⏳ You're asking a little fast")

    await world.env.advance_time(COOLDOWN)
    slash_withheld = await world.alice.slash(world.channel, "ask", question="What is the weather on Mars?")
    assert "don't cover" in text_of(shown(slash_withheld))
    slash_answered = await world.alice.slash(world.channel, "ask", question=JIMENG)
    assert "25,000" in text_of(shown(slash_answered))


async def test_threads_are_opened_only_for_answered_questions(world):
    for question in ("What is the weather on Mars?", JIMENG, "Who painted the Mona Lisa?"):
        await ask_by_mention(world, world.alice, question)
        await world.env.advance_time(COOLDOWN)
    await world.alice.slash(world.channel, "ask", question="What is the weather on Jupiter?")
    (thread,) = world.channel.threads
    assert thread.name == JIMENG


async def test_members_never_see_setting_names(world):
    reply = await ask_by_mention(world, world.alice, "why " * 300)
    assert reply.content == "⚠️ that question is 1,199 characters long; please keep it under 1,000 characters"
    assert "REELQA" not in reply.content
