"""BM25 over sentence and chunk texts (bm25s), with a small English stop list and suffix folding."""
from __future__ import annotations

import math
from collections import Counter

import bm25s
import numpy as np

from rag.text import words

STOPWORDS = frozenset("""a an the and or but of to in on at by for with from as is are was were be been being do does
did has have had having it its this that these those there their they them he she his her i you we our what which who
whom whose when where why how than then so such not no can could would should will shall may might must about into
over under after before during also just only very more most much many any each other some same both either""".split())


def fold(word: str) -> str:
    """A light stemmer: plural and common suffixes folded so 'users' matches 'user', 'paying' matches 'pay'."""
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word[-1].isdigit():
            return word[: len(word) - len(suffix)] + keep
    return word


def terms(text: str) -> list[str]:
    """Content terms of a text: normalized words minus stop words, folded."""
    return [fold(w) for w in words(text) if w not in STOPWORDS]


class LexicalIndex:
    """BM25 over a list of texts, plus the inverse document frequency of each term."""

    def __init__(self, texts: list[str]):
        self.size = len(texts)
        tokenized = [terms(t) for t in texts]
        self._bm25 = bm25s.BM25()
        self._vocab = {t for doc in tokenized for t in doc}
        if texts:
            self._bm25.index([doc or ["\u0000"] for doc in tokenized], show_progress=False)
        df = Counter(t for doc in tokenized for t in set(doc))
        self.idf = {t: math.log(1 + (self.size - n + 0.5) / (n + 0.5)) for t, n in df.items()}
        self.unknown_idf = math.log(1 + (self.size + 0.5) / 0.5)

    def weight(self, term: str) -> float:
        """IDF of a term; terms never seen weigh the most."""
        return self.idf.get(term, self.unknown_idf)

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """(position, BM25 score) of the k best texts for the query."""
        query_terms = [t for t in terms(query) if t in self._vocab]
        if not query_terms or not self.size:
            return []
        docs, scores = self._bm25.retrieve([query_terms], k=min(k, self.size), show_progress=False)
        return [(int(d), float(s)) for d, s in zip(np.ravel(docs), np.ravel(scores)) if s > 0]
