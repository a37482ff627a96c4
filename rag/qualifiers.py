"""Qualifiers: the word a Chinese question puts before what it asks about (高级 in "高级会员").

A sentence that says the same noun with another qualifier and never the asked one ("基础会员" for "高级会员") is about a
sibling of the asked thing, not about it: the near miss a shared noun hides. Words are told apart by jieba's
part-of-speech tags: the qualifier an adjective, distinguishing word or noun, the noun a noun.
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise

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


def _cjk_sibling(question: str, text: str) -> bool:
    told = _cjk_pairs(text)
    for qualifier, noun in _cjk_pairs(question):
        if _CJK_FUNCTION.match(qualifier) or qualifier in text or noun not in text:
            continue
        others = [a for a, b in told if b == noun and a != qualifier and not _CJK_FUNCTION.match(a)]
        if others and not any(a in qualifier or qualifier in a for a in others):
            return True
    return False


def sibling(question: str, text: str) -> bool:
    """True when a Chinese text names what a Chinese question asks about ("高级会员") only with another qualifier
    ("基础会员"). (English has no tagger here: adjacent words are not reliably qualifier and noun, and a first try
    without one withheld ten right answers on the project's sets.)"""
    return has_cjk(question) and has_cjk(text) and _cjk_sibling(question, text)
