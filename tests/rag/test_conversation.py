"""Follow-ups resolve against the same conversation only, with bounded state."""
from rag.conversation import Conversations


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_short_follow_up_swaps_the_name(glossary):
    conv = Conversations(glossary)
    conv.remember("c1", "How many paying users does Jimeng have?")
    assert conv.resolve("c1", "and Keling?") == "How many paying users does Keling have?"
    assert conv.resolve("c1", "What about Kling?") == "How many paying users does Keling have?"


def test_pronoun_follow_up_gets_the_previous_subject(glossary):
    conv = Conversations(glossary)
    conv.remember("c1", "How many paying users does Jimeng have?")
    assert "Jimeng" in conv.resolve("c1", "how much did they pay?")


def test_conversations_never_cross_and_standalone_questions_pass_through(glossary):
    conv = Conversations(glossary)
    conv.remember("c1", "How many paying users does Jimeng have?")
    assert conv.resolve("c2", "and Keling?") == "and Keling?"
    assert conv.resolve(None, "and Keling?") == "and Keling?"
    full = "Which two video generation tools did ByteDance release in September?"
    assert conv.resolve("c1", full) == full


def test_state_is_bounded_by_age_turns_and_count(glossary):
    clock = Clock()
    conv = Conversations(glossary, max_turns=2, ttl_seconds=60, max_conversations=3, clock=clock)
    conv.remember("old", "How many paying users does Jimeng have?")
    clock.now = 61
    assert conv.resolve("old", "and Keling?") == "and Keling?"
    for i in range(5):
        conv.remember(f"c{i}", f"question {i} about Jimeng")
    assert len(conv._turns) == 3
    for i in range(4):
        conv.remember("c4", f"turn {i} about Jimeng")
    assert len(conv._turns["c4"]) == 2


def test_service_resolves_follow_ups_end_to_end(service):
    first = service.ask("How many paying users does Jimeng have?", conversation_id="t-1")
    follow = service.ask("and Keling?", conversation_id="t-1")
    assert first.answered and "25,000" in first.answer
    assert follow.answered and "2 million" in follow.answer and follow.resolved_question
    other = service.ask("and Keling?", conversation_id="t-other")
    assert other.resolved_question is None, "another conversation's turns are never used"
