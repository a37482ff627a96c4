"""Streamed answers through SimCord: the bot shows the text as it grows (at most one edit a second), then
replaces it with the final, verified answer, which may have dropped a sentence that was already shown.

The service is the real one; only its `ask_stream` is scripted (no LLM exists here): it streams the real
answer plus one unsupported sentence, then yields the real Answer, marked as generative with one sentence
dropped, exactly as the generative answerer reports verification.
"""
from __future__ import annotations

import itertools
import time

import pytest
from bot_helpers import bot_answers, custom_ids, message_requests

from bot.answers import WRITING
from rag.answer import ExtractiveAnswerer
from rag.answerers import Extractive, SentenceSearch
from rag.errors import IndexBusyError
from rag.retrieve import HybridRetriever
from rag.service import QAService
from rag.store import IndexVersions

JIMENG = "How many paying users does Jimeng have?"
UNSUPPORTED = "The rival has 9 billion paying users. [1]"  # streamed first, then dropped by verification


class ScriptedStream(QAService):
    """The real service whose `ask_stream` writes scripted pieces before the real Answer.

    Each piece takes `step` seconds of SimCord's clock, as a model's tokens take time to arrive. Two
    handshakes keep the run deterministic on a slow machine: after the first piece the script waits for the
    draft, and after the fourth (1.2 s later) for the first edit.
    """

    env = None
    step = 0.4
    fail_after: int | None = None  # pieces written before the stream fails

    def ask_stream(self, question, top_k=None, conversation_id=None):
        real = self.ask(question, top_k, conversation_id)
        words = f"{UNSUPPORTED} {real.answer}".split(" ")
        pieces = [" ".join(words[i:i + 6]) + " " for i in range(0, len(words), 6)]
        for i, piece in enumerate(pieces, 1):
            if i - 1 == self.fail_after:
                raise IndexBusyError("the index is being rebuilt; ask again in a minute")
            self.env.backend.clock.advance(self.step)
            yield piece
            if i == 1:
                self.wait_for(lambda r: r.method == "POST")
            elif i == 4:
                self.wait_for(lambda r: r.method == "PATCH")
        yield real.model_copy(update={"mode": "generative", "dropped_sentences": 1})

    def wait_for(self, seen, limit: float = 20.0) -> None:
        """Block this worker thread (real time, bounded) until the bot made a request carrying embeds."""
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline:
            if any(seen(r) and isinstance(r.json, dict) and ("embeds" in r.json or "embeds" in
                   (r.json.get("data") or {})) for r in list(self.env.http_requests)):
                return
            time.sleep(0.02)


@pytest.fixture
def service(built_data_dir, embedder, multilingual, glossary):
    """The scripted-stream service over the shared built index, wired like the composition root's."""
    scorer = ExtractiveAnswerer()
    search = SentenceSearch(HybridRetriever(embedder, multilingual), scorer, glossary)
    return ScriptedStream(IndexVersions(built_data_dir), search, Extractive(scorer))


def answer_payloads(env) -> list[tuple[str, dict]]:
    """(method, payload) of every message the bot sent or edited that carries embeds."""
    return [(r.method, p) for r, p in message_requests(env) if p.get("embeds")]


def description(payload: dict) -> str:
    return payload["embeds"][0].get("description", "")


@pytest.mark.simcord(settle_timeout=30)
async def test_a_mention_answer_grows_in_place_then_is_corrected(world, service):
    service.env = world.env
    started = world.env.now()
    await world.alice.send(world.channel, f"{world.bot_mention} {JIMENG}")
    elapsed = (world.env.now() - started).total_seconds()

    sent = answer_payloads(world.env)
    (method, draft), *edits = sent
    assert method == "POST" and draft["embeds"][0]["footer"]["text"] == WRITING
    assert edits and all(m == "PATCH" for m, _ in edits)
    growing = [description(p) for _, p in edits[:-1]]
    assert growing, "the draft was never edited while the answer grew"
    texts = [description(draft), *growing]
    assert all(len(a) < len(b) for a, b in itertools.pairwise(texts))  # each edit shows more of the answer
    assert any("9 billion" in t for t in texts)  # the unsupported sentence was shown while streaming...

    final = edits[-1][1]
    assert "9 billion" not in description(final) and "25,000" in description(final)  # ...and corrected
    assert final["embeds"][0]["footer"]["text"] == "1 sentence removed: the sources didn't support it"
    assert final["embeds"][1]["fields"][0]["name"].startswith("[1] ")
    assert len(edits) <= elapsed + 1  # at most one edit a second (SimCord's clock)

    (answer,) = bot_answers(world.channel, world.env.bot)  # one message: the draft became the answer
    assert "9 billion" not in answer.embeds[0].description and custom_ids(answer)
    (thread,) = world.channel.threads
    assert thread.id == answer.id


@pytest.mark.simcord(settle_timeout=30)
async def test_a_slash_answer_grows_then_is_replaced_by_the_verified_answer(world, service):
    service.env = world.env
    result = await world.alice.slash(world.channel, "ask", question=JIMENG)

    sent = answer_payloads(world.env)
    assert sent[0][0] == "POST" and sent[0][1]["embeds"][0]["footer"]["text"] == WRITING
    assert [m for m, _ in sent[1:]] == ["PATCH"] * (len(sent) - 1) and len(sent) >= 3
    shown = [m for m in [result.response, *result.followups] if m is not None and m.embeds]
    assert len(shown) == 1
    assert "9 billion" not in shown[0].embeds[0].description and "25,000" in shown[0].embeds[0].description
    assert custom_ids(shown[0])


@pytest.mark.simcord(settle_timeout=30)
async def test_a_stream_that_fails_leaves_one_error_line_not_a_half_written_draft(world, service):
    service.env, service.fail_after = world.env, 2
    await world.alice.send(world.channel, f"{world.bot_mention} {JIMENG}")

    assert answer_payloads(world.env)[0][1]["embeds"][0]["footer"]["text"] == WRITING  # a draft was shown
    assert any(r.method == "DELETE" for r in world.env.http_requests)  # ...and removed
    (reply,) = bot_answers(world.channel, world.env.bot)
    assert reply.content == "⚠️ the index is being rebuilt; ask again in a minute" and not reply.embeds
    assert not world.channel.threads
