"""Signals for answer choice: what the scorer knows about each retrieved sentence, as a fixed feature vector.

Every feature is general (ranks, similarities, coverage of the question, answer type, entities, time); none
names anything of a particular corpus. The combiner (rag/combiner.py) weighs them with fitted weights.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from rag import periods
from rag.bilingual import Lexicon
from rag.lexical import fold, terms
from rag.mentions import all_missing, borrowable, missing_share, other_edition, other_version, rival, terms_of, versions_missing
from rag.question import QuestionInfo, answer_type_matches, typed_matches
from rag.text import has_cjk, words

FEATURES = ("dense", "multilingual", "sim_gap", "rr_dense", "rr_bm25", "rr_multilingual", "agree",
            "fused", "cover", "cover_window", "cover_gap", "type_match", "type_missing", "focus_near",
            "entity_missing", "entity_missing_sentence", "entity_missing_doc", "version_missing", "period_hit",
            "period_clash", "latest_recency", "cross_lingual", "heading_like", "short", "rival_entity",
            "entity_all_missing", "soft_cover", "worst_gap", "doc_votes")
# The answerability gate sees the ranker's probability, its gap to the best candidate, and the signals that
# say whether the passage holds what was asked.
GATE_FEATURES = ("rank_prob", "rank_gap", "entity_missing", "entity_missing_sentence", "entity_missing_doc",
                 "rival_entity", "type_match", "type_missing", "focus_near", "cover", "cover_window", "dense",
                 "multilingual", "period_hit", "period_clash", "version_missing", "cross_lingual", "agree", "soft_cover",
                 "worst_gap")
TOP = 5  # a retriever "agrees" when it ranks the sentence in its top TOP


@dataclass(frozen=True)
class Evidence:
    """One retrieved sentence and the context the scorer may use (the narrow input of answer scoring)."""

    key: int
    doc_id: str
    text: str
    before: str = ""
    after: str = ""
    section: str = ""
    title: str = ""
    date: str = ""
    authors: tuple[str, ...] = ()
    start: int = 0
    dense: float = 0.0
    multilingual: float | None = None
    dense_rank: int | None = None
    multilingual_rank: int | None = None
    bm25_rank: int | None = None
    fused_rank: int = 0
    lines: tuple[tuple[str, int, int], ...] = ()  # the document's heading/byline/dateline lines (kind, start, end)
    earlier: tuple[str, ...] = ()  # the paragraph's sentences before `before`, its opening first
    doc_terms: frozenset[str] = frozenset()
    doc_text: str = ""
    source_names: str = ""  # who published or wrote the document ("according to X" names the source, not a subject)
    publisher: str = ""  # the site or publication, when known


@dataclass
class QuestionContext:
    """Per-question values shared by all candidates: term weights, focus terms, date span of the sources."""

    info: QuestionInfo
    weights: dict[str, float]
    focus: set[str]
    newest: str = ""
    oldest: str = ""
    best_sim: float = 0.0
    best_cover: float = 0.0
    extra: dict = field(default_factory=dict)
    doc_votes: dict[str, float] = field(default_factory=dict)  # each document's share of retrieval's votes


def context(info: QuestionInfo, evidence: list[Evidence], weight, rare: float = math.log(10.0)) -> QuestionContext:
    """Term weights (IDF from `weight`), focus terms and the newest/oldest source date for a question."""
    entity_terms = {t for e in info.entities for f in info.forms(e) for t in terms(f)}
    weights = {t: weight(t) * (0.5 if t in entity_terms else 1.0) for t in info.terms}
    focus = {t for t in info.terms if t not in entity_terms and weight(t) >= rare}
    dates = sorted(e.date for e in evidence if periods.doc_year(e.date))
    ctx = QuestionContext(info, weights, focus, dates[-1] if dates else "", dates[0] if dates else "")
    ctx.best_sim = max((_sim(e) for e in evidence), default=0.0)
    ctx.best_cover = max((_cover(ctx, terms_of(e.text)) for e in evidence), default=0.0)
    votes: dict[str, float] = {}
    for e in evidence:  # how strongly retrieval points at each document: its sentences' reciprocal fused ranks
        votes[e.doc_id] = votes.get(e.doc_id, 0.0) + _rr(e.fused_rank)
    top = max(votes.values(), default=0.0)
    ctx.doc_votes = {d: v / top for d, v in votes.items()} if top else {}
    return ctx


def vector(ctx: QuestionContext, ev: Evidence) -> np.ndarray:
    """The feature vector of one candidate, in FEATURES order."""
    info = ctx.info
    own = terms_of(ev.text)
    window_text = f"{ev.before} {ev.text} {ev.after} {ev.section} {ev.title}"
    window = own | terms_of(ev.before) | terms_of(ev.after) | terms_of(ev.section) | terms_of(ev.title)
    cover, cover_window = _cover(ctx, own), _cover(ctx, window)
    across = ctx.extra.get("bilingual", {}).get(ev.key)
    if across is not None:  # another language: the question's words counted through the dictionary
        cover, cover_window = max(cover, across[0]), max(cover_window, across[1])
    # Names may come from what precedes (the sentence before, the section, the title), never from what follows;
    # and not at all when the sentence names someone else.
    context_terms, context_text = borrowable(info, ev, own)
    other = rival(info, ev.text, own, ev.source_names)
    matches = answer_type_matches(info, ev.text)
    soft = ctx.extra.get("soft", {}).get(ev.key)
    ranks = [ev.dense_rank, ev.bm25_rank] + ([ev.multilingual_rank] if ev.multilingual is not None else [])
    hit, clash = period_signals(info, ev)
    values = {
        "dense": ev.dense, "multilingual": ev.multilingual or 0.0,
        "sim_gap": ctx.best_sim - _sim(ev),
        "rr_dense": _rr(ev.dense_rank), "rr_bm25": _rr(ev.bm25_rank), "rr_multilingual": _rr(ev.multilingual_rank),
        "agree": sum(r is not None and r < TOP for r in ranks) / len(ranks), "fused": _rr(ev.fused_rank),
        "cover": cover, "cover_window": cover_window, "cover_gap": ctx.best_cover - cover,
        "type_match": float(matches is True), "type_missing": float(matches is False),
        "focus_near": float(bool(matches) and focused(info, ev.text, ctx.focus)),
        # A sentence that names someone else may still take the asked name from the sentence just before it
        # ("it was renamed ..."), not from further away.
        "entity_missing": missing_share(info, own | terms_of(ev.before) | terms_of(ev.source_names),
                                        f"{ev.text} {ev.before} {ev.source_names}") if other
        else missing_share(info, context_terms, context_text),
        "entity_missing_sentence": missing_share(info, own, ev.text),
        "entity_missing_doc": missing_share(info, window | ev.doc_terms, (window_text, ev.doc_text)),
        "version_missing": float(versions_missing(info, window_text) or other_version(info, ev.text) or other_edition(info, ev.text)),
        "period_hit": float(hit), "period_clash": float(clash),
        "latest_recency": _recency(ctx, ev.date) if info.latest else 0.0,
        "cross_lingual": float(info.chinese != has_cjk(ev.text)),
        "heading_like": float(heading_like(ev.text, ev.section)),
        "short": float(len(words(ev.text)) < 8),
        "rival_entity": float(other),
        "entity_all_missing": float(all_missing(info, context_terms, context_text)),
        "soft_cover": soft.cover if soft is not None else cover,
        "worst_gap": soft.worst_gap if soft is not None else 0.0,
        "doc_votes": ctx.doc_votes.get(ev.doc_id, 0.0),
    }
    return np.array([values[name] for name in FEATURES], dtype=np.float64)


_SAYING = re.compile(r"\b(said|says|say|told|tell|according to|announced|stated|disclosed|claimed|reported)\b|"
                     r"表示|称|透露|披露|宣布|介绍", re.IGNORECASE)

# A question that asks for a whole year explicitly: a figure for part of it does not answer.
_WHOLE_YEAR = re.compile(r"\b(full|whole|entire)[- ]year\b|\bannual\b|\bfor the year\b|全年|整年|全年度", re.IGNORECASE)


def period_signals(info: QuestionInfo, ev: Evidence) -> tuple[bool, bool]:
    """(the asked period is the sentence's, another period is the sentence's instead) for one candidate."""
    asked = periods.periods(info.text, periods.doc_year(ev.date))
    if not asked:  # "who runs it now?" is not answered by how things stood early on
        return False, bool(info.latest and periods.only_before(ev.text))
    # The period a sentence is about: the one it (or the sentence before, or its section) names, else its title's.
    dated = periods.doc_period(ev.date)
    year = periods.doc_year(ev.date)
    around = f"{ev.before} {ev.text} {ev.section}"
    near, title = periods.periods(around, year), periods.periods(ev.title, year)
    if near and not periods.periods(periods.without_comparisons(around), year):
        near = near + title  # "409 million in the quarter, up from 408 million in Q1": the title's quarter too
    mentioned = periods.anchored(near or title, dated)
    hit, clash = periods.match(asked, mentioned)
    if not near and clash and dated is not None and _SAYING.search(info.text) and any(
            a.kind == "month" and a.contains(dated) for a in asked):
        # "what X said in November 2024": only the title names a period (the quarter reported), and a document
        # dated in the asked month speaks for what was said that month (not for the month's figures: "downloads in
        # November" in a November report on October are October's)
        hit, clash = True, False
    if info.kinds & {"number", "money"} and periods.whole_year_for_part(asked, mentioned):
        clash = True  # "revenue in Q2 2024" asked, the year's revenue told
    if _WHOLE_YEAR.search(info.text) and mentioned and all(m.kind != "year" for m in mentioned) and any(
            a.kind == "year" for a in asked):
        hit, clash = False, True  # "full-year revenue" asked, a quarter's told
    if not mentioned and dated is not None and any(a.kind != "year" and a.contains(dated) for a in asked):
        hit = True  # "what X said in November 2024": a document dated then, naming no other period, says it
    elif not mentioned and periods.superseded(asked, dated):
        clash = True  # a sentence naming no period speaks of its document's time, later than the asked period
    return hit, clash


def bilingual_covers(ctx: QuestionContext, evidence: list[Evidence], lexicon: Lexicon) -> dict[int, tuple[float, float]]:
    """For each candidate in the other language than the question: its coverage of the question's weighted terms
    and its window's (the sentence, its neighbours and its section), counted in English stems through the lexicon.
    The best of them raises the question's best coverage, which `cover_gap` measures from."""
    out: dict[int, tuple[float, float]] = {}
    for ev in evidence:
        own = lexicon.cover(ctx.weights, ctx.info.chinese, ev.text)
        if own is not None:
            window = lexicon.cover(ctx.weights, ctx.info.chinese, f"{ev.before} {ev.text} {ev.after} {ev.section}")
            out[ev.key] = (own, max(own, window or 0.0))
    ctx.best_cover = max([ctx.best_cover, *(c for c, _ in out.values())])
    return out


def matrix(ctx: QuestionContext, evidence: list[Evidence]) -> np.ndarray:
    """Feature vectors of all candidates (rows in the order given)."""
    if not evidence:
        return np.zeros((0, len(FEATURES)))
    return np.vstack([vector(ctx, ev) for ev in evidence])


def gate_rows(rows: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """The gate's feature matrix from the ranker's rows and probabilities."""
    if rows.shape[0] == 0:
        return np.zeros((0, len(GATE_FEATURES)))
    extra = {"rank_prob": probs, "rank_gap": probs.max() - probs}
    return np.column_stack([extra[f] if f in extra else rows[:, FEATURES.index(f)] for f in GATE_FEATURES])


def heading_like(text: str, section: str = "") -> bool:
    """A title-like line (markdown heading, short line without sentence punctuation), never an answer."""
    stripped = text.strip()
    if stripped.startswith("#") or (section and stripped == section.strip()):
        return True
    return len(words(stripped)) <= 12 and not re.search(r"[.!?。！？:;；：,，\"”)]$", stripped)


def focused(info: QuestionInfo, text: str, focus: set[str], reach: int = 40) -> bool:
    """True when a typed answer sits within `reach` characters of a focus word of the question."""
    spans = typed_matches(info, text) or []
    if not spans or not focus:
        return False
    hits = [m.start() for m in re.finditer(r"[\w'’-]+", text) if any(fold(w) in focus for w in words(m.group()))]
    return any(abs(h - s) <= reach or abs(h - e) <= reach for s, e in spans for h in hits)


def _cover(ctx: QuestionContext, term_set) -> float:
    total = sum(ctx.weights.values())
    return sum(w for t, w in ctx.weights.items() if t in term_set) / total if total else 0.0


def _sim(ev: Evidence) -> float:
    return max(ev.dense, ev.multilingual or 0.0)


def _rr(rank: int | None) -> float:
    return 0.0 if rank is None else 1.0 / (1.0 + rank)


def _recency(ctx: QuestionContext, date: str) -> float:
    """1 for the newest dated source among the candidates, 0 for the oldest (0.5 when undated)."""
    if not periods.doc_year(date) or not ctx.newest:
        return 0.5
    if ctx.newest == ctx.oldest:
        return 1.0
    return 1.0 if date >= ctx.newest else 0.0 if date <= ctx.oldest else 0.5
