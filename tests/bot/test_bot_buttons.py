"""Persistent answer buttons: 👍/👎 into the shared FeedbackStore, Show passages privately, restarts."""

from __future__ import annotations

from bot_helpers import ask_by_mention, custom_ids, text_of

from bot.client import create_bot

JIMENG = "How many paying users does Jimeng have?"


def buttons(answer) -> tuple[str, str, str, str]:
    up, down, passages = custom_ids(answer)
    return up.rsplit(":", 1)[1], up, down, passages


async def test_one_vote_per_user_and_answer_that_can_be_changed(world, feedback):
    answer = await ask_by_mention(world, world.alice, JIMENG)
    answer_id, up, down, _ = buttons(answer)

    thanks = await world.alice.click(answer, custom_id=up)
    assert thanks.ephemeral and thanks.response.content.startswith("Thanks — glad it helped")
    again = await world.alice.click(answer, custom_id=up)
    assert again.ephemeral and "already rated" in again.response.content
    changed = await world.alice.click(answer, custom_id=down)
    assert changed.ephemeral and changed.response.content.startswith("Vote changed to 👎")
    other = await world.admin.click(answer, custom_id=down)
    assert other.ephemeral and other.response.content.startswith("Thanks for telling us")

    assert feedback.feedback_for(answer_id) == [  # alice's row was updated, not added to
        {"helpful": False, "comment": None, "channel": "discord"},
        {"helpful": False, "comment": None, "channel": "discord"},
    ]
    (gap,) = [row for row in feedback.report() if row["question"] == JIMENG] or [None]
    assert gap is not None and gap["unhelpful"] == 2 and gap["helpful"] == 0 and gap["channels"] == "discord"


async def test_show_passages_sends_the_full_passage_only_to_the_clicker(world, service):
    answer = await ask_by_mention(world, world.alice, JIMENG)
    _, _, _, passages = buttons(answer)

    shown = await world.admin.click(answer, custom_id=passages)

    assert shown.ephemeral
    text = text_of(shown.response)
    citation = service.ask(JIMENG).citations[0]
    assert "**Jimeng has daily active users" in text
    assert "with over 2 million cumulative paying users" in text  # beyond the quote: the whole passage
    assert " ".join(citation.passage.split())[-40:] in " ".join(text.replace("\\", "").split())
    visible_to_alice = [m.id for m in world.channel.history(viewer=world.alice)]
    assert shown.response.id not in visible_to_alice


async def test_buttons_keep_working_after_a_bot_restart(world, service, feedback, bot_settings):
    answer = await ask_by_mention(world, world.alice, JIMENG)
    answer_id, up, _, passages = buttons(answer)

    await world.env.restart_bot(create_bot(service, feedback, bot_settings))

    vote = await world.alice.click(answer, custom_id=up)
    assert vote.ephemeral and vote.response.content.startswith("Thanks")
    assert feedback.feedback_for(answer_id) == [{"helpful": True, "comment": None, "channel": "discord"}]
    await world.env.restart_bot(create_bot(service, feedback, bot_settings))
    await world.alice.click(answer, custom_id=buttons(answer)[2])  # 👎 after another restart: still one row
    assert feedback.feedback_for(answer_id) == [{"helpful": False, "comment": None, "channel": "discord"}]
    shown = await world.alice.click(answer, custom_id=passages)
    assert shown.ephemeral and "25,000 paying users" in text_of(shown.response)


async def test_feedback_on_an_unknown_answer_is_refused_politely(world, feedback):
    answer = await ask_by_mention(world, world.alice, JIMENG)
    answer_id, up, _, passages = buttons(answer)
    with feedback._connect() as db:  # the answer disappears from the store (e.g. a wiped database)
        db.execute("DELETE FROM answers WHERE answer_id=?", (answer_id,))

    vote = await world.alice.click(answer, custom_id=up)
    assert vote.ephemeral and vote.response.content.startswith("⚠️ answer_id")
    shown = await world.alice.click(answer, custom_id=passages)
    assert shown.ephemeral and "no longer stored" in shown.response.content
