"""Taking generated text apart: sentences and their markers, numbers, names, and the follow-up topic check."""
from __future__ import annotations

import pytest

from rag.aliases import Glossary
from rag.claims import missing_names, missing_quantities, quantities, split_claims
from rag.followups import clean_rewrite, keeps_topic

GLOSSARY = Glossary({"Acme": ["Acme Corp", "艾克米"], "Zenith": ["Zenith Labs", "天顶"]})


def test_sentences_keep_their_markers_wherever_the_model_put_them():
    claims = split_claims("Acme sold 4,000 units [1]. Zenith sold 3,000 [2][3].\nBoth grew. [1, 4] Prices fell【2】。"
                          "It was cheap [9].")
    assert [c.text for c in claims] == ["Acme sold 4,000 units.", "Zenith sold 3,000.", "Both grew.",
                                        "Prices fell。", "It was cheap."]
    assert [c.cited for c in claims] == [[1], [2, 3], [1, 4], [2], [9]]


def test_decimals_abbreviations_and_bullets_do_not_split_or_leak():
    claims = split_claims("- Version 1.5 shipped in the U.S. market in May [1].\n- No citation here.")
    assert [c.text for c in claims] == ["Version 1.5 shipped in the U.S. market in May.", "No citation here."]
    assert [c.cited for c in claims] == [[1], []]


def test_chinese_sentences_split_at_chinese_stops():
    claims = split_claims("艾克米有200万付费用户[1]。天顶的收入超过一千万元[2]！")
    assert [c.cited for c in claims] == [[1], [2]]


@pytest.mark.parametrize("claim, source", [
    ("over 2 million users", "2,000,000 users"),
    ("200万用户", "2 million users"),
    ("收入为一千万元", "revenue of ten million yuan"),
    ("about 25k people", "approximately 25,000 people"),
    ("增长了195%", "a 195% improvement"),
    ("in December 2024", "12/27 2024"),
    ("百分之七十", "70% of them"),
    ("three winners", "3 winners"),
])
def test_the_same_quantity_written_differently_matches(claim, source):
    assert not missing_quantities(quantities(claim, strict=True), quantities(source))


@pytest.mark.parametrize("claim, source", [
    ("over 9 million users", "over 2 million users"),
    ("founded in 2019", "founded in 2018"),
    ("3亿美元", "30 million dollars"),
])
def test_a_quantity_the_source_lacks_is_reported(claim, source):
    assert missing_quantities(quantities(claim, strict=True), quantities(source))


def test_pronoun_like_numbers_are_not_claims():
    assert quantities("It is one of the leaders and 一个重要的产品", strict=True) == set()


def test_names_must_appear_in_the_source_aliases_count():
    assert not missing_names("Acme Corp beat Zenith in Europe.", "Acme and Zenith Labs competed in Europe.",
                             GLOSSARY)
    assert missing_names("Acme beat Zenith in Brazil.", "Acme and Zenith competed in Europe.", GLOSSARY) == {"brazil"}
    assert missing_names("艾克米超过了天顶。", "Acme overtook Zenith.", GLOSSARY) == set()
    assert missing_names("Acme uses the H20 chip.", "Acme uses the H100 chip.", GLOSSARY) == {"h20"}
    assert not missing_names("Chinese buyers like Acme.", "Buyers in China like Acme.", GLOSSARY)


def test_a_rewrite_must_keep_the_follow_ups_topic():
    assert keeps_topic("And Zenith's revenue?", "What is Zenith Labs' revenue in 2024?", GLOSSARY)
    assert not keeps_topic("And Zenith's revenue?", "What is Acme's revenue in 2024?", GLOSSARY)
    assert not keeps_topic("What about their prices?", "How many users does Acme have?", GLOSSARY)
    assert keeps_topic("那天顶呢？", "天顶有多少付费用户？", GLOSSARY)


def test_rewrite_replies_are_cleaned_to_one_question():
    assert clean_rewrite('Standalone question: "How many users does Acme have?"\nBecause...') == \
        "How many users does Acme have?"
