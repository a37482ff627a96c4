"""Chinese as first class: sentence ends, exact offsets in mixed text, word tokens for the lexical index."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from rag.lexical import LexicalIndex, terms
from rag.text import sentence_spans, words

_ENDS = "。！？；"


def pieces(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def test_chinese_sentences_end_at_chinese_punctuation_with_closing_quotes():
    text = '他说：“可灵很强。”然后离开了；大家都笑了！Kling grew 5% in 2024. 真的吗？“是的！”可灵2.0发布了。'
    assert pieces(text) == ['他说：“可灵很强。”', '然后离开了；', '大家都笑了！', 'Kling grew 5% in 2024.', '真的吗？',
                            '“是的！”', '可灵2.0发布了。']


def test_decimals_and_latin_inside_chinese_do_not_split():
    text = "快手第三季度收入为311亿元，同比增长11.4%。Kling 1.6 的表现提升了195%。"
    assert pieces(text) == ["快手第三季度收入为311亿元，同比增长11.4%。", "Kling 1.6 的表现提升了195%。"]


def test_chinese_words_are_words_not_characters():
    tokens = words("可灵的付费用户超过了两百万")
    assert "付费" in tokens and "用户" in tokens and "可" not in tokens
    assert words("Kling 2.0 发布") == ["kling", "2.0", "发布"]


def test_lexical_index_matches_chinese_words_and_ignores_function_words():
    sentences = ["可灵的付费用户超过了两百万。", "即梦的月活跃用户约为一千万。", "海带养殖的产量在增长。",
                 "Kling has over two million paying users."]
    index = LexicalIndex(sentences)
    best = index.search("可灵有多少付费用户？", 3)
    assert best and best[0][0] == 0
    assert index.search("即梦月活跃用户是多少", 3)[0][0] == 1
    assert "的" not in terms("可灵的付费用户") and "多少" not in terms("多少付费用户")


_MIXED = st.text(alphabet=st.sampled_from(list("可灵即梦快手收入用户 ab AZ09.,!?\n。！？；，：“”「」（）%")), max_size=200)


@settings(max_examples=300, deadline=None)
@given(_MIXED)
def test_sentence_spans_on_mixed_text_are_exact_ordered_and_lose_nothing(text):
    spans = sentence_spans(text)
    covered = set()
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        piece = text[start:end]
        assert piece == piece.strip()
        # a Chinese sentence end is never inside a span: only closing marks may follow it
        for m in re.finditer(f"[{_ENDS}]", piece):
            assert re.fullmatch(r"[。！？；!?]*[”’」』）)\]》\"']*", piece[m.end():]), piece
        covered.update(range(start, end))
        previous_end = end
    assert all(ch.isspace() for i, ch in enumerate(text) if i not in covered), "a character fell between sentences"
