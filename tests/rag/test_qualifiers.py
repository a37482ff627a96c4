"""Siblings a shared noun hides: the asked qualifier told, or another one in its place."""
import pytest

from rag.qualifiers import sibling


@pytest.mark.parametrize("question, text, other", [
    ("星河AI高级会员每月多少钱？", "星河AI基础会员目前定价为每月69元。", True),  # 基础 told where 高级 was asked
    ("星河AI高级会员每月多少钱？", "星河AI高级会员每月199元，基础会员69元。", False),  # the asked one is there
    ("星河AI会员每月多少钱？", "星河AI基础会员目前定价为每月69元。", False),  # nothing was qualified
    ("动画团队用星云AI做什么？", "星云团队负责人李明介绍说，用户分为三类。", False),  # 星云 is the asked name itself
    ("星河的付费用户有多少？", "星河的付费用户超过500万。", False),
    ("吴永辉是什么时候加入星河的？", "2025年2月，吴永辉加入星河，出任研究负责人。", False),  # no qualified noun
    ("What does the premium plan cost?", "The basic plan costs $10.", False),  # English: only hyphenated qualifiers
    ("What does the top-tier plan cost?", "A Tessel plan starts at $10 a month.", True),
    ("What does the top-tier plan cost?", "The top-tier plan costs $99.", False),
    ("What score does Tessel get on the text-to-video board?", "On the image-to-video board Tessel scores 1290.", True),
    ("Which languages get lip-synced dialogue?", "Lip sync works for dialogue in Mandarin and English.", False),
])
def test_a_noun_told_only_with_another_qualifier_is_a_sibling(question, text, other):
    assert sibling(question, text) is other


@pytest.mark.parametrize("question, text, other", [
    ("星河计划第二批签约了多少位创作者？", "星河计划已签约首批86位创作者。", True),
    ("星河计划第二批签约了多少位创作者？", "第二批签约30位，首批86位。", False),
    ("How many studios joined the second cohort?", "The first cohort had 20 studios.", True),
    ("How many studios joined the second cohort?", "The 2nd cohort had 31 studios.", False),
    ("How many studios joined the second cohort?", "In its first year, 20 studios joined.", False),  # not a cohort
])
def test_a_text_saying_only_another_one_of_a_series_is_a_near_miss(question, text, other):
    from rag.qualifiers import other_ordinal
    assert other_ordinal(question, text) is other


def test_a_sentence_not_saying_what_it_is_about_takes_it_from_the_sentence_before():
    question = "星河AI标准会员连续包年的价格是多少？"
    text = "若选择连续包年，价格为659元/年。"
    assert sibling(question, text, "星河AI基础会员连续包月价格为69元/月，每月发放1080积分；")  # 基础's yearly price
    assert not sibling(question, text, "星河AI标准会员连续包月价格为169元/月；")  # the asked one's
    assert not sibling(question, "基础会员和标准会员均可连续包年。", "高级会员另计。")  # it says the asked one itself
