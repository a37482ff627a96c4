"""The Chinese-English lexicon: parsing CC-CEDICT, coverage across languages, and answers it makes possible."""
from __future__ import annotations

import pytest

from rag.bilingual import Lexicon
from rag.lexical import fold

LINES = [
    "# CC-CEDICT comment line",
    "收入 收入 [shou1 ru4] /to take in/income/revenue/CL:筆|笔[bi3],個|个[ge4]/",
    "廣告 广告 [guang3 gao4] /to advertise/a commercial/advertisement/CL:項|项[xiang4]/",
    "為 为 [wei4] /because of/for/to/",
    "張 张 [Zhang1] /surname Zhang/",
    "季度 季度 [ji4 du4] /quarter of a year/",
    "總 总 [zong3] /general/overall/total/",
    "說明 说明 [shuo1 ming2] /to explain at length the many meanings of a word in a long sentence/",
    "星光 星光 [xing1 guang1] /starlight/",
    "引擎 引擎 [yin3 qing2] /engine (loanword)/",
    "雲 云 [yun2] /cloud/",
    "科技 科技 [ke1 ji4] /science and technology/",
]


@pytest.fixture(scope="module")
def small():
    return Lexicon.from_lines(LINES)


def test_glosses_become_english_stems_without_notes_surnames_or_long_explanations(small):
    assert set(small.english("收入")) == {fold("take"), fold("income"), fold("revenue")}
    assert fold("advertisement") in small.english("广告")
    assert small.english("张") == ()  # only a surname: no translation
    assert small.english("说明") == ()  # the only gloss explains, it does not translate


def test_an_unknown_word_is_cut_into_the_longest_dictionary_words(small):
    assert set(small.english("广告收入")) == set(small.english("广告")) | set(small.english("收入"))
    assert {fold("total"), fold("income")} <= set(small.english("总收入"))


def test_a_chinese_name_has_english_forms_by_meaning_and_by_sound(small):
    assert small.name_forms("星光引擎") == ["Starlight Engine"]
    assert small.name_forms("云途科技") == ["Yuntu Science", "Yuntu Technology"]  # 云途 is no word: its pinyin
    assert small.name_forms("星AI") == []  # one loose character: too short to spell in pinyin


def test_coverage_counts_the_questions_words_in_the_other_language(small):
    weights = {fold("advertising"): 2.0, fold("revenue"): 1.0, fold("rocket"): 1.0}
    assert small.cover(weights, False, "广告收入为176亿元。") == pytest.approx(3 / 4)
    assert small.cover(weights, False, "The advertising revenue rose.") is None  # same language: plain coverage
    chinese = {"广告": 1.0, "收入": 1.0}
    assert small.cover(chinese, True, "Advertising brought in most of the revenue.") == pytest.approx(1.0)
    assert small.cover(chinese, True, "Users watched more videos.") == 0.0


def test_a_single_character_of_a_sentence_is_not_translated(small):
    assert small.cover({fold("because"): 1.0}, False, "收入为十亿。") == 0.0


def test_the_bundled_dictionary_loads():
    from tests.conftest import shared_lexicon

    lexicon = shared_lexicon()
    assert fold("revenue") in lexicon.english("营收") and fold("resolution") in lexicon.english("分辨率")


DOCS = {
    "lumo-zh.md": """---
title: 流光视频的商业化
date: 2025-05-10
---
流光视频在发布会上公布了新的定价。
流光视频的专业版最高支持4K分辨率，普通版只支持720p。
企业客户按调用次数付费。
""",
    "lumo-en.md": """---
title: Lumo Video grows its user base
date: 2025-05-12
---
Lumo Video (流光视频) said its app passed ten million downloads in April.
The company plans to open an office in Singapore later this year.
The professional edition of Lumo Video supports longer clips and costs 99 yuan a month.
""",
    "engines.md": """---
title: Cloud video prices
date: 2025-06-02
---
Starlight Engine charges 0.5 yuan per second of generated video through its cloud service.
Moonlight Studio charges 2 yuan per second of generated video.
""",
}


@pytest.fixture(scope="module")
def mixed(tmp_path_factory, embedder, multilingual):
    """The index of a small bilingual corpus (fictional)."""
    from tests.conftest import index_documents

    return index_documents(tmp_path_factory.mktemp("bilingual"), DOCS, embedder, multilingual)


def test_an_english_question_is_answered_from_the_chinese_sentence_that_says_it(mixed, embedder, multilingual,
                                                                                 glossary):
    from tests.conftest import build_service

    service = build_service(mixed, embedder, multilingual, glossary)
    answer = service.ask("What is the highest resolution Lumo Video's professional edition supports?")
    assert answer.answered, answer.answer
    assert "4K" in answer.answer and answer.citations[0].source == "lumo-zh.md", answer.answer


def test_a_chinese_question_finds_a_name_an_english_sentence_says_in_translation(mixed, embedder, multilingual,
                                                                                glossary):
    from tests.conftest import build_service

    service = build_service(mixed, embedder, multilingual, glossary)
    answer = service.ask("星光引擎的视频每秒收费多少？")
    assert answer.answered and "0.5 yuan" in answer.answer and "Moonlight" not in answer.answer, answer.answer
    withheld = service.ask("银河引擎的视频每秒收费多少？")  # a name no document says, in any language
    assert not withheld.answered and withheld.citations == [], withheld.answer


def test_a_chinese_questions_topic_follows_an_opening_clause():
    from rag.question import chinese_subject

    assert chinese_subject("与刚推出时相比，星河影像在一年里有什么变化？") == "星河影像"
    assert chinese_subject("星河影像的月费是多少？") == "星河影像"
    assert chinese_subject("星河影像推出了哪些功能，收费多少？") == "星河影像"  # a second question, not a clause


def test_a_sentence_in_the_other_language_covers_the_question_through_the_lexicon():
    from rag import features
    from rag.aliases import Glossary
    from rag.features import Evidence
    from rag.question import analyse
    from tests.conftest import shared_lexicon

    info = analyse("How much advertising revenue did the app report?", Glossary({}))
    said = Evidence(key=1, doc_id="a", text="这款应用的广告收入为十亿元。")
    other = Evidence(key=2, doc_id="b", text="这款应用在六月上线。")
    cover = features.FEATURES.index("cover")
    ctx = features.context(info, [said, other], lambda term: 1.0)
    assert features.vector(ctx, said)[cover] == 0.0  # without the lexicon: no shared words across languages
    ctx.extra["bilingual"] = features.bilingual_covers(ctx, [said, other], shared_lexicon())
    assert features.vector(ctx, said)[cover] > features.vector(ctx, other)[cover]
    assert ctx.best_cover == features.vector(ctx, said)[cover] > 0.5
