"""BM25 over sentence and chunk texts (bm25s), with a small English stop list and suffix folding."""
from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

import bm25s
import snowballstemmer
import numpy as np

from rag.text import CACHED_CHARS, tokenize, words

STOPWORDS = frozenset("""a an the and or but of to in on at by for with from as is are was were be been being do does
did has have had having it its this that these those there their they them he she his her i you we our what which who
whom whose when where why how than then so such not no can could would should will shall may might must about into
over under after before during also just only very more most much many any each other some same both either
compare comparison versus vs between difference differences according tell""".split()) | frozenset(
    # Chinese function words and question words (general language, like the English list above)
    """的 了 是 在 和 与 及 以及 或 或者 有 吗 呢 吧 啊 什么 多少 几 哪 哪些 哪个 哪里 谁 如何 怎么 怎样 为什么 为何
    这 那 这个 那个 这些 那些 个 也 都 就 而 并 被 把 将 对 于 从 到 之 其 等 已 已经 还 又 一个 我们 他们 它 她 他 你 我
    着 过 让 给 向 由 所 该 每 各 些 呀 么 请 问""".split())
IRREGULAR = {"won": "win", "winner": "win", "winners": "win", "paid": "pay", "payer": "pay", "bought": "buy",
             "sold": "sell", "made": "make", "spent": "spend", "led": "lead", "grew": "grow", "rose": "rise",
             "began": "begin", "took": "take", "gave": "give", "got": "get", "ran": "run", "chose": "choose",
             "held": "hold", "saw": "see", "said": "say", "brought": "bring", "built": "build", "beat": "beat",
             "bigger": "big", "biggest": "big", "larger": "large", "largest": "large", "better": "good",
             "best": "good", "users": "user", "organised": "organize", "organized": "organize",
             "organizer": "organize", "co-organized": "organize", "overtook": "overtake"}


_STEMMER = snowballstemmer.stemmer("english")
logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets its own logger to DEBUG on import


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Snowball stem after an irregular-forms table: 'won'/'winner' match 'win', 'paying' matches 'paid'."""
    word = IRREGULAR.get(word, word)
    if word[-1:] == "s" and word[-2:-1].isdigit():
        return word[:-1]
    if not word.isascii() or any(ch.isdigit() for ch in word):
        return word
    return _STEMMER.stemWord(word)


TERMS_CACHE = 4096  # distinct short texts whose terms are kept (as for `words`: one answer rereads its sentences)


def terms(text: str) -> list[str]:
    """Content terms of a text: normalized words minus stop words, folded."""
    return list(_cached_terms(text)) if len(text) <= CACHED_CHARS else index_terms(text)


@lru_cache(maxsize=TERMS_CACHE)
def _cached_terms(text: str) -> tuple[str, ...]:
    return tuple(fold(w) for w in words(text) if w not in STOPWORDS)


def index_terms(text: str) -> list[str]:
    """`terms` without the caches (for one pass over many texts, e.g. loading an index)."""
    return [fold(w) for w in tokenize(text) if w not in STOPWORDS]


def index_terms_all(texts: Iterable[str]) -> list[list[str]]:
    """`index_terms` of each text, folding each distinct word once (a corpus can hold more than `fold` caches)."""
    folded: dict[str, str] = {}
    out = []
    for text in texts:
        row = []
        for word in tokenize(text):
            if word not in STOPWORDS:
                term = folded.get(word)
                if term is None:
                    term = folded[word] = fold(word)
                row.append(term)
        out.append(row)
    return out


class LexicalIndex:
    """BM25 over a list of texts, plus the inverse document frequency of each term."""

    def __init__(self, texts: list[str], tokenized: list[list[str]] | None = None):
        """Index texts (or their `terms`, when the caller already has them)."""
        self.size = len(texts)
        tokenized = index_terms_all(texts) if tokenized is None else tokenized
        self._bm25 = bm25s.BM25()
        self._vocab = {t for doc in tokenized for t in doc}
        if texts:
            self._bm25.index([doc or ["\u0000"] for doc in tokenized], show_progress=False)
        df = Counter(t for doc in tokenized for t in set(doc))
        self.idf = {t: math.log(1 + (self.size - n + 0.5) / (n + 0.5)) for t, n in df.items()}
        known = sorted(self.idf.values())
        # A term the corpus never uses weighs like a typical term: paraphrases use new words too.
        self.unknown_idf = known[len(known) // 2] if known else 1.0

    def weight(self, term: str) -> float:
        """IDF of a term; terms never seen weigh the most."""
        return self.idf.get(term, self.unknown_idf)

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """(position, BM25 score) of the k best texts for the query."""
        return self.search_terms(terms(query), k)

    def search_terms(self, query_terms: list[str], k: int) -> list[tuple[int, float]]:
        """(position, BM25 score) of the k best texts for terms already normalized (a translated question's)."""
        query_terms = [t for t in query_terms if t in self._vocab]
        if not query_terms or not self.size:
            return []
        docs, scores = self._bm25.retrieve([query_terms], k=min(k, self.size), show_progress=False)
        return [(int(d), float(s)) for d, s in zip(np.ravel(docs), np.ravel(scores)) if s > 0]
