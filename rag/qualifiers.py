"""Qualifiers: the word a question puts before what it asks about (高级 in "高级会员", "top-tier" in "top-tier plan").

A sentence that says the same noun with another qualifier and never the asked one ("基础会员" for "高级会员") is about a
sibling of the asked thing, not about it: the near miss a shared noun hides. Chinese words are told apart by jieba's
part-of-speech tags (the qualifier an adjective, distinguishing word or noun, the noun a noun); in English only a
hyphenated compound before a noun is taken for a qualifier.
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise

from rag.lexical import STOPWORDS, terms
from rag.text import chinese_tagged, has_cjk

_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
# Words that ask rather than qualify, and ones that say which or how much rather than what kind.
_CJK_FUNCTION = re.compile(r"^(?:多少|什么|哪|几|是否|有没有|怎么|如何|为什么|目前|现在|最新|每个|每月|每年|每天|一共|总共|"
                           r"主要|分别|平均|大约|约|最|更|还|都|也|的)")
_QUALIFYING = frozenset(["a", "an", "b", "n", "vn"])  # adjectives, distinguishing words, nouns: not names or verbs


@lru_cache(maxsize=4096)
def _cjk_pairs(text: str) -> tuple[tuple[str, str], ...]:
    """(qualifier, noun) pairs: a two-character-or-longer adjective or noun just before a noun of two or more."""
    out = []
    for run in _HAN_RUN.findall(text):
        tagged = chinese_tagged(run)
        out += [(a, b) for (a, ta), (b, tb) in pairwise(tagged)
                if len(a) >= 2 and len(b) >= 2 and ta in _QUALIFYING and tb == "n"]
    return tuple(out)


def _cjk_sibling(question: str, text: str, before: str = "") -> bool:
    for qualifier, noun in _cjk_pairs(question):
        if noun not in text and qualifier not in text:  # "若按年订阅，…": what it is about, the sentence before says
            text = f"{before}{text}"
        told = _cjk_pairs(text)
        if _CJK_FUNCTION.match(qualifier) or qualifier in text or noun not in text:
            continue
        # another qualifier the question itself says ("星云团队" for "星云AI…动画团队") names the asked thing, no sibling
        others = [a for a, b in told if b == noun and a not in question and not _CJK_FUNCTION.match(a)]
        if others and not any(a in qualifier or qualifier in a for a in others):
            return True
    return False


_COMPOUND_BEFORE_NOUN = re.compile(r"\b([a-z]+(?:-[a-z]+)+)\s+([a-z]{3,})\b")
_WORD_BEFORE = re.compile(r"\b([A-Za-z][\w-]*)\s+([a-z]{3,})\b")


def _latin_sibling(question: str, text: str) -> bool:
    """A hyphenated qualifier before a noun ("text-to-video board", "top-tier plan") is a qualifier whatever its
    words; the text says the noun after another word and never the qualifier."""
    lower = text.lower()
    for m in _COMPOUND_BEFORE_NOUN.finditer(question):
        qualifier, noun = m.groups()
        if qualifier in lower or set(terms(qualifier)) <= set(terms(text)) or not re.search(rf"\b{noun}\b", lower):
            continue  # the qualifier is there, in its words ("lip-synced" ~ "lip sync"), or the noun is not
        before = [a.lower() for a, b in _WORD_BEFORE.findall(text) if b == noun]
        if any(a not in STOPWORDS and a != qualifier for a in before):
            return True
    return False


def sibling(question: str, text: str, before: str = "") -> bool:
    """True when the text names what the question asks about ("高级会员", "top-tier plan") only with another qualifier
    ("基础会员", "Acme plan"). English has no tagger here, so only a hyphenated qualifier counts: adjacent words are
    not reliably qualifier and noun, and a first try with any pair withheld ten right answers."""
    if has_cjk(question) or has_cjk(text):
        return has_cjk(question) and has_cjk(text) and _cjk_sibling(question, text, before)
    return _latin_sibling(question, text)


_CJK_ORDINAL = re.compile(r"(第[一二三四五六七八九十\d]+|首|头)(批|期|届|轮|季|代|阶段)")
_ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
                  "eighth": 8, "ninth": 9, "tenth": 10, "inaugural": 1}
_LATIN_ORDINAL = re.compile(r"\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|inaugural|\d+(?:st|nd|rd|th))"
                            r"\s+(batch|round|edition|season|generation|cohort|phase|wave|class|intake)s?\b", re.IGNORECASE)
_CJK_DIGITS = {"首": 1, "头": 1, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _ordinals(text: str) -> set[tuple[int, str]]:
    """(which, of what) for each ordinal a text says: 第二批 -> (2, 批), "third round" -> (3, round)."""
    out = set()
    for m in _CJK_ORDINAL.finditer(text):
        number = m.group(1).lstrip("第")
        value = int(number) if number.isdigit() else _CJK_DIGITS.get(number, 0)
        out.add((value, m.group(2)))
    for m in _LATIN_ORDINAL.finditer(text):
        word = m.group(1).lower()
        value = int(re.sub(r"\D", "", word)) if word[0].isdigit() else _ORDINAL_WORDS[word]
        out.add((value, m.group(2).lower()))
    return out


def other_ordinal(question: str, text: str) -> bool:
    """True when the question asks about one of a series ("第二批", "the second round") and the text says only another
    one of it ("首批", "the first round"): a near miss on which one."""
    told = _ordinals(text)
    return any((n, unit) not in told and any(u == unit for _, u in told) for n, unit in _ordinals(question))
