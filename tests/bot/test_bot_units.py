"""Unit tests of the bot's small pieces: error wording, cooldowns, conversations, checks, stored passages."""
from __future__ import annotations

import itertools
import logging
import re
import time
from types import SimpleNamespace

import discord
import pytest
from discord import app_commands
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.checks import ChannelNotAllowed, CooldownActive, NotAdmin, channel_allowed, is_admin
from bot.cogs.ask import strip_mentions
from bot.cogs.errors import APOLOGY, describe
from bot.state import ConversationIndex, Cooldowns, Wait
from bot.streaming import EditPacer, stream_answer
from bot.wording import MENTION, check_question, is_greeting, is_small_talk, tidy_question
from rag.errors import IndexBusyError, InputError
from rag.feedback import FeedbackStore
from rag.schemas import Answer, Citation


def test_errors_are_worded_for_users():
    assert describe(InputError("question is empty; type a question")) == (
        "⚠️ question is empty; type a question",
        False,
    )
    wrapped = app_commands.CommandInvokeError(
        SimpleNamespace(name="ask", qualified_name="ask"), IndexBusyError("busy")
    )
    assert describe(wrapped) == ("⚠️ busy", False)
    assert describe(CooldownActive(Wait("user", 4.2)))[0].endswith("try again in 5 seconds.")
    assert "<#7>, <#8>" in describe(ChannelNotAllowed([7, 8]))[0]
    assert "Manage Server" in describe(NotAdmin(None))[0] and "**Mods** role" in describe(NotAdmin("Mods"))[0]
    assert describe(app_commands.NoPrivateMessage())[0] == "🙏 That command only works inside a server."
    assert describe(RuntimeError("boom")) == (APOLOGY, True)


def test_a_cooldown_is_counted_only_when_spent():
    now = [100.0]
    cd = Cooldowns(10, 2, clock=lambda: now[0])
    assert cd.check(1, 50) is None and cd.check(1, 50) is None  # checking counts nothing
    cd.spend(1, 50)
    assert cd.check(1, 60) == Wait("user", 10.0) and cd.check(2, 50) == Wait("channel", 2.0)


def test_cooldowns_per_user_and_per_channel():
    now = [100.0]
    cd = Cooldowns(10, 2, clock=lambda: now[0])
    assert cd.hit(1, 50) is None
    assert cd.hit(1, 60) == Wait("user", 10.0)
    assert cd.hit(2, 50) == Wait("channel", 2.0)
    now[0] += 2.5
    assert cd.hit(2, 50) is None  # refused questions did not extend anything
    now[0] += 7.5
    assert cd.hit(1, 60) is None
    assert Cooldowns(0, 0).hit(1, 1) is None and Cooldowns(0, 0).hit(1, 1) is None


def test_conversation_index_is_bounded():
    index = ConversationIndex(max_entries=2)
    index.link(1, "a")
    index.link(2, "a")
    index.link(3, "b")
    assert (index.get(1), index.get(2), index.get(3)) == (None, "a", "b")


def test_channel_allow_list_covers_threads_of_allowed_channels():
    thread = SimpleNamespace(id=99, parent_id=5)
    assert channel_allowed(thread, [])
    assert channel_allowed(thread, [5]) and channel_allowed(SimpleNamespace(id=5), [5])
    assert not channel_allowed(SimpleNamespace(id=6), [5]) and not channel_allowed(None, [5])


def test_admin_is_manage_server_or_the_configured_role():
    role = SimpleNamespace(name="Curators", id=77)
    manager = SimpleNamespace(guild_permissions=discord.Permissions(manage_guild=True), roles=[])
    curator = SimpleNamespace(guild_permissions=discord.Permissions.none(), roles=[role])
    assert is_admin(manager, None)
    assert not is_admin(curator, None)
    assert is_admin(curator, "Curators") and is_admin(curator, "77") and is_admin(curator, "@Curators")
    assert not is_admin(SimpleNamespace(), "Curators")  # a DM user has no roles or guild permissions


def test_mentions_are_stripped_from_questions():
    assert strip_mentions("<@1> <@!2>  why?  <@&3> <#4> @everyone @here") == "why?"


@pytest.mark.parametrize("said,meant", [
    ("Quick question for the group: how many paying users does X have, roughly?",
     "How many paying users does X have?"),
    ("<@1> Hey all, does anyone know how many paying users X has?", "How many paying users does X have?"),
    ("hey everyone what is the monthly revenue of X?", "What is the monthly revenue of X?"),
    ("Hi! Who founded X?", "Who founded X?"),
    ("So, what about Y?", "What about Y?"),
    ("Sorry to bother you all — when was X launched, approximately?", "When was X launched?"),
    ("How many users does X have, please? Thanks", "How many users does X have?"),
])
def test_chat_filler_is_dropped_from_questions(said, meant):
    assert tidy_question(said) == meant


@pytest.mark.parametrize("question", [
    "What is it all about?", "Who won it all?", "X vs Y: which has more users?", "and Y?",
    "How many users does X have?", "为什么用户增长这么快？", "Team size of X?",
])
def test_content_words_are_never_dropped(question):
    assert tidy_question(question).lower() == question.lower()


def test_small_talk_and_greetings_are_recognised():
    assert all(is_small_talk(t) for t in ("thanks!", "Thank you so much", "ok cool 👍", "👍", "good bot"))
    assert not any(is_small_talk(t) for t in ("and Y?", "what about Y", "thanks, and who founded X?"))
    assert is_greeting("hi there!") and is_greeting("Hello everyone") and not is_greeting("hi, who is X?")


def test_question_errors_are_worded_for_members():
    with pytest.raises(InputError, match="keep it under 1,000 characters") as info:
        check_question("x" * 1001, 1000)
    assert "REELQA" not in str(info.value)
    assert "REELQA" not in describe(InputError("question is 1199 characters; the limit is 1000 "
                                               "(REELQA_MAX_QUESTION_CHARS): ask something shorter"))[0]


def test_a_vote_is_one_row_per_answer_and_voter_that_changes(feedback):
    feedback.record_answer(Answer(question="x", answer="q [1]", answered=True, answer_id="v1"), "discord")
    first = feedback.set_vote("v1", "discord:7", True, "discord")
    assert feedback.set_vote("v1", "discord:7", False, "discord") == first
    feedback.set_vote("v1", "discord:8", True, "discord")
    assert feedback.feedback_for("v1") == [{"helpful": False, "comment": None, "channel": "discord"},
                                           {"helpful": True, "comment": None, "channel": "discord"}]
    with pytest.raises(InputError, match="unknown"):
        feedback.set_vote("nope", "discord:7", True)


def test_an_older_feedback_database_gains_the_voter_column(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:  # the schema before votes could be changed
        db.executescript("""
            CREATE TABLE answers (answer_id TEXT PRIMARY KEY, question TEXT NOT NULL, answer TEXT NOT NULL,
              answered INTEGER NOT NULL, citations TEXT NOT NULL, index_version TEXT, channel TEXT,
              created_at REAL NOT NULL);
            CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, answer_id TEXT NOT NULL,
              helpful INTEGER NOT NULL, comment TEXT, channel TEXT, created_at REAL NOT NULL);
            INSERT INTO answers VALUES ('old', 'q', 'a', 1, '[]', 'v1', 'http', 0);
            INSERT INTO feedback (answer_id, helpful, comment, channel, created_at)
              VALUES ('old', 1, 'ok', 'http', 0);
        """)
    store = FeedbackStore(path)
    store.set_vote("old", "discord:1", False, "discord")
    assert store.feedback_for("old") == [{"helpful": True, "comment": "ok", "channel": "http"},
                                         {"helpful": False, "comment": None, "channel": "discord"}]


def test_stored_citations_read_what_the_feedback_store_recorded(feedback):
    c = Citation(n=1, doc_id="d", source="d.txt", quote="q", start=0, end=1, passage="q and more")
    feedback.record_answer(
        Answer(question="x", answer="q [1]", answered=True, citations=[c], answer_id="abc"), "discord"
    )
    assert feedback.citations_for("abc") == [c]
    assert feedback.citations_for("nope") is None


@pytest.mark.allow_bot_errors
async def test_unexpected_failures_get_an_apology_and_are_logged(world, service, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(service, "ask_stream", broken)
    await world.alice.send(world.channel, f"{world.bot_mention} How many paying users does Jimeng have?")
    reply = [m for m in world.channel.history() if m.author.id == world.env.bot.user.id][-1]
    assert reply.content == APOLOGY
    await world.env.advance_time(11)
    result = await world.alice.slash(world.channel, "ask", question="How many paying users does Keling have?")
    shown = [m for m in [result.response, *result.followups] if m is not None]
    assert shown[-1].content == APOLOGY
    logged = [r for r in caplog.records if r.name == "reelqa.bot" and r.levelno == logging.ERROR]
    assert len(logged) == 2 and all("disk on fire" in str(r.exc_info[1]) for r in logged)
    assert len(world.env.errors) == 1  # the slash-command failure also reached the tree's error hook


class PiecesThenAnswer:
    """A stand-in for the service's stream contract (text pieces, a pause, then the Answer); no Discord here."""

    def __init__(self, pieces: list[str], pause: float):
        self.pieces, self.pause = pieces, pause

    def ask_stream(self, question, top_k=None, conversation_id=None):
        for piece in self.pieces:
            time.sleep(0.005)
            yield piece
        time.sleep(self.pause)  # the model stops writing for a while before verification finishes
        yield Answer(question=question, answer="final [1]", answered=True, answer_id="s1")


async def test_streamed_text_is_shown_paced_and_flushed_when_the_writer_pauses():
    interval = 0.05
    pieces = [f"w{i} " for i in range(30)]
    shows: list[tuple[float, str]] = []

    async def show(text: str) -> None:
        shows.append((time.monotonic(), text))

    answer = await stream_answer(PiecesThenAnswer(pieces, pause=6 * interval), "q?", "c", show, EditPacer(interval))

    assert answer.answer == "final [1]"
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(shows)]
    assert all(gap >= interval * 0.999 for gap in gaps)  # never two edits within the interval
    assert shows[-1][1] == "".join(pieces)  # the pause let the timer show everything written so far
    assert all(b[1].startswith(a[1]) for a, b in itertools.pairwise(shows))


async def test_a_stream_failure_reaches_the_caller():
    class Broken:
        def ask_stream(self, question, top_k=None, conversation_id=None):
            yield "partial "
            raise IndexBusyError("busy")

    async def show(text: str) -> None:
        return None

    with pytest.raises(IndexBusyError):
        await stream_answer(Broken(), "q?", "c", show)


chat = st.lists(st.one_of(
    st.sampled_from(["hey", "Hi all,", "quick question:", "<@123>", "<@&5>", "@everyone", "@here", "<#9>",
                     "does anyone know", "roughly", ", please", "thanks", "?", "!", ":", "—", "so,"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12)),
    min_size=1, max_size=12).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(text=chat)
def test_tidying_never_loses_the_whole_question_or_leaves_a_mention(text):
    tidy = tidy_question(text)
    assert not MENTION.search(tidy)
    if re.search(r"[^\W_]", strip_mentions(text)):
        assert re.search(r"[^\W_]", tidy)  # something of the message is always left to ask
    assert len(tidy) <= len(strip_mentions(text)) + len(" does have")
