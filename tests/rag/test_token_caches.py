"""The memoized tokenizers (`words`, `terms`) give exactly what tokenizing afresh gives, as lists the caller owns."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rag.lexical import index_terms, terms
from rag.text import CACHED_CHARS, has_cjk, tokenize, words

PIECES = ["The", "module's", "2,500", "co-organized", "5%", "users", "won", "可灵的付费用户", "’quoted’", "3.11",
          "run", "—", "CSV", "files.", "超过了两百万", "\n", "Kling-2.0"]


# No deadline: the first Chinese example loads the segmenter's dictionary (0.1-0.2 s, more on busy cores).
@settings(deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_cached_tokens_equal_fresh_tokens(parts):
    text = " ".join(parts)
    for _ in range(2):  # the first call fills the cache, the second reads it
        assert words(text) == tokenize(text)
        assert terms(text) == index_terms(text)


def test_a_caller_changing_its_list_does_not_change_the_next_callers():
    text = "Python's subprocess module runs commands and captures their output."
    first = words(text)
    first.append("extra")
    first[0] = "changed"
    assert words(text) == tokenize(text)
    mine = terms(text)
    mine.clear()
    assert terms(text) == index_terms(text) != []


def test_long_texts_are_tokenized_without_the_cache():
    long_text = "Sockets carry bytes between processes. " * (CACHED_CHARS // 20)
    assert len(long_text) > CACHED_CHARS
    assert words(long_text) == tokenize(long_text)
    assert terms(long_text) == index_terms(long_text)


@settings(deadline=None)
@given(st.text(alphabet=st.sampled_from("aZ9 ,.可灵㐀\u3400\u4dbf\u4dc0\u4e00\u9fff\ua000\u33ff"), max_size=12))
def test_has_cjk_finds_exactly_the_chinese_ranges(text):
    assert has_cjk(text) == any("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" for ch in text)
