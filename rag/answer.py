"""Extractive answers: score candidate sentences, abstain when nothing supports an answer, cite verbatim."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from rag.lexical import terms
from rag.question import QuestionInfo, answer_type_matches, focused_match
from rag.retrieve import Candidate, IndexView, Span
from rag.schemas import Citation, Passage

NOT_COVERED = "The documents don't say. The closest passages are listed as related, not as an answer."


@dataclass
class AnswerParams:
    """Weights and thresholds of sentence scoring (calibrated on the dev gold set)."""

    w_dense: float = 0.5
    w_cover: float = 0.5
    w_dense_cjk: float = 0.5
    w_multilingual: float = 0.5
    context_credit: float = 0.6
    far_context_credit: float = 0.35
    entity_penalty: float = 0.35
    entity_term_weight: float = 0.5
    type_bonus: float = 0.05
    type_penalty: float = 0.3
    focus_bonus: float = 0.08
    w_focus: float = 0.1
    threshold: float = 0.6
    threshold_cjk: float = 0.55
    side_floor: float = 0.6
    max_chars: int = 420
    depth: int = 80


@dataclass
class Scored:
    """A candidate sentence with its support score and the span to quote."""

    cand: Candidate
    sentence: Span
    score: float
    start: int
    end: int
    window_text: str


class ExtractiveAnswerer:
    """Picks the sentences that answer a question and turns them into verified citations."""

    def __init__(self, params: AnswerParams | None = None):
        self.params = params or AnswerParams()

    def score(self, info: QuestionInfo, view: IndexView, candidates: list[Candidate]) -> list[Scored]:
        """Candidates scored by support for the question, best first."""
        entity_terms = {t for e in info.entities for t in terms(e)}
        weights = {t: view.sentence_lex.weight(t) * (self.params.entity_term_weight if t in entity_terms else 1.0)
                   for t in info.terms}
        total = sum(weights.values()) or 1.0
        focus = self._focus(info, view)
        scored = [self._score_one(info, view, cand, weights, total, focus) for cand in candidates[: self.params.depth]]
        return sorted(scored, key=lambda s: -s.score)

    def _score_one(self, info, view, cand, weights, total, focus) -> Scored:
        p = self.params
        sentence = view.sentences[cand.pos]
        prev = view.neighbour(cand.pos, -1)
        far = view.neighbour(cand.pos, -1, same_paragraph=False) if prev is None else None
        after = view.neighbour(cand.pos, 1)
        own = view.sentence_terms[sentence.id]
        near, far_terms = _terms_of(view, prev), _terms_of(view, far) | _terms_of(view, after)
        cover = sum(w * (1.0 if t in own else p.context_credit if t in near else
                         p.far_context_credit if t in far_terms else 0.0)
                    for t, w in weights.items()) / total
        if info.chinese:
            dense = p.w_multilingual * (cand.multilingual or 0.0) + (1 - p.w_multilingual) * cand.dense
            score = p.w_dense_cjk * dense + (1 - p.w_dense_cjk) * cover
        else:
            score = p.w_dense * cand.dense + p.w_cover * cover
        matches = answer_type_matches(info, sentence.text)
        score += p.type_bonus if matches else -p.type_penalty if matches is False else 0.0
        if focus:
            score += p.w_focus * len(focus & own) / len(focus)
        if matches and focused_match(info, sentence.text, focus):
            score += p.focus_bonus
        # A sentence that names someone of another group is about them: it may not borrow the asked
        # names from its neighbours.
        present = own | (near | far_terms if _may_borrow(info, sentence.text) else set())
        score -= p.entity_penalty * _missing_entities(info, present)
        start, end = sentence.start, sentence.end
        needs_context = prev is not None and not any(set(terms(n)) <= own for n in info.names) and any(
            set(terms(n)) <= near for n in info.names)
        if needs_context and sentence.end - prev.start <= p.max_chars:
            start = prev.start
        window = " ".join(x.text for x in (far, prev, sentence) if x is not None)
        return Scored(cand, sentence, round(score, 4), start, end, window)

    @staticmethod
    def _focus(info: QuestionInfo, view: IndexView) -> set[str]:
        """The question's distinctive content terms that are not names: what it asks about."""
        entity_terms = {t for e in info.entities for t in terms(e)}
        lex = view.sentence_lex
        rare = math.log(10.0)  # in at most about a tenth of the sentences
        return {t for t in info.terms if t not in entity_terms and lex.weight(t) >= rare}

    def threshold(self, info: QuestionInfo) -> float:
        """The support score below which the answer is withheld."""
        return self.params.threshold_cjk if info.chinese else self.params.threshold

    def pick(self, info: QuestionInfo, scored: list[Scored]) -> list[Scored]:
        """The sentences to answer with: the best one, plus one per other compared name or list side."""
        if not scored or scored[0].score < self.threshold(info):
            return []
        chosen = [scored[0]]
        if ("compare" in info.kinds or "list" in info.kinds) and len(info.names) >= 2:
            chosen = self._sides(info, scored) or chosen
        return _fit(chosen, self.params.max_chars + 150)

    def _sides(self, info: QuestionInfo, scored: list[Scored]) -> list[Scored]:
        """For a comparison, the best sentence about each compared name (topic terms decide)."""
        name_terms = {t for n in info.names for t in terms(n)}
        topic = [t for t in info.terms if t not in name_terms]
        floor = self.params.side_floor * self.threshold(info)
        sides: list[Scored] = []
        for name in info.names:
            others = [n for n in info.names if n != name]
            about = [s for s in scored if _is_about(s, name, others) and s.score >= floor
                     and (not topic or _topic_cover(topic, s.sentence.text) > 0)]
            if not about:
                continue
            best = max(about, key=lambda s: (_topic_cover(topic, s.sentence.text),
                                              not any(_mentions(s.sentence.text, o) for o in others), s.score))
            if best not in sides:
                sides.append(best)
        return sides

    def cite(self, view: IndexView, chosen: list[Scored]) -> list[Citation]:
        """Citations for the chosen spans, each verified to be the exact source text at its offsets."""
        citations: list[Citation] = []
        for scored in sorted(chosen, key=lambda s: s.start) if len(chosen) > 1 else chosen:
            doc_id = scored.sentence.doc_id
            text = view.text(doc_id)
            quote = text[scored.start:scored.end]
            chunk = view.chunk_around(doc_id, scored.start, scored.end)
            if not quote or chunk is None:
                continue
            citations.append(Citation(n=len(citations) + 1, doc_id=doc_id, source=scored.sentence.source,
                                      title=scored.sentence.title, date=scored.sentence.date, quote=quote,
                                      start=scored.start, end=scored.end, passage=_passage(text, chunk, scored),
                                      score=scored.score))
        return [c for c in citations if verify(view, c)]

    @staticmethod
    def related(view: IndexView, scored: list[Scored], k: int) -> list[Passage]:
        """The closest sentences, offered as related reading when the answer is withheld."""
        return [s.sentence.passage(s.score) for s in scored[:k]]


def verify(view: IndexView, citation: Citation) -> bool:
    """True when the quote is exactly the indexed source text at its offsets."""
    text = view.text(citation.doc_id)
    return 0 <= citation.start < citation.end <= len(text) and text[citation.start:citation.end] == citation.quote


def compose(citations: list[Citation]) -> str:
    """Answer text: each quote followed by its marker."""
    return " ".join(f"{c.quote} [{c.n}]" for c in citations)


def _passage(text: str, chunk: Span, scored: Scored) -> str:
    start, end = min(chunk.start, scored.start), max(chunk.end, scored.end)
    return text[start:end]


def _terms_of(view: IndexView, span: Span | None) -> frozenset[str]:
    return view.sentence_terms[span.id] if span is not None else frozenset()


def _may_borrow(info: QuestionInfo, text: str) -> bool:
    """False when the text names a glossary name from a group none of the question's names belong to."""
    if not info.names:
        return True
    asked = {info.groups.get(n, n) for n in info.names}
    lowered = text.lower()
    named = {info.groups.get(n, n) for n in info.groups if re.search(rf"(?<![a-z0-9]){re.escape(n.lower())}(?![a-z0-9])",
                                                                        lowered)}
    return not (named - asked)


def _missing_entities(info: QuestionInfo, window_terms: set[str]) -> float:
    """How many of the question's entities the window lacks (a comparison needs only one of its sides)."""
    missing = []
    for entity in info.entities:
        wanted = set(terms(entity))
        if wanted:
            missing.append((entity, len(wanted - window_terms) / len(wanted)))
    if "compare" in info.kinds and len(info.names) >= 2:
        sides = [m for e, m in missing if e in info.names]
        others = [m for e, m in missing if e not in info.names]
        return (min(sides) if sides else 0.0) + sum(others)
    return sum(m for _, m in missing)


def _topic_cover(topic: list[str], text: str) -> float:
    own = set(terms(text))
    return sum(t in own for t in topic) / len(topic) if topic else 0.0


def _is_about(scored: Scored, name: str, others: list[str]) -> bool:
    """The sentence names `name` itself, or takes it from context while naming none of the others."""
    own = scored.sentence.text
    if _mentions(own, name):
        return True
    return _mentions(scored.window_text, name) and not any(_mentions(own, other) for other in others)


def _mentions(text: str, name: str) -> bool:
    return set(terms(name)) <= set(terms(text))


def _fit(chosen: list[Scored], limit: int) -> list[Scored]:
    kept: list[Scored] = []
    used = 0
    for s in chosen:
        length = s.end - s.start
        if kept and used + length > limit:
            s = Scored(s.cand, s.sentence, s.score, s.sentence.start, s.sentence.end, s.window_text)
            length = s.end - s.start
            if used + length > limit:
                continue
        kept.append(s)
        used += length + 5
    return kept
