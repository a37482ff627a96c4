"""Word-level soft matching: how well a sentence covers what a question asks, when it says it in other words.

Each content word of the question (not its names, not question words) is matched to the sentence: exactly (same
folded term) or by the closest word's cosine under a multilingual word model (price ~ cost, revenue ~ 收入). The
two numbers it yields are general: the weighted share of the question the sentence covers, and how badly the
least-covered asked word is missing (a near miss names the entity but not the asked attribute).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from rag.embedder import Embedder
from rag.lexical import STOPWORDS, fold
from rag.text import has_cjk, words

LOW, HIGH = 0.35, 0.70  # cosine at or below LOW counts as no match, at or above HIGH as a full match



class WordVectors:
    """Normalized word vectors from a sentence model, with a bounded cache shared by all questions."""

    def __init__(self, model: Embedder, size: int = 50_000):
        self.model, self.size = model, size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def vectors(self, items: list[str]) -> dict[str, np.ndarray]:
        """A vector for each distinct word (embedding only the ones not cached)."""
        with self._lock:
            missing = [w for w in dict.fromkeys(items) if w not in self._cache]
        fresh = self.model.embed(missing) if missing else np.zeros((0, 1))
        with self._lock:
            for word, vec in zip(missing, fresh):
                self._cache[word] = vec
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)
            return {w: self._cache[w] for w in items if w in self._cache}


@dataclass(frozen=True)
class SoftCover:
    """How a sentence covers the question's asked words: weighted share, and the worst-covered word's gap."""

    cover: float
    worst_gap: float


def asked_words(question: str, skip: set[str]) -> list[str]:
    """The question's content words (surface forms), minus stop words, numbers and the words of `skip` (names)."""
    out = []
    for word in words(question):
        if word in STOPWORDS or fold(word) in skip or any(ch.isdigit() for ch in word) or len(word) < 2 and not \
                has_cjk(word):
            continue
        out.append(word)
    return list(dict.fromkeys(out))


def sentence_words(text: str) -> list[str]:
    """A sentence's content words (surface forms)."""
    return list(dict.fromkeys(w for w in words(text) if w not in STOPWORDS and not w.isdigit()))


def soft_covers(asked: list[str], weight: Callable[[str], float], texts: list[str],
                vectors: WordVectors | None) -> list[SoftCover]:
    """For each text, the soft coverage of the asked words (exact folded match, else word-vector similarity)."""
    if not asked:
        return [SoftCover(1.0, 0.0) for _ in texts]
    weights = np.array([max(weight(fold(w)), 1e-6) for w in asked])
    weights = weights / weights.sum()
    rel = weights / weights.max()
    per_text = [sentence_words(t) for t in texts]
    table = vectors.vectors(asked + [w for ws in per_text for w in ws]) if vectors is not None else {}
    asked_folded = [fold(w) for w in asked]
    q = np.vstack([table[w] for w in asked]) if table else None
    out = []
    for ws in per_text:
        folded = {fold(w) for w in ws}
        exact = np.array([f in folded for f in asked_folded], dtype=float)
        if q is not None and ws:
            s = np.vstack([table[w] for w in ws])
            best = (q @ s.T).max(axis=1)
            soft = np.clip((best - LOW) / (HIGH - LOW), 0.0, 1.0)
            match = np.maximum(exact, soft)
        else:
            match = exact
        out.append(SoftCover(float(weights @ match), float((rel * (1.0 - match)).max())))
    return out
