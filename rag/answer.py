"""Extractive answers: score candidate sentences with fitted weights, abstain when nothing supports an answer,
cite verbatim."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np

from rag import features, periods, quantities
from rag.bilingual import Lexicon
from rag.combiner import Combiner
from rag.conflicts import conflicting, same_fact
from rag.eligible import asks, holds_what_was_asked, unknown_entity
from rag.evidence import document_label, evidence_from_view
from rag.features import Evidence
from rag.lexical import fold, terms
from rag.mentions import mentions
from rag.metadata import META_WORDS, metadata_answer
from rag.question import QuestionInfo, chinese_subject
from rag.retrieve import Candidate, IndexView, Span
from rag.schemas import Citation, Passage
from rag.softmatch import WordVectors, asked_words, soft_covers
from rag.text import has_cjk

NOT_COVERED = "The documents don't say. The closest passages are listed as related, not as an answer."


@dataclass
class AnswerParams:
    """Limits of answer choice; thresholds default to the fitted ones (rag/data/combiner.json)."""

    threshold: float | None = None
    threshold_cjk: float | None = None
    pool_floor: float = 0.2  # other sources (conflicts, newer, other periods) need this share of the threshold
    period_relief: float = 1.0  # share of the threshold a passage naming the asked period needs (1: no relief)
    max_chars: int = 420
    depth: int = 80


@dataclass
class Scored:
    """A candidate sentence with its support score (a probability) and the span to quote."""

    cand: Candidate
    sentence: Span
    score: float
    start: int
    end: int
    window_text: str
    evidence: Evidence | None = None
    row: dict = field(default_factory=dict)
    note: str = ""


class ExtractiveAnswerer:
    """Picks the sentences that answer a question and turns them into verified citations."""

    def __init__(self, params: AnswerParams | None = None, combiner: Combiner | None = None,
                 word_vectors: WordVectors | None = None, lexicon: Lexicon | None = None):
        self.params = params or AnswerParams()
        self.combiner = combiner or Combiner.load()
        self.word_vectors = word_vectors  # soft matching of asked words (exact matches only when None)
        self.lexicon = lexicon  # word coverage across languages (none when None)

    def score(self, info: QuestionInfo, view: IndexView, candidates: list[Candidate]) -> list[Scored]:
        """Candidates scored by the fitted probability that they answer the question, best first."""
        evidence = evidence_from_view(view, candidates[: self.params.depth])
        info = self._with_subject(info)
        if self.lexicon is not None:
            info = _with_translated_names(info, self.lexicon)
        ctx = features.context(info, evidence, view.sentence_lex.weight)
        names = {t for e in info.entities for f in info.forms(e) for t in terms(f)}
        covers = soft_covers(asked_words(info.core or info.text, names), view.sentence_lex.weight, [ev.text for ev in evidence],
                             self.word_vectors)
        ctx.extra["soft"] = {ev.key: c for ev, c in zip(evidence, covers)}
        if self.lexicon is not None:  # coverage of the question by a sentence in the other language, in English stems
            ctx.extra["bilingual"] = features.bilingual_covers(ctx, evidence, self.lexicon)
        rows = features.matrix(ctx, evidence)
        probs = self.combiner.confidence(rows)
        unknown = unknown_entity(info, view, [ev.doc_text for ev in evidence if has_cjk(ev.text)])
        scored = [self._scored(info, view, cand, ev, float(p) * (0.0 if unknown else 1.0), row)
                  for cand, ev, p, row in zip(candidates, evidence, probs, rows)]
        if unknown:  # kept with the rows, so fitting (rag/fit.py) withholds these questions as serving does
            for s in scored:
                s.row["unknown_entity"] = 1.0
        units = quantities.counted(info.text) if "number" in info.kinds else []
        if units:  # what a count question counts ("how many credits", "多少分钟") must be what the passage counts
            for s, cover in zip(scored, self._counted_covers(units, view, evidence)):
                s.row["counted_cover"] = cover
        if info.meta:  # which document a question about a document means: its title and publication, in any language
            labels = list(dict.fromkeys(document_label(ev) for ev in evidence))
            asked = [w for w in asked_words(info.core or info.text, set()) if fold(w) not in META_WORDS]  # names too
            title_cover = {t: c.cover for t, c in zip(labels, soft_covers(asked, view.sentence_lex.weight, labels,
                                                                           self.word_vectors))}
            for s in scored:
                s.row["title_cover"] = title_cover.get(document_label(s.evidence), 0.0) if s.evidence is not None else 0.0
        return sorted(scored, key=lambda s: -s.score)

    def _counted_covers(self, units: list[str], view: IndexView, evidence: list[Evidence]) -> list[float]:
        """How well each sentence says what a count question counts: the counted words anywhere in it (or the
        sentence before), and the counted noun, the last of them ("free credits"), next to a figure it states
        ("10 free credits", not "ten dollars a month for more credits")."""
        weight = view.sentence_lex.weight
        anywhere = soft_covers(units, weight, [f"{ev.before} {ev.text}" for ev in evidence], self.word_vectors)
        near = [quantities.near_numbers(ev.text) for ev in evidence]
        head = units[-1]
        bound = soft_covers([head], weight, near, self.word_vectors)
        out = []
        for ev, a, b, said in zip(evidence, anywhere, bound, near):
            if has_cjk(ev.text) and has_cjk(head):
                held = float(head in said)  # as written: short Chinese words have no reliable word vectors
            else:
                held = max(b.cover, float(self._translates(head, said)))
            out.append(min(a.cover, held))
        return out

    def _translates(self, word: str, text: str) -> bool:
        """True when the lexicon says a word in the other language than the text (点赞 ~ likes, users ~ 用户)."""
        if self.lexicon is None or not (has_cjk(word) or has_cjk(text)):
            return False
        said = self.lexicon.as_english(text)
        return bool(set(self.lexicon.english(word)) & said) if has_cjk(word) else fold(word) in said

    @staticmethod
    def _with_subject(info: QuestionInfo) -> QuestionInfo:
        """A Chinese question's opening name ("星河影像的月费是多少？" -> 星河影像) is one of its entities, as an English
        question's capitalized names are: the answer must name it, in any script (pinyin, or in translation through
        the lexicon). A name no document uses is then never found, and the question is withheld."""
        if not info.chinese or any(has_cjk(f) for e in info.entities for f in info.forms(e)):
            return info
        subject = chinese_subject(info.text)
        return replace(info, entities=[*info.entities, subject]) if subject else info

    def _scored(self, info: QuestionInfo, view: IndexView, cand: Candidate, ev: Evidence, prob: float,
                row: np.ndarray) -> Scored:
        sentence = view.sentences[cand.pos]
        prev = view.neighbour(cand.pos, -1)
        start = sentence.start
        own = set(terms(sentence.text))
        near = set(terms(prev.text)) if prev is not None else set()
        needs_context = prev is not None and not any(set(terms(n)) <= own for n in info.names) and any(
            set(terms(n)) <= near for n in info.names)
        if needs_context and prev is not None and sentence.end - prev.start <= self.params.max_chars:
            start = prev.start
        window = " ".join(x for x in (ev.before, ev.text, ev.after) if x)
        return Scored(cand, sentence, round(prob, 4), start, sentence.end, window, ev,
                      dict(zip(features.FEATURES, row.tolist())))

    def threshold(self, info: QuestionInfo) -> float:
        """The support probability below which the answer is withheld."""
        p = self.params
        own = p.threshold_cjk if info.chinese and p.threshold_cjk is not None else p.threshold
        return own if own is not None else self.combiner.cutoff(info.chinese)

    def pick(self, info: QuestionInfo, scored: list[Scored]) -> list[Scored]:
        """The sentences to answer with: the best one, one per compared side, or both sides of a conflict."""
        if info.meta and scored:
            meta = metadata_answer(info, scored)
            if meta is not None:
                return [meta]
        cutoff = self.threshold(info)
        # The pool: sentences that hold what was asked and are plausible; the best must clear the threshold.
        pool = [s for s in scored if s.score >= self.params.pool_floor * cutoff and holds_what_was_asked(info, s)]
        if any(s.row.get("period_hit") for s in pool):
            pool = [s for s in pool if s.row.get("period_hit") or not s.row.get("period_clash")]
            # (order stays by score: naming the period is one of the fitted signals, not a trump card)
        if ("compare" in info.kinds or "list" in info.kinds) and len(info.names) >= 2:
            sides = self._sides(info, pool, cutoff)  # each side's sentence names only its side: a lower bar
            if len(sides) >= 2:
                return _fit(sides, self.params.max_chars + 150)
        if not pool or pool[0].row.get("period_clash") or pool[0].score < cutoff * (
                self.params.period_relief if pool[0].row.get("period_hit") else 1.0):
            return []  # nothing clears the threshold, or the best passage is about another period
        best = pool[0]
        if info.latest:
            # Among sentences giving the asked value (a figure, a date, a name), the newest source's; a question
            # asking what or why has no value to compare, so its best sentence stands.
            if info.kinds & {"number", "money", "year", "person", "title"}:
                same = [best, *(s for s in pool[1:] if same_fact(info, best, s))]
                best = max(same, key=lambda s: (s.sentence.date or "", s.score))
            return [replace(best, note=f"As of {best.sentence.date}:")] if best.sentence.date else [best]
        other = conflicting(info, best, pool)
        if other is not None:
            return _fit(_dated([best, other]), self.params.max_chars + 150)
        fuller = _fuller_date(info, best, pool) if "year" in info.kinds else None
        if fuller is None:
            fuller = _in_question_language(info, best, pool)
        return _fit([best, fuller], self.params.max_chars + 150) if fuller is not None else [best]

    def complete(self, info: QuestionInfo, view: IndexView, chosen: list[Scored]) -> list[Scored]:
        """A single quoted sentence runs on: through a counted enumeration it opens (its items are often split
        into sentences), else through the sentence after it in the same paragraph when both fit (what a sentence
        introduces, the reason or detail, often comes next)."""
        if len(chosen) != 1:
            return chosen
        if _STARTS_LIST.search(chosen[0].sentence.text) and ("list" in info.kinds or self._continues_list(view, chosen[0])):
            return self._complete_list(view, chosen[0])
        if "list" in info.kinds and (after := self._next(view, chosen[0])) is not None and _STARTS_LIST.match(
                after.text) and after.end - chosen[0].start <= self.params.max_chars:
            return self._complete_list(view, replace(chosen[0], end=after.end), after)  # "It faces three: First, ..."
        if info.meta:
            return chosen  # a dated "As of" answer runs on like any other; a metadata answer is its own line
        best = chosen[0]
        nxt = self._next(view, best)
        if nxt is None or nxt.end - best.start > self.params.max_chars or asks(nxt.text):
            return chosen
        return [replace(best, end=nxt.end)]

    def _continues_list(self, view: IndexView, best: Scored) -> bool:
        """True when the sentence after a chosen one continues the enumeration it opens ("一是…；" then "二是…；")."""
        nxt = self._next(view, best)
        return nxt is not None and _CONTINUES_LIST.match(nxt.text) is not None

    @staticmethod
    def _next(view: IndexView, best: Scored) -> Span | None:
        """The sentence after a chosen one in its paragraph, if any."""
        pos = view.sentence_pos.get(best.sentence.id)
        return view.neighbour(pos, 1) if pos is not None else None

    def _complete_list(self, view: IndexView, best: Scored, first: Span | None = None) -> list[Scored]:
        """The quote of a list's first item (or of the sentence introducing it, with `first` the first item), run on
        through the sentences that continue the list."""
        pos, end = view.sentence_pos.get((first or best.sentence).id), best.end
        while pos is not None:
            nxt = view.neighbour(pos, 1)
            if nxt is None or not _CONTINUES_LIST.match(nxt.text) or nxt.end - best.start > self.params.max_chars:
                break
            pos, end = view.sentence_pos.get(nxt.id), nxt.end
        return [replace(best, end=end)]

    def _sides(self, info: QuestionInfo, scored: list[Scored], cutoff: float) -> list[Scored]:
        """For a comparison, the best sentence about each compared name (topic terms decide)."""
        name_terms = {t for n in info.names for t in terms(n)}
        topic = [t for t in info.terms if t not in name_terms]
        floor = self.params.pool_floor * cutoff
        sides: list[Scored] = []
        for name in info.names:
            others = [n for n in info.names if n != name]
            about = [s for s in scored if _is_about(s, info.forms(name), others, info) and s.score >= floor
                     and not s.row.get("heading_like") and (not topic or _topic_cover(topic, s.sentence.text) > 0)]
            if not about:
                continue
            best = max(about, key=lambda s: (_topic_cover(topic, s.sentence.text), not any(
                _mentions(s.sentence.text, f) for o in others for f in info.forms(o)), s.score))
            if best not in sides:
                sides.append(best)
        return sides

    def cite(self, view: IndexView, chosen: list[Scored]) -> list[Citation]:
        """Citations for the chosen spans, each verified to be the exact source text at its offsets."""
        citations: list[Citation] = []
        ordered = sorted(chosen, key=lambda s: (s.sentence.doc_id, s.start)) if len(chosen) > 1 and not any(
            s.note for s in chosen) else chosen
        for scored in ordered:
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
    def compose(chosen: list[Scored], citations: list[Citation]) -> str:
        """Answer text: each quote followed by its marker, after its note (a date or metadata) when it has one."""
        notes = {(s.sentence.doc_id, s.start): s.note for s in chosen}
        return " ".join(" ".join(x for x in (notes.get((c.doc_id, c.start), ""), f"{c.quote} [{c.n}]") if x)
                        for c in citations)

    @staticmethod
    def related(view: IndexView, scored: list[Scored], k: int) -> list[Passage]:
        """The closest sentences, offered as related reading when the answer is withheld."""
        return [s.sentence.passage(s.score) for s in scored if not s.row.get("heading_like")][:k]


# The first item of a counted enumeration, and the sentences that continue one.
_STARTS_LIST = re.compile(r"第一|一是|其一|首先|\b(?:First|Firstly)\b")
_CONTINUES_LIST = re.compile(r"\s*(?:第[二三四五六七八九十]|[二三四五六七八九十]是|其[二三四五六七八九十]|其次|再次|最后|"
                             r"(?:Second|Secondly|Third|Thirdly|Fourth|Fifth|Finally|Lastly)\b)")


def _with_translated_names(info: QuestionInfo, lexicon: Lexicon) -> QuestionInfo:
    """The question with each Chinese name's English forms among its forms ("星光引擎" is also "Starlight Engine"),
    so an English sentence that says the name in translation mentions it."""
    variants = dict(info.variants)
    for entity in info.entities:
        forms = info.forms(entity)
        extra = [f for form in forms if has_cjk(form) for f in lexicon.name_forms(form) if f not in forms]
        if extra:
            variants[entity] = [*forms, *dict.fromkeys(extra)]
    return replace(info, variants=variants) if variants != info.variants else info


def verify(view: IndexView, citation: Citation) -> bool:
    """True when the quote is exactly the indexed source text at its offsets."""
    text = view.text(citation.doc_id)
    return 0 <= citation.start < citation.end <= len(text) and text[citation.start:citation.end] == citation.quote


def compose(citations: list[Citation]) -> str:
    """Answer text: each quote followed by its marker."""
    return " ".join(f"{c.quote} [{c.n}]" for c in citations)


def _dated(chosen: list[Scored]) -> list[Scored]:
    """Conflicting sources, newest first, each introduced by its document and date."""
    ordered = sorted(chosen, key=lambda s: s.sentence.date or "", reverse=True)
    return [replace(s, note=f"{'Sources differ. ' if i == 0 else ''}{s.sentence.title or s.sentence.source}"
                            f" ({s.sentence.date or 'undated'}):") for i, s in enumerate(ordered)]


def _fuller_date(info: QuestionInfo, best: Scored, pool: list[Scored]) -> Scored | None:
    """For a "when" question answered with a partial date ("On April 15, ..."), a plausible sentence (in the pool:
    it holds what was asked) that states that date in full ("April 15, 2025"), to quote beside it."""
    stated = periods.dates(best.sentence.text)
    if not stated or all(None not in d for d in stated):
        return None
    for other in pool[1:]:
        if other.sentence.id == best.sentence.id:
            continue
        if any(periods.refines(d, o) for d in stated if None in d for o in periods.dates(other.sentence.text)):
            return other
    return None


def _in_question_language(info: QuestionInfo, best: Scored, pool: list[Scored]) -> Scored | None:
    """When the best sentence is in the other language than the question, a plausible sentence (in the pool) in the
    question's language that states the same fact, to quote beside it, so the asker can read the answer too."""
    if has_cjk(best.sentence.text) == info.chinese:
        return None
    return next((s for s in pool[1:] if has_cjk(s.sentence.text) == info.chinese and same_fact(info, best, s)), None)


def _passage(text: str, chunk: Span, scored: Scored) -> str:
    start, end = min(chunk.start, scored.start), max(chunk.end, scored.end)
    return text[start:end]


def _topic_cover(topic: list[str], text: str) -> float:
    own = set(terms(text))
    return sum(t in own for t in topic) / len(topic) if topic else 0.0


def _is_about(scored: Scored, forms: list[str], others: list[str], info: QuestionInfo) -> bool:
    """The sentence names the side itself, or takes it from context while naming none of the others."""
    own = scored.sentence.text
    if any(_mentions(own, f) for f in forms):
        return True
    before = scored.evidence.before if scored.evidence is not None else ""  # names come from before, never after
    return any(_mentions(f"{before} {own}", f) for f in forms) and not any(
        _mentions(own, f) for o in others for f in info.forms(o))


def _mentions(text: str, name: str) -> bool:
    return mentions(name, frozenset(terms(text)), text)


def _fit(chosen: list[Scored], limit: int) -> list[Scored]:
    kept: list[Scored] = []
    used = 0
    for s in chosen:
        length = s.end - s.start
        if kept and used + length > limit:
            s = replace(s, start=s.sentence.start, end=s.sentence.end)
            length = s.end - s.start
            if used + length > limit:
                continue
        kept.append(s)
        used += length + len(s.note) + 5
    return kept
