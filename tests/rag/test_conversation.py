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


def test_a_follow_up_with_its_own_subject_and_topic_keeps_its_topic(glossary):
    conv = Conversations(glossary)
    conv.remember("c1", "How many paying users does Jimeng have?")
    question = "What about Keling's monthly revenue?"
    assert conv.resolve("c1", question) == question, "it lacks nothing, so nothing is borrowed"
    conv.remember("c1", question)
    assert conv.resolve("c1", "and Jimeng?") == "What about Jimeng's monthly revenue?"


def test_a_complete_new_question_is_never_rewritten(glossary):
    conv = Conversations(glossary)
    conv.remember("c1", "How many paying users does Jimeng have?")
    for question in ["Who is Zhang Nan?", "Who is Zhao Chunxiang?", "When was Kuaishou founded?",
                     "What is the capital of France?", "And how many users does Keling serve?",
                     "How long did the two young authors spend searching for a gateway to the world model?",
                     "可灵有多少付费用户？", "Compare the paying users of Jimeng and Keling."]:
        assert conv.resolve("c1", question) == question, question
        assert not conv.lacks_context("new", question), question


def test_a_topic_without_a_subject_borrows_only_the_subject(glossary):
    conv = Conversations(glossary)
    conv.remember("c1", "How many paying users does Jimeng have?")
    assert conv.resolve("c1", "and the monthly revenue?") == "What about Jimeng's monthly revenue?"
    assert conv.resolve("c1", "what about daily active users?") == "What about Jimeng's daily active users?"
    assert conv.resolve("c1", "and in 2023?") == "How many paying users does Jimeng have in 2023?"
    assert conv.resolve("c1", "what was their revenue?") == "what was Jimeng's revenue?"


def test_chinese_follow_ups(glossary):
    conv = Conversations(glossary)
    conv.remember("c1", "即梦有多少付费用户？")
    assert conv.resolve("c1", "那可灵呢？") == "Keling有多少付费用户？"
    assert conv.lacks_context("new", "那可灵呢？")
    assert not conv.lacks_context("new", "可灵有多少付费用户？")


def test_a_follow_up_without_an_earlier_turn_is_flagged(glossary):
    conv = Conversations(glossary)
    for question in ["and Keling?", "What about Kling?", "how much did they pay?", "and the revenue?", "why?"]:
        assert conv.lacks_context("fresh", question), question
        assert conv.lacks_context(None, question), question
    conv.remember("c1", "How many paying users does Jimeng have?")
    assert not conv.lacks_context("c1", "and Keling?")
    assert not conv.lacks_context("fresh", "What about Keling's monthly revenue?")


def test_service_flags_a_follow_up_with_no_earlier_turn(service):
    answer = service.ask("and Keling?", conversation_id="restarted-1")
    assert answer.notice == "no_earlier_turn" and not answer.answered
    assert answer.answer.startswith("Ask a full question") and not answer.citations and not answer.related


def test_service_keeps_the_new_topic(service):
    service.ask("How many paying users does Jimeng have?", conversation_id="t-topic")
    shifted = service.ask("Who is Zhang Nan?", conversation_id="t-topic")
    assert shifted.resolved_question is None and shifted.question == "Who is Zhang Nan?"
    revenue = service.ask("What about Keling's monthly revenue?", conversation_id="t-topic")
    assert revenue.resolved_question is None and revenue.notice is None
    assert "paying users" not in revenue.answer


def test_no_gold_question_is_taken_for_a_follow_up(glossary):
    import json

    from tests.conftest import ROOT, SHARED_EVAL

    from rag.aliases import Glossary

    data = ROOT / "tests" / "data"
    files = [f for f in (SHARED_EVAL, data / "extra.jsonl", data / "dev_tune.jsonl") if f.exists()]
    questions = [json.loads(line)["question"] for f in files for line in f.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    assert len(questions) > 400
    for known in (glossary, Glossary({})):  # with no glossary, as over documents whose names nobody listed
        conv = Conversations(known)
        assert [q for q in questions if conv.lacks_context(None, q)] == []


def test_chinese_question_words_and_pronoun_lookalikes_make_no_follow_up():
    from rag.aliases import Glossary

    conv = Conversations(Glossary({}))
    for question in ("海藻产量占全球总产量的多大比例？", "这段视频最长多久？", "是不是免费的产品线里最贵的？",
                     "除了这家公司，还有哪些其他竞争对手？", "卸任后转去负责剪辑软件及其产品，这被解读为什么信号？",
                     "Why is seaweed farming growing and what limits its spread?"):
        assert not conv.lacks_context(None, question), question
    for question in ("它的价格是多少？", "那它的用户呢？", "What is its price?", "What about its revenue?"):
        assert conv.lacks_context(None, question), question


def test_property_complete_questions_pass_unchanged_and_bare_names_swap(glossary):
    from hypothesis import given
    from hypothesis import strategies as st

    names = sorted(glossary.entries)
    openers = ["How many", "What", "Who", "When did", "Which", "Why did", "How much"]
    topics = ["paying users", "revenue", "followers", "chips", "models", "prize money"]
    verbs = ["have", "report", "release", "earn", "lose", "announce"]

    @given(previous_name=st.sampled_from(names), name=st.sampled_from(names), opener=st.sampled_from(openers),
           topic=st.sampled_from(topics), verb=st.sampled_from(verbs))
    def check(previous_name, name, opener, topic, verb):
        conv = Conversations(glossary)
        conv.remember("c", f"How many {topic} does {previous_name} have?")
        question = f"{opener} {topic} does {name} {verb}?"
        assert conv.resolve("c", question) == question
        assert not conv.lacks_context("fresh", question)
        follow = conv.resolve("c", f"and {name}?")
        assert name in follow and topic in follow
        assert conv.lacks_context("fresh", f"and {name}?")

    check()
