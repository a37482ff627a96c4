"""Names across scripts by pinyin: the matches that must hold, and the near misses that must not."""
import pytest

from rag import romanize
from rag.lexical import terms
from rag.mentions import mentions


@pytest.mark.parametrize("latin, text", [
    ("Kuaishou", "快手发布了第三季度财报。"),
    ("Cheng Yixiao", "程一笑在电话会上表示，收入超过预期。"),
    ("Kling", "可灵的全球用户已经超过4500万。"),  # keling with one vowel dropped
])
def test_a_latin_name_is_found_in_chinese_text_by_its_pinyin(latin, text):
    assert romanize.latin_in_chinese(latin, text)
    assert mentions(latin, frozenset(terms(text)), text)


@pytest.mark.parametrize("latin, text", [
    ("Northwind", "快手发布了第三季度财报。"),
    ("Kuaishou", "快乐的手工作品。"),  # the same syllables split by other characters don't count
    ("Sora", "可灵的全球用户已经超过4500万。"),
])
def test_an_unrelated_latin_name_is_not_found(latin, text):
    assert not romanize.latin_in_chinese(latin, text)


def test_a_chinese_name_is_found_in_english_text_by_its_pinyin():
    text = "Founder Cheng Yixiao said Kuaishou would keep investing."
    assert romanize.chinese_in_latin("快手", text)
    assert romanize.chinese_in_latin("程一笑", text)
    assert not romanize.chinese_in_latin("字节跳动", text)
    assert mentions("快手", frozenset(terms(text)), text)


def test_names_too_short_to_be_told_apart_are_never_matched_by_sound():
    assert romanize.spelled("Ke") == "ke"
    assert not romanize.latin_in_chinese("Ke", "可灵")


def test_a_company_name_matches_across_scripts_without_its_legal_ending():
    english = "Yunhai Technology, a Hangzhou start-up, showed its model on Monday."
    chinese = "开发这款模型的云海科技是一家杭州的创业公司。"
    assert romanize.chinese_in_latin("云海科技", english)  # 云海 + 科技 ("technology")
    assert romanize.latin_in_chinese("Yunhai Technology", chinese)
    assert romanize.latin_in_chinese("Yunhai Group Ltd", "云海在杭州。")
    assert not romanize.chinese_in_latin("科技公司", english)  # an ending alone is no name
    assert not romanize.chinese_in_latin("云海科技", "Yunnan Technology is a different firm.")


def test_a_name_romanized_with_one_vowel_more_or_less_takes_the_documents_spelling():
    from rag.aliases import Glossary
    from rag.answerers import respelled

    known = {"kling": 1.0, "revenu": 1.0, "harbor": 1.0}
    glossary = respelled(Glossary({}), "How much revenue did Keling make?", known)
    assert glossary.canonical_names("How much revenue did Keling make?") == ["Kling"]
    assert glossary.rewrite("Keling revenue") == "Kling revenue"
    untouched = Glossary({})
    assert respelled(untouched, "How much revenue did Kling make?", known) is untouched  # the documents' own
    assert respelled(untouched, "What did Zorblax make?", known) is untouched  # nothing spelled like it
    assert romanize.respellings("kel") == frozenset()  # too short to tell apart
