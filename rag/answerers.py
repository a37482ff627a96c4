"""Answerers as components: the shared retrieval step, the `Answerer` protocol and the extractive answerer."""
from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal, Protocol

from rag import namepairs, romanize
from rag.lexical import terms
from rag.aliases import Glossary
from rag.answer import NOT_COVERED, ExtractiveAnswerer, Scored
from rag.question import QuestionInfo, analyse
from rag.retrieve import HybridRetriever, IndexView
from rag.schemas import Citation, Passage


@dataclass
class Found:
    """What retrieval found for one (resolved) question: its analysis and the candidate sentences, best first."""

    question: str
    info: QuestionInfo
    view: IndexView
    scored: list[Scored]
    top_k: int


@dataclass
class Draft:
    """An answerer's result: the text, its verified citations and which mode produced it."""

    answer: str
    answered: bool
    citations: list[Citation] = field(default_factory=list)
    related: list[Passage] = field(default_factory=list)
    mode: Literal["extractive", "generative"] = "extractive"
    dropped: int = 0


class Answerer(Protocol):
    """Turns what retrieval found into an answer: zero or more streamed text pieces, then one `Draft`."""

    def answer(self, found: Found, stream: bool = False) -> Iterator[str | Draft]:
        """Text pieces (`str`, only when streaming a generated answer), then exactly one final `Draft`."""


class SentenceSearch:
    """The retrieval step every answerer shares: hybrid candidates, scored for support, best first."""

    def __init__(self, retriever: HybridRetriever, scorer: ExtractiveAnswerer, glossary: Glossary):
        self.retriever, self.scorer, self.glossary = retriever, scorer, glossary
        self._mined: tuple[str, Glossary] | None = None  # (index version, glossary + the aliases its documents state)
        self._lock = threading.Lock()

    def glossary_for(self, view: IndexView) -> Glossary:
        """The user's glossary plus the aliases this index version's documents state ("X (Y)", "X, known as Y")."""
        with self._lock:
            if self._mined is None or self._mined[0] != view.version:
                pairs = [tuple(pair) for doc_id, info in view.documents().items()  # stated when indexed; else now
                         for pair in (info["aliases"] if "aliases" in info else namepairs.mine([view.text(doc_id)]))]
                self._mined = (view.version, self.glossary.with_pairs(pairs))
            return self._mined[1]

    def find(self, view: IndexView, question: str, top_k: int) -> Found:
        """Candidate sentences for a question, scored by how well they support an answer."""
        glossary = respelled(self.glossary_for(view), question, view.sentence_lex.idf)
        info = analyse(question, glossary)
        dense_query = " ".join([glossary.rewrite(question), *glossary.translate_terms(question)])
        lexical_query = glossary.expand(question)
        # The multilingual model reads every question as asked: it finds Chinese passages for English
        # questions and the reverse.
        candidates = self.retriever.candidates(view, dense_query, lexical_query, question, self._translated(info))
        return Found(question, info, view, self.scorer.score(info, view, candidates), top_k)

    def _translated(self, info: QuestionInfo) -> list[str] | None:
        """The question's words in the other language, through the dictionary: English stems for a Chinese
        question, Chinese words for an English one (None without a dictionary)."""
        lexicon = self.scorer.lexicon
        if lexicon is None:
            return None
        if info.chinese:
            return sorted(lexicon.as_english(info.text))
        return list(dict.fromkeys(word for stem in info.terms for word in lexicon.chinese(stem)))


_ONE_WORD_NAME = re.compile(r"(?<![\w.-])[A-Z][a-z]{3,}(?![\w.-])")


def respelled(glossary: Glossary, question: str, known: dict[str, float]) -> Glossary:
    """The glossary plus the documents' spelling of a one-word name the question romanizes otherwise ("Karova"
    asked, "Krova" written: one inside vowel apart) when no document uses the question's spelling."""
    pairs = []
    for word in dict.fromkeys(_ONE_WORD_NAME.findall(question)):
        if set(terms(word)) <= known.keys() or glossary.canonical_names(word):
            continue
        found = sorted(w for w in romanize.respellings(word.lower()) if terms(w) == [w] and w in known)
        if len(found) == 1:
            pairs.append((found[0].capitalize(), word))
    return glossary.with_pairs(pairs) if pairs else glossary


class Extractive:
    """The extractive answerer: the best-supported sentences quoted verbatim, or a plain abstention."""

    def __init__(self, answerer: ExtractiveAnswerer):
        self.answerer = answerer

    def draft(self, found: Found) -> Draft:
        """Quoted sentences with verified citations, or NOT_COVERED with the closest passages as related."""
        view, top_k = found.view, found.top_k
        chosen = self.answerer.complete(found.info, view, self.answerer.pick(found.info, found.scored))
        citations = self.answerer.cite(view, chosen)[:top_k]
        if citations:
            return Draft(self.answerer.compose(chosen, citations), True, citations)
        return Draft(NOT_COVERED, False, related=self.answerer.related(view, found.scored, min(top_k, 3)))

    def answer(self, found: Found, stream: bool = False) -> Iterator[str | Draft]:
        """No text pieces: the extractive answer is ready at once."""
        yield self.draft(found)
